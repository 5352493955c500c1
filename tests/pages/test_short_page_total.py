"""`stopOnShortPage` with `totalPath`: a page under pageSize is the last only when no total says
more remain (issue 19, part 6). A server that caps its page size below `pageSize` (GitHub caps
`per_page` at 100, Jira `maxResults` at 50 or 100) answers every page short."""

from __future__ import annotations

from typing import Any

from pagination import Done, NextPage
from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import fetch
from tests.test_pagination import page, paginator

ITEMS = [{"id": n} for n in range(10)]


def test_a_short_page_continues_while_the_total_says_more_remain() -> None:
    offset = paginator("offset", page_size="5", stop_on_short_page="true", total_path="total")
    assert offset.next(page({"total": 10}, items=3)) == NextPage({"offset": 3, "limit": 5})
    assert offset.next(page({"total": 10}, items=3)) == NextPage({"offset": 6, "limit": 5})
    stop = offset.next(page({"total": 10}, items=4))
    assert isinstance(stop, Done) and stop.reason == "total reached (10 of 10 items)"


def test_without_a_total_the_short_page_is_the_last() -> None:
    offset = paginator("offset", page_size="5", stop_on_short_page="true", total_path="total")
    stop = offset.next(page({"items": []}, items=3))  # no total in this response
    assert isinstance(stop, Done) and stop.reason == "short page (3 < pageSize 5)"


async def test_a_capped_server_stating_its_total_syncs_every_item(api: FakeApi) -> None:
    def capped(request: Received) -> Reply:
        offset = int(request.query["offset"])
        body: dict[str, Any] = {"items": ITEMS[offset : offset + 3], "total": len(ITEMS)}
        return Reply(json_body=body)  # 3 a page, whatever `limit` asks for

    api.route("GET", "/items", capped)
    pages = await fetch(
        api.url,
        pagination_type="offset",
        page_size="5",
        stop_on_short_page="true",
        total_path="total",
        parallel_pages="1",
    )
    assert [item for items in pages for item in items] == ITEMS
    assert [r.query["offset"] for r in api.requests_to("/items")] == ["0", "3", "6", "9"]
