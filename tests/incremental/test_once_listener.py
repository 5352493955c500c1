"""The real `ocean sail --once` process in incremental mode, as Port's Helm chart runs its
incremental CronJob: the ONCE listener with `OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED=true`
calls `sync_incremental`, over Port on loopback (`tests/fake_port.py`, cursor API included) and
the GitHub fake. `scripts/sail-once.sh` turns the run's outcome into the exit status.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sample_api.server import FakeApi
from tests.conftest import ROOT
from tests.fake_port import FakePort
from tests.incremental import upstream_fakes as fakes
from tests.ocean_run import entity, mapping, resource
from tests.sail_once import port_env, sail_once

KIND = "/repos/acme/app/issues"
SAVED = "2025-01-01T00:00:00+00:00"
ISSUES = resource(
    KIND,
    blueprint="githubIssue",
    title=".title",
    query_params={"state": "all", "per_page": "100"},
    incremental={"param": "since", "query_params": {"sort": "updated"}},
)


def _sail_once(home: Path, port: FakePort, api: FakeApi) -> tuple[int, str]:
    env = {
        **port_env(home, port.url),
        "OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED": "true",
        "OCEAN__INTEGRATION__CONFIG__BASE_URL": api.url,
        "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE": "header_link",
        "OCEAN__INTEGRATION__CONFIG__MAX_RETRIES": "0",
    }
    return sail_once(ROOT, env, timeout=90)


@pytest.mark.parametrize("failing", [False, True], ids=["changed-items", "api-500"])
def test_sail_once_runs_sync_incremental(tmp_path: Path, failing: bool) -> None:
    data = fakes.Upstream.of(40)
    data.change([1003, 1010, 1020, 1030, 1039], datetime.now(UTC))
    data.failing = failing
    held = [entity(str(item["id"]), "githubIssue") for item in data.items]
    with FakeApi() as api, FakePort(mapping(ISSUES), existing=held) as port:
        fakes.github(api, data)
        port.responder.cursors[(KIND, 0)] = SAVED
        status, output = _sail_once(tmp_path, port, api)
        cursor = port.responder.cursors[(KIND, 0)]
        upserted, deleted = port.upserted, port.deleted
    assert "Incremental sync mode" in output, output[-3000:]
    assert [request.query.get("since") for request in data.calls] == ["2025-01-01T00:00:00Z"]
    assert deleted == []
    if failing:
        assert status == 1, output[-3000:]
        assert cursor == SAVED and upserted == []
    else:
        assert status == 0, output[-3000:]
        assert cursor > SAVED
        assert sorted(e["identifier"] for e in upserted) == ["1003", "1010", "1020", "1030", "1039"]
