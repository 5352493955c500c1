"""Corpus A10: Port's LinearB guide, unchanged: two POSTs to one kind, jq bodies, an array reply.

Both resources are `POST /api/v2/measurements` (org-level DORA metrics, then team-level PR
metrics), each with its own body: a jq program in a folded `>-` scalar whose time range comes
from `now`, which must go out as a JSON object with dates, not as a string. The reply is a
top-level array read with `data_path: '.[0].metrics'`. The docker command passes the token as
`OCEAN__INTEGRATION__SECRETS__API_KEY`; Helm as `integration.secrets.apiKey`. The API is not
paginated here: the report holds every team.
"""

from __future__ import annotations

import time

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import linearb
from tests.corpus.kit import connections, load, sync

NAME = "A10-linearb"
MONTH_S = 2_592_000  # the page's 30 days


def day(epoch: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))  # jq's strftime works in UTC


def expected(today: str) -> dict[str, set[str]]:
    teams = {f"linearb-pr-{linearb.slug(name)}-30d-{today}" for _, name in linearb.TEAMS}
    return {"engineering_metric": {f"linearb-dora-30d-{today}", *teams}}


@pytest.mark.parametrize("connection", connections(NAME))
async def test_org_dora_and_every_team_s_pr_metrics_arrive(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection)
    key = published.value("YOUR_LINEARB_API_TOKEN")
    linearb.install(api, key)
    now = time.time()

    outcome = await sync(published, api.url, monkeypatch, expected(day(now)))

    outcome.assert_complete()
    org, team = (r.json() for r in api.requests_to(linearb.PATH))
    assert (org["group_by"], team["group_by"]) == ("organization", "team")
    assert org["time_ranges"] == [{"after": day(now - MONTH_S), "before": day(now)}]
    assert [m["name"] for m in org["requested_metrics"]] == [
        "releases.count",
        "pm.mttr",
        "pm.cfr.issues.done",
    ]
    assert {r.headers["x-api-key"] for r in api.received} == {key}
    dora = next(e for e in outcome.upserted if e["identifier"].startswith("linearb-dora"))
    assert dora["properties"]["deployment_count"] == 10.0
    assert dora["properties"]["change_failure_rate"] == 12.0
    squad = next(
        e for e in outcome.upserted if e["properties"].get("team_name") == "Data/ML Squad 2"
    )
    assert squad["relations"]["team"] == "data-ml-squad-2"
    assert squad["properties"]["cycle_time_seconds"] == 600.0
