"""Fan-out children fetch one page at a time under `parallelPages: auto` (fanout/engine.py,
`one_page_at_a_time`): a child list of exactly one full page, on an API with no stop flag,
costs the full page and the empty page that ends it — not the page window's extra request —
while a number set for parallelPages still opens each child's window."""

from __future__ import annotations

from typing import Any

from connection.call_fields import CallFields
from connection.endpoint import Endpoint
from connection.settings import load_settings
from connection.urls import join_url
from fanout.discovery import DiscoveryCache
from fanout.engine import FanOut, FanOutPlan
from sample_api.server import FakeApi, Received, Reply
from selector_checks.path_parameters import PathParameter
from tests.fanout.fan_out_kit import api_client, collect, offset_route

PARENTS = {"endpoint": "/tickets", "data_path": ".tickets", "field": ".id"}
KIND = "/tickets/{ticket_id}/comments"
IDS = [1, 2, 3]


def serve(api: FakeApi) -> None:
    """Tickets 1-3 in pages of 2; each ticket's comments: one full page of 2, then an
    empty page (no stop flag). The empty page answers late, so that a page requested ahead
    of it certainly reaches the API before the run ends."""
    api.route("GET", "/tickets", offset_route([{"id": i} for i in IDS], "tickets"))
    for ticket in IDS:

        def comments(request: Received, ticket: int = ticket) -> Reply:
            if int(request.query.get("offset", 0)) == 0:
                return Reply(json_body={"comments": [{"id": f"{ticket}-a"}, {"id": f"{ticket}-b"}]})
            return Reply(json_body={"comments": []}, delay=0.2)

        api.route("GET", f"/tickets/{ticket}/comments", comments)


def run(api: FakeApi, client: Any, raw: dict[str, str]) -> FanOut:
    connection = load_settings({"base_url": api.url, **raw})
    paging = connection.pagination
    child = Endpoint(
        kind=KIND,
        url=join_url(api.url, KIND),
        call=CallFields(data_path=".comments"),
        pagination=paging,
    )
    parents = {"ticket_id": PathParameter.parse_obj(PARENTS)}
    plan = FanOutPlan.build(child, api.url, parents, discovery_pagination=paging)
    return FanOut(client, plan, DiscoveryCache(), limit=10)


def offsets(api: FakeApi, ticket: int) -> list[str]:
    return sorted(r.query["offset"] for r in api.requests_to(f"/tickets/{ticket}/comments"))


async def test_children_fetch_one_page_at_a_time_by_default(api: FakeApi) -> None:
    serve(api)
    raw = {"pagination_type": "offset", "page_size": "2"}  # parallelPages: auto
    async with api_client(api, **raw) as client:
        items = await collect(run(api, client, raw))
    assert len(items) == 6
    for ticket in IDS:
        assert offsets(api, ticket) == ["0", "2"], ticket


async def test_a_number_for_parallel_pages_opens_each_childs_window(api: FakeApi) -> None:
    serve(api)
    raw = {"pagination_type": "offset", "page_size": "2", "parallel_pages": "4"}
    async with api_client(api, **raw) as client:
        items = await collect(run(api, client, raw))
    assert len(items) == 6
    # After a full first page the window ramps to two pages ahead: offsets 2 and 4.
    for ticket in IDS:
        assert offsets(api, ticket) == ["0", "2", "4"], ticket
