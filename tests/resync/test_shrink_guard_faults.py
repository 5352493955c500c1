"""The shrink guard where a mutation audit found it untested (issue 19, part 6), through real
Ocean with a seeded Port:

- an endpoint that suddenly answers `[]` is the largest shrink there is, not "nothing to judge";
- Port's search failing when the guard reads it fails the resync (closed), not the guard (open);
- Port's holdings are read past their first page (5,000 entities a page, `from` / `next`).

Port's `POST /v1/blueprints/entities/datasource-entities` is served as Ocean itself reads it
(`port_ocean/clients/port/mixins/entities.py`, `_search_entities_by_datasource_paginated`):
`limit` entities a page, `next` naming the next page, `from` asking for it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from port_ocean.integration_testing import (
    IntegrationTestHarness,
    InterceptTransport,
    PortMockResponder,
    ResyncResult,
)

from sample_api.server import FakeApi, Reply
from tests.conftest import ROOT
from tests.ocean_run import entity, run_resync
from tests.resync.test_shrink_guard import (
    PORT_STATE,
    SERVICES,
    TEAMS,
    THREE_KINDS,
    USERS,
    config,
    deleted,
    held,
    serve,
    upserted,
)


class PagedPort(PortMockResponder):
    """Port's datasource search in pages of the `limit` asked for; the first `failing`
    searches answer 500, as Port does in an incident."""

    def __init__(self, mapping: dict[str, Any], held: list[dict[str, Any]], failing: int = 0):
        self.failing = failing
        self.searches: list[dict[str, Any]] = []  # the request bodies, in order
        super().__init__(mapping, search_entities_response=held)

    def _handle_datasource_entities(self, request: httpx.Request) -> dict[str, Any]:
        asked = json.loads(request.content)
        self.searches.append(asked)
        if len(self.searches) <= self.failing:
            return {"status_code": 500, "json": {"ok": False, "error": "internal_error"}}
        start, size = int(asked.get("from") or 0), int(asked["limit"])
        held = self.search_entities_response
        after = start + size
        return {
            "json": {
                "ok": True,
                "entities": held[start:after],
                "next": str(after) if after < len(held) else None,
            }
        }


async def resync(port: PagedPort, settings: dict[str, Any]) -> ResyncResult:
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=port.mapping_config,
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={
            "integration": {"identifier": "test-custom", "type": "custom", "config": settings}
        },
    )
    harness.port_mock = port  # Port as seeded here, read by the guard and by Ocean alike
    try:  # shut down even when the start fails: the harness patches globals
        await harness.start()
        return await harness.trigger_resync()
    finally:
        await harness.shutdown()


async def test_an_endpoint_suddenly_answering_an_empty_list_deletes_nothing(api: FakeApi) -> None:
    """Port holds 10 services; the endpoint now answers `[]` (a permissions change, an API
    bug): 100 % of them would go, beside two healthy kinds (10 of 30: under Ocean's 0.9)."""
    serve(api, users=USERS, teams=TEAMS)
    api.route("GET", "/services", lambda _r: Reply(json_body={"data": []}))
    result = await run_resync(config(api), THREE_KINDS, PORT_STATE)

    assert result.deleted_entities == []
    (failure,) = result.errors
    message = str(failure)
    assert "blueprint 'service' would lose 10 of the 10 entities Port holds" in message
    assert "(100%)" in message and "this run produced 0" in message
    assert upserted(result, "user") == {u["id"] for u in USERS}


async def test_port_failing_when_the_guard_reads_it_fails_the_resync(api: FakeApi) -> None:
    """Port's search answers 500 once — when the guard reads it — and then recovers, so
    Ocean's own reconciliation could read Port and would delete the 6 services gone."""
    serve(api, users=USERS, teams=TEAMS, services=SERVICES[:4])
    port = PagedPort(THREE_KINDS, PORT_STATE, failing=1)
    result = await resync(port, config(api))

    assert result.deleted_entities == []
    messages = [str(failure) for failure in result.errors]
    assert len(messages) == 3  # each guarded blueprint, each kind's items upserted
    for blueprint, message in zip(("user", "team", "service"), messages, strict=True):
        assert f"Shrink guard: cannot tell whether blueprint '{blueprint}' shrank" in message
        assert "reading this installation's entities from Port failed" in message
        assert "500" in message and "maxDeletionShare=100" in message
    assert len(port.searches) == 1  # Ocean never got to its reconciliation read


async def test_port_holdings_are_read_past_the_first_page_of_5000(api: FakeApi) -> None:
    """Port holds 5,000 entities of a blueprint no resource maps any more (page 1 of Port's
    answer) and the 10 services (page 2). The endpoint now gives 3 services: 7 of 10 would go."""
    serve(api, services=SERVICES[:3])
    retired = [entity(f"r{n}", "retired") for n in range(5000)]
    only_services = {
        **THREE_KINDS,
        "entityDeletionThreshold": 1,  # Ocean's own guard off: the shrink guard alone decides
        "resources": [THREE_KINDS["resources"][2]],
    }
    port = PagedPort(only_services, [*retired, *held("service", SERVICES)])
    result = await resync(port, config(api))

    assert deleted(result) == []
    (failure,) = result.errors
    assert "blueprint 'service' would lose 7 of the 10 entities Port holds" in str(failure)
    assert upserted(result, "service") == {s["id"] for s in SERVICES[:3]}
    assert [search.get("from") for search in port.searches] == [None, "5000"]  # the guard's
