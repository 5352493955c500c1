"""An incremental run whose upserts Port refuses fails the kind: Ocean then keeps the kind's
cursor where it was, so the next run asks for the same changes again instead of skipping past
changes Port never took (incremental runs delete nothing either way).

Through the real Ocean app in incremental mode (`tests/incremental/kit.py`), with Port's
cursor API and a Port that answers 500 to every upsert of the blueprint (`refusing_port.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sample_api.server import FakeApi
from tests.fake_port import CursorPortResponder
from tests.incremental import upstream_fakes as fakes
from tests.incremental.kit import IncrementalOcean
from tests.log_capture import captured_logs
from tests.ocean_run import entity, mapping, resource
from tests.upserts.refusing_port import PORT_DOWN, Refusals, RefusingPort

KIND = "/repos/acme/app/issues"
ISSUES = resource(
    KIND,
    blueprint="githubIssue",
    title=".title",
    query_params={"state": "all", "per_page": "100"},
    incremental={"param": "since", "query_params": {"sort": "updated"}},
)


class RefusingCursorPort(CursorPortResponder, RefusingPort):
    """The cursor API of Ocean's incremental mode, over a Port that refuses upserts."""


async def test_an_incremental_run_that_port_refuses_fails_and_keeps_the_cursor() -> None:
    with FakeApi() as api:
        data = fakes.Upstream.of(50)
        fakes.github(api, data)
        held = [entity(str(item["id"]), "githubIssue") for item in data.items]
        config = {"base_url": api.url, "pagination_type": "header_link", "max_retries": "0"}
        ports_mapping = mapping(ISSUES)
        run = IncrementalOcean(config, ports_mapping, held)
        port = RefusingCursorPort(
            mapping_config=ports_mapping,
            integration_identifier="test-custom",
            search_entities_response=held,
        )
        port.refusing(Refusals())  # nothing refused yet
        run.port = port
        run.harness.port_mock = port
        async with run:
            data.change([1003, 1004], datetime.now(UTC))
            first = await run.incremental()  # Port takes them: the cursor is saved
            assert set(first.titles) == {"1003", "1004"}
            cursor = run.cursor(KIND)
            assert cursor is not None

            port.refusing(Refusals(down={"githubIssue": (500, PORT_DOWN)}))
            data.change([1010], datetime.now(UTC))
            with captured_logs() as lines:
                refused = await run.incremental()
            assert refused.upserted == [] and refused.deleted == []
            assert run.cursor(KIND) == cursor  # the change Port never took is asked for again
            log: Any = "".join(lines)
            assert "Port refused entities" in log and "githubIssue" in log
            assert PORT_DOWN["message"] in log
