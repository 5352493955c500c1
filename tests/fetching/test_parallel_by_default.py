"""Parallel pages by default (issue 16) over a real loopback API, on the configurations people
write: page style with `hasMorePath` and no `totalPath`, no `parallelPages`. What went over the
wire is asserted: how many requests past the end, and that every item is yielded once, in page
order, whatever order the pages arrived in."""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.errors import FetchError
from sample_api.server import FakeApi, Handler, Received, Reply
from tests.client_kit import api_client, captured_logs, endpoint, fetch
from tests.ocean_run import entity, mapping, resource, run_resync

SIZE = 10
ITEMS = [{"id": 2**62 + number, "name": f"item-{number}"} for number in range(95)]  # 10 pages


def paged(
    items: list[dict[str, Any]],
    *,
    flag: bool = True,
    headers: dict[str, str] | None = None,
    body_extra: dict[str, Any] | None = None,
    fail: dict[int, Reply] | None = None,
    delay: float = 0.03,
) -> Handler:
    """`?page=&size=` → `{"data": [...], "has_more": bool}` (`flag`), as Port's docs configure
    it. Later pages answer sooner, so they arrive out of order."""

    def handle(request: Received) -> Reply:
        number, size = int(request.query["page"]), int(request.query["size"])
        if fail and number in fail:
            return fail[number]
        body: dict[str, Any] = {"data": items[(number - 1) * size : number * size]}
        if flag:
            body["has_more"] = number * size < len(items)
        body.update(body_extra or {})
        return Reply(json_body=body, headers=headers or {}, delay=max(0.0, delay - number / 500))

    return handle


def documented(**extra: str) -> dict[str, Any]:
    """The page-style connection of Port's docs: hasMorePath, no totalPath, no parallelPages."""
    return {
        "pagination_type": "page",
        "page_size": str(SIZE),
        "has_more_path": "has_more",
        "max_concurrent_requests": "5",
        **extra,
    }


def numbers(api: FakeApi) -> list[int]:
    return [int(request.query["page"]) for request in api.requests_to("/items")]


def flat(pages: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [item for page in pages for item in page]


def finish_line(logs: list[str]) -> str:
    return next(line for line in logs if "done —" in line)


async def test_the_documented_config_goes_parallel_and_stops_on_the_flag(api: FakeApi) -> None:
    api.route("GET", "/items", paged(ITEMS))
    with captured_logs() as logs:
        pages = await fetch(api.url, target(api), **documented())
    assert flat(pages) == ITEMS  # every item once, in page order
    sent = numbers(api)
    assert len(sent) == len(set(sent))  # none twice
    assert set(range(1, 11)) <= set(sent)  # none of the real pages skipped
    # Page 10 says has_more false: pages 11.. are past the end. One cancelled before it
    # reached the server leaves a gap there, which is fine.
    wasted = len(sent) - 10
    assert all(number <= 10 + 5 - 1 for number in sent)
    assert 0 <= wasted <= 5 - 1
    assert 1 < api.peak_in_flight <= 5
    # The finish line counts what was handed to the HTTP client: one cancelled there before it
    # reached the server counts too.
    reported = re.search(r"up to 5 in flight, (\d+) discarded", finish_line(logs))
    assert reported and wasted <= int(reported[1]) <= 5 - 1
    assert "stopped: has-more flag false" in finish_line(logs)


async def test_a_single_short_page_costs_one_request(api: FakeApi) -> None:
    api.route("GET", "/items", paged(ITEMS[:7]))
    with captured_logs() as logs:
        pages = await fetch(api.url, target(api), **documented())
    assert flat(pages) == ITEMS[:7] and numbers(api) == [1]
    assert "parallel pages" not in finish_line(logs)


async def test_one_full_page_wastes_at_most_one_request(api: FakeApi) -> None:
    api.route("GET", "/items", paged(ITEMS[:SIZE], flag=False))
    pages = await fetch(api.url, target(api), **documented(has_more_path=""))
    assert flat(pages) == ITEMS[:SIZE]
    assert sorted(numbers(api)) in ([1, 2], [1, 2, 3])  # page 2 is empty: page 3 the ramp's 2nd


async def test_a_page_count_header_sizes_the_window_exactly(api: FakeApi) -> None:
    api.route("GET", "/items", paged(ITEMS, headers={"X-Total-Pages": "10"}))
    with captured_logs() as logs:
        pages = await fetch(api.url, target(api), **documented())
    assert flat(pages) == ITEMS
    assert sorted(numbers(api)) == list(range(1, 11))  # nothing past page 10
    assert "up to 5 in flight, 0 discarded" in finish_line(logs)


async def test_an_item_count_in_the_body_sizes_the_window_exactly(api: FakeApi) -> None:
    api.route("GET", "/items", paged(ITEMS, body_extra={"meta": {"totalCount": 95}}))
    pages = await fetch(api.url, target(api), **documented())
    assert flat(pages) == ITEMS and sorted(numbers(api)) == list(range(1, 11))


async def test_a_stale_hint_costs_time_never_items(api: FakeApi) -> None:
    api.route("GET", "/items", paged(ITEMS, headers={"X-Total-Count": "25"}))  # says 3 pages
    pages = await fetch(api.url, target(api), **documented())
    assert flat(pages) == ITEMS and sorted(numbers(api)) == list(range(1, 11))


async def test_parallel_pages_one_keeps_it_off(api: FakeApi) -> None:
    api.route("GET", "/items", paged(ITEMS))
    pages = await fetch(api.url, target(api), **documented(parallel_pages="1"))
    assert flat(pages) == ITEMS
    assert numbers(api) == list(range(1, 11)) and api.peak_in_flight == 1


async def test_a_post_that_is_not_read_only_is_not_sent_past_the_end(api: FakeApi) -> None:
    api.route("POST", "/items", paged(ITEMS))
    post = endpoint(api.url, data_path=".data", method="POST", body={"q": "all"})
    pages = await fetch(api.url, post, **documented())
    assert flat(pages) == ITEMS and numbers(api) == list(range(1, 11))


async def test_a_failure_inside_the_window_raises_after_the_pages_before_it(
    api: FakeApi,
) -> None:
    api.route("GET", "/items", paged(ITEMS, fail={7: Reply(500, {"error": "boom"})}))
    pages: list[list[dict[str, Any]]] = []
    async with api_client(api.url, **documented(max_retries="0")) as client:
        with pytest.raises(FetchError, match=r"page=7.*returned 500"):
            async for page in client.iter_items(target(api)):
                pages.append(page)
    assert flat(pages) == ITEMS[:60]  # pages 1-6, nothing after page 7


async def test_errors_past_the_end_are_not_the_runs(api: FakeApi) -> None:
    past_end = {number: Reply(400, {"error": "page out of range"}) for number in range(11, 20)}
    api.route("GET", "/items", paged(ITEMS, fail=past_end))
    pages = await fetch(api.url, target(api), **documented())
    assert flat(pages) == ITEMS


async def test_offset_capped_below_page_size_mid_way_loses_no_item(api: FakeApi) -> None:
    def capped(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        limit = min(limit, 4) if offset >= 30 else limit  # the server caps from offset 30 on
        return Reply(json_body={"data": ITEMS[offset : offset + limit]}, delay=0.02)

    api.route("GET", "/items", capped)
    raw = {"pagination_type": "offset", "page_size": str(SIZE), "max_concurrent_requests": "4"}
    pages = await fetch(api.url, target(api), **raw)
    assert flat(pages) == ITEMS  # each once, in order
    sent = [int(request.query["offset"]) for request in api.received]
    assert {30, 34, 38, 90, 94} <= set(sent)  # from 30 on: advanced by the items received


async def test_resync_by_default_upserts_all_and_deletes_the_stale(api: FakeApi) -> None:
    api.route("GET", "/items", paged(ITEMS))
    config = {"base_url": api.url, **documented()}
    existing = [entity(str(item["id"])) for item in ITEMS] + [entity("stale")]
    result = await run_resync(config, mapping(resource("/items", data_path=".data")), existing)
    assert not result.errors
    upserted = sorted(e["identifier"] for e in result.upserted_entities)
    assert upserted == sorted(str(item["id"]) for item in ITEMS)
    assert [e["identifier"] for e in result.deleted_entities] == ["stale"]
    assert api.peak_in_flight > 1


async def test_resync_with_a_500_on_page_7_of_10_deletes_nothing(api: FakeApi) -> None:
    api.route("GET", "/items", paged(ITEMS, fail={7: Reply(500, {"error": "boom"})}))
    config = {"base_url": api.url, **documented(max_retries="0")}
    stale = [entity(str(item["id"])) for item in ITEMS] + [entity("stale")]
    result = await run_resync(config, mapping(resource("/items", data_path=".data")), stale)
    assert result.errors and "page=7" in str(result.errors[0])
    assert result.deleted_entities == []


def target(api: FakeApi) -> Any:
    return endpoint(api.url, data_path=".data")
