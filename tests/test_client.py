"""`ApiClient` over a real loopback API: every item arrives, and exactly these requests went out."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core.errors import FetchError
from sample_api.server import FakeApi, Handler, Received, Reply
from tests.client_kit import (
    ITEMS,
    SECRET,
    api_client,
    collect,
    cursor_route,
    endpoint,
    fetch,
    header_link_route,
    next_link_route,
    offset_route,
    page_route,
)

# Seven items, three per page: the last page is short, as real data is. Offset and page run
# one page at a time here (parallelPages: 1): what the window sends ahead by default is
# asserted in tests/fetching/test_parallel_by_default.py.
ONE_AT_A_TIME = {"parallel_pages": "1"}
STYLES: dict[str, tuple[dict[str, Any], Handler, list[dict[str, str]]]] = {
    "none": ({}, lambda _r: Reply(json_body={"items": ITEMS}), [{}]),
    "offset": (
        ONE_AT_A_TIME,
        offset_route(ITEMS),
        [{"offset": str(n), "limit": "3"} for n in (0, 3, 6, 7)],  # 7: the empty page
    ),
    "page": (
        ONE_AT_A_TIME,
        page_route(ITEMS),
        [{"page": str(n), "size": "3"} for n in (1, 2, 3, 4)],
    ),
    "cursor": (
        {"cursor_path": "meta.next"},
        cursor_route(ITEMS),
        [{"limit": "3"}, {"cursor": "3", "limit": "3"}, {"cursor": "6", "limit": "3"}],
    ),
    "next_link": ({}, next_link_route(ITEMS, 3), [{}, {"skip": "3"}, {"skip": "6"}]),
    "header_link": ({}, header_link_route(ITEMS, 3), [{}, {"since": "3"}, {"since": "6"}]),
}


@pytest.mark.parametrize("style", STYLES)
async def test_each_style_delivers_every_item_with_exactly_these_requests(
    api: FakeApi, style: str
) -> None:
    knobs, handler, expected_queries = STYLES[style]
    api.route("GET", "/items", handler)
    pages = await fetch(api.url, pagination_type=style, page_size="3", **knobs)
    assert [item for page in pages for item in page] == ITEMS
    if style != "none":
        assert [len(page) for page in pages] == [3, 3, 1]  # streamed page by page
    received = api.requests_to("/items")
    assert [request.query for request in received] == expected_queries
    assert {request.method for request in received} == {"GET"}
    assert len(api.received) == len(received)


async def test_offset_advances_by_items_received_when_the_server_caps_page_size(
    api: FakeApi,
) -> None:
    items = [{"id": n} for n in range(10)]
    api.route("GET", "/items", offset_route(items, cap=4))
    pages = await fetch(api.url, pagination_type="offset", page_size="10")
    assert [item for page in pages for item in page] == items
    assert [r.query["offset"] for r in api.requests_to("/items")] == ["0", "4", "8", "10"]
    assert {r.query["limit"] for r in api.requests_to("/items")} == {"10"}


async def test_pagination_params_override_user_query_params(api: FakeApi) -> None:
    api.route("GET", "/items", offset_route(ITEMS))
    user_params = {"limit": "5", "offset": "99", "status": "active", "expand": ["a", "b"]}
    target = endpoint(api.url, data_path=".items", query_params=user_params)
    await fetch(api.url, target, pagination_type="offset", page_size="4")
    sent = api.requests_to("/items")  # pages go in parallel: the server sees them in any order
    (first,) = [r for r in sent if r.query["offset"] == "0"]
    assert first.query == {"limit": "4", "offset": "0", "status": "active", "expand": "b"}
    assert "expand=a&expand=b" in first.raw_query  # a list becomes repeated parameters
    offsets = sorted(int(r.query["offset"]) for r in sent)
    assert offsets[:2] == [0, 4] and 99 not in offsets  # the paginator's offset wins
    assert {(r.query["limit"], r.query["status"]) for r in sent} == {("4", "active")}


async def test_kind_is_joined_to_base_url_keeping_its_prefix_and_query(api: FakeApi) -> None:
    api.route("GET", "/api/v2/items", page_route(ITEMS))
    base_url = api.url + "/api/"
    target = endpoint(base_url, "v2/items?status=open&size=50", data_path=".items")
    pages = await fetch(base_url, target, pagination_type="page", page_size="5")
    assert sum(map(len, pages)) == len(ITEMS)
    received = api.requests_to("/api/v2/items")
    # The kind's own query string is kept; the pagination's size wins over the kind's.
    assert received[0].query["page"] == "1"  # later pages go in parallel, in any order
    assert sorted((r.query for r in received), key=lambda q: q["page"]) == [
        {"status": "open", "size": "5", "page": str(n)} for n in (1, 2, 3)
    ]


async def test_kind_query_string_is_kept_without_pagination(api: FakeApi) -> None:
    api.json_route("/items", ITEMS)
    assert await fetch(api.url, endpoint(api.url, "/items?x=1&y=")) == [ITEMS]
    assert api.requests_to("/items")[0].raw_query == "x=1&y="


async def test_post_sends_the_json_body_on_every_page(api: FakeApi) -> None:
    def search(request: Received) -> Reply:
        return page_route(ITEMS)(request)

    api.route("POST", "/search", search)
    body = {"filter": {"status": ["open"]}, "sort": "id"}
    target = endpoint(
        api.url, "/search", method="POST", body=body, data_path=".items[]", headers={"X-Q": "1"}
    )
    pages = await fetch(api.url, target, pagination_type="page", page_size="4")
    assert sum(map(len, pages)) == len(ITEMS)
    received = api.requests_to("/search")
    assert [r.method for r in received] == ["POST"] * 3
    assert all(r.json() == body for r in received)
    assert received[0].headers["content-type"] == "application/json"
    assert received[0].headers["x-q"] == "1"
    assert [r.query["page"] for r in received] == ["1", "2", "3"]


async def test_get_sends_no_body(api: FakeApi) -> None:
    api.json_route("/items", {"items": ITEMS})
    await fetch(api.url, endpoint(api.url, data_path=".items", body={"ignored": True}))
    assert api.requests_to("/items")[0].body == b""


async def test_timeout_is_applied(api: FakeApi) -> None:
    api.route("GET", "/items", lambda _r: Reply(json_body={"items": []}, delay=1.0))
    with pytest.raises(FetchError, match=r"timed out.*timeout=0\.3s.*Raise timeout"):
        await fetch(api.url, timeout="0.3", max_retries="0")


@pytest.mark.parametrize("limit", [1, 3])
async def test_max_concurrent_requests_bounds_requests_in_flight(api: FakeApi, limit: int) -> None:
    for number in range(6):
        api.route("GET", f"/slow/{number}", lambda _r: Reply(json_body=[{"id": 1}], delay=0.3))
    async with api_client(api.url, max_concurrent_requests=str(limit)) as client:
        runs = [collect(client, endpoint(api.url, f"/slow/{n}")) for n in range(6)]
        results = await asyncio.gather(*runs)
    assert results == [[[{"id": 1}]]] * 6
    assert api.peak_in_flight == limit


async def test_redirect_within_the_origin_keeps_credentials(api: FakeApi) -> None:
    api.route("GET", "/old", lambda _r: Reply(301, headers={"Location": "/items?moved=1"}))
    api.json_route("/items", {"items": ITEMS})
    target = endpoint(api.url, "/old", data_path=".items")
    pages = await fetch(api.url, target, auth_type="bearer_token", api_token=SECRET)
    assert pages == [ITEMS]
    moved = api.requests_to("/items")[0]
    assert moved.query == {"moved": "1"}
    assert moved.headers["authorization"] == f"Bearer {SECRET}"


async def test_redirect_to_another_origin_goes_without_credentials(
    api: FakeApi, other_api: FakeApi
) -> None:
    location = f"{other_api.url}/search"
    api.route(
        "POST",
        "/search",
        lambda _r: Reply(307, headers={"Location": location, "Set-Cookie": f"s={SECRET}"}),
    )
    other_api.json_route("/search", {"items": ITEMS}, method="POST")
    target = endpoint(
        api.url, "/search", method="POST", body={"q": 1}, data_path=".items",
        headers={"X-Tenant-Token": SECRET, "Accept": "application/json"},
    )  # fmt: skip
    assert await fetch(api.url, target, auth_type="api_key", api_key=SECRET) == [ITEMS]
    abroad = other_api.requests_to("/search")[0]
    assert abroad.method == "POST"  # 307 keeps the method and the body
    assert abroad.json() == {"q": 1}
    assert SECRET not in str(abroad.headers)
    assert not {"x-api-key", "x-tenant-token", "cookie", "authorization"} & set(abroad.headers)


async def test_see_other_redirect_becomes_a_get(api: FakeApi) -> None:
    api.route("POST", "/search", lambda _r: Reply(303, headers={"Location": "/results"}))
    api.json_route("/results", {"items": ITEMS})
    target = endpoint(api.url, "/search", method="POST", body={"q": 1}, data_path=".items")
    assert await fetch(api.url, target) == [ITEMS]
    assert api.requests_to("/results")[0].body == b""


@pytest.mark.parametrize(
    ("status", "redirect"),
    [(300, False), (301, True), (302, True), (303, True), (304, False), (307, True), (308, True)],
)
async def test_the_loop_follows_exactly_the_redirect_statuses(
    api: FakeApi, status: int, redirect: bool
) -> None:
    """RFC 9110 §15.4 (core/redirects.py): the statuses a login refuses, and no other."""
    api.route("GET", "/old", lambda _r: Reply(status, headers={"Location": "/items"}))
    api.json_route("/items", {"items": ITEMS})
    target = endpoint(api.url, "/old", data_path=".items")
    if redirect:
        assert await fetch(api.url, target) == [ITEMS]
    else:
        with pytest.raises(FetchError, match=str(status)):
            await fetch(api.url, target)
        assert api.requests_to("/items") == []


async def test_too_many_redirects(api: FakeApi) -> None:
    api.route("GET", "/loop", lambda _r: Reply(302, headers={"Location": "/loop"}))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await fetch(api.url, endpoint(api.url, "/loop"))


async def test_204_is_an_empty_page_and_an_empty_200_only_when_allowed(api: FakeApi) -> None:
    api.route("GET", "/empty", lambda _r: Reply(204))
    api.route("GET", "/blank", lambda _r: Reply(200, body=b"  "))
    assert await fetch(api.url, endpoint(api.url, "/empty", data_path=".items")) == []
    allowed = endpoint(api.url, "/blank", allow_empty_body=True)
    assert await fetch(api.url, allowed) == []
    # tests/pages/test_empty_body.py
    with pytest.raises(FetchError, match="200 with an empty body"):
        await fetch(api.url, endpoint(api.url, "/blank"))
