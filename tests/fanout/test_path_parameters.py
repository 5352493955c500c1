"""Path parameters through the real Ocean app (Port mocked): the documented Zendesk example,
failures that must leave Port untouched, skip statuses, per-resync reuse, and load-time errors."""

from __future__ import annotations

from typing import Any

from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from sample_api.server import FakeApi, Received, Reply
from tests.conftest import ROOT
from tests.ocean_run import entity, mapping, resource, run_resync

# Zendesk's cursor pagination, as in Port's example configuration.
ZENDESK = {
    "pagination_type": "cursor",
    "page_size": "2",
    "pagination_param": "page[after]",
    "size_param": "page[size]",
    "cursor_path": "meta.after_cursor",
    "has_more_path": "meta.has_more",
}
TICKETS: list[dict[str, Any]] = [
    {"id": 101, "subject": "Login broken", "status": "open"},
    {"id": 102, "subject": "Slow page", "status": "closed"},
    {"id": 103, "subject": "Typo", "status": "pending"},
]
TICKET_ID = {
    "endpoint": "/api/v2/tickets.json",
    "data_path": ".tickets",
    "field": ".id",
    "filter": '.status != "closed"',
}
COMMENTS_KIND = "/api/v2/tickets/{ticket_id}/comments.json"


def zendesk_pages(key: str, items: list[dict[str, Any]]) -> Any:
    def handle(request: Received) -> Reply:
        start, size = int(request.query.get("page[after]", 0)), int(request.query["page[size]"])
        more = start + size < len(items)
        meta = {"has_more": more, "after_cursor": str(start + size) if more else None}
        return Reply(json_body={key: items[start : start + size], "meta": meta})

    return handle


def zendesk(api: FakeApi) -> None:
    api.route("GET", "/api/v2/tickets.json", zendesk_pages("tickets", TICKETS))
    for ticket in TICKETS:
        comments = [{"id": ticket["id"] * 10 + n, "body": f"c{n}"} for n in range(3)]
        path = f"/api/v2/tickets/{ticket['id']}/comments.json"
        api.route("GET", path, zendesk_pages("comments", comments))


def comments_resource(**selector: Any) -> dict[str, Any]:
    comment = resource(
        COMMENTS_KIND,
        blueprint="zendesk_comment",
        title=".body",
        properties={"ticket_id": ".__ticket_id"},
        data_path=".comments",
        path_parameters={"ticket_id": TICKET_ID},
        **selector,
    )
    comment["port"]["entity"]["mappings"]["relations"] = {"ticket": ".__ticket_id"}
    return comment


def config(api: FakeApi, **extra: str) -> dict[str, Any]:
    return {"base_url": api.url, "max_retries": "0", **ZENDESK, **extra}


async def test_zendesk_tickets_to_comments_example(api: FakeApi) -> None:
    zendesk(api)
    tickets = resource(
        "/api/v2/tickets.json", blueprint="zendesk_ticket", title=".subject", data_path=".tickets"
    )
    result = await run_resync(config(api), mapping(tickets, comments_resource()))
    assert result.errors == []
    comments = {
        e["identifier"]: e for e in result.upserted_entities if e["blueprint"] == "zendesk_comment"
    }
    assert sorted(comments) == ["1010", "1011", "1012", "1030", "1031", "1032"]
    for identifier, comment in comments.items():
        assert comment["properties"]["ticket_id"] == identifier[:3]
        assert comment["relations"]["ticket"] == identifier[:3]
    # Kind 1 and the discovery of kind 2 read the same endpoint with different selectors, so
    # each reads it once (2 pages); closed ticket 102 got no comments call.
    assert len(api.requests_to("/api/v2/tickets.json")) == 4
    assert api.requests_to("/api/v2/tickets/102/comments.json") == []
    assert [
        r.query.get("page[after]") for r in api.requests_to("/api/v2/tickets/101/comments.json")
    ] == [None, "2"]


async def test_child_failure_fails_the_resync_and_deletes_nothing(api: FakeApi) -> None:
    zendesk(api)
    api.route("GET", "/api/v2/tickets/103/comments.json", lambda _r: Reply(500, {"e": "x"}))
    stale = [entity("999", "zendesk_comment"), entity("998", "zendesk_comment")]
    result = await run_resync(config(api), mapping(comments_resource()), stale)
    assert result.errors
    assert any("child call for ticket_id='103'" in str(error) for error in result.errors)
    assert result.deleted_entities == []


async def test_discovery_failure_fails_the_resync_and_deletes_nothing(api: FakeApi) -> None:
    api.route("GET", "/api/v2/tickets.json", lambda _r: Reply(503, {"e": "maintenance"}))
    stale = [entity("999", "zendesk_comment")]
    result = await run_resync(config(api), mapping(comments_resource()), stale)
    messages = " ".join(str(error) for error in result.errors)
    assert "selector.path_parameters.ticket_id" in messages and "503" in messages
    assert result.deleted_entities == []


async def test_skip_statuses_sync_the_other_parents(api: FakeApi) -> None:
    zendesk(api)
    api.route("GET", "/api/v2/tickets/101/comments.json", lambda _r: Reply(404, {"e": "gone"}))
    result = await run_resync(config(api), mapping(comments_resource(skip_statuses=[404])))
    assert result.errors == []
    assert sorted(e["identifier"] for e in result.upserted_entities) == ["1030", "1031", "1032"]


async def test_config_error_at_load_deletes_nothing(api: FakeApi) -> None:
    zendesk(api)
    broken = comments_resource()
    broken["selector"]["path_parameters"] = {"ticket": TICKET_ID}  # not the placeholder's name
    result = await run_resync(config(api), mapping(broken), [entity("999", "zendesk_comment")])
    messages = " ".join(str(error) for error in result.errors)
    assert "resources[0].selector.path_parameters.ticket_id" in messages
    assert result.deleted_entities == []
    assert api.received == []


async def test_discovery_reused_within_a_resync_and_fresh_in_the_next(api: FakeApi) -> None:
    zendesk(api)
    for ticket in TICKETS:
        api.json_route(f"/api/v2/tickets/{ticket['id']}/audits.json", {"audits": [{"id": 1}]})
    audits = resource(
        "/api/v2/tickets/{ticket_id}/audits.json",
        blueprint="audit",
        identifier='.__ticket_id + "-audit"',
        data_path=".audits",
        path_parameters={"ticket_id": TICKET_ID},
    )
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping(comments_resource(), audits),
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={
            "integration": {"identifier": "test-custom", "type": "custom", "config": config(api)}
        },
    )
    try:  # shut down even when the start fails: the harness patches globals
        await harness.start()
        first = await harness.trigger_resync()
        assert len(api.requests_to("/api/v2/tickets.json")) == 2  # two kinds, one discovery
        second = await harness.trigger_resync()
    finally:
        await harness.shutdown()
    assert first.errors == second.errors == []
    assert len(api.requests_to("/api/v2/tickets.json")) == 4  # the next resync asks again
    audit_ids = sorted(
        e["identifier"] for e in second.upserted_entities if e["blueprint"] == "audit"
    )
    assert audit_ids == ["101-audit", "103-audit"]
