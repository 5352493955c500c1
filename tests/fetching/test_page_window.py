"""Parallel pages (`parallelPages`, `fetching/page_window.py`) over a real loopback API: exactly the
requests a known total needs, at most window - 1 past the end without one, pages in order, no
item lost when the server caps its page size, and the first error raised with nothing after."""

from __future__ import annotations

from typing import Any

import pytest

from connection.settings import load_settings
from core.errors import ConfigurationError, FetchError, PaginationError
from sample_api.server import FakeApi, Handler, Received, Reply
from tests.client_kit import api_client, captured_logs, endpoint, fetch
from tests.ocean_run import entity, mapping, resource, run_resync

ITEMS = [{"id": 2**62 + number, "name": f"item-{number}"} for number in range(20)]
SIZE = 3
# The offsets a one-page-at-a-time run asks for: 0, 3, ..., 18 (2 items), then 20 (empty).
SEQUENTIAL = [*range(0, 19, SIZE), 20]


def listing(
    items: list[dict[str, Any]],
    *,
    total: bool = True,
    cap_from: int | None = None,
    delay: float = 0.0,
    fail: dict[int, Reply] | None = None,
) -> Handler:
    """`?offset=&limit=` with `{"items": [...], "total": n}`. From offset `cap_from` on, the
    server serves at most 2 items per page (capping its page size mid-way); `fail` replaces the
    reply at some offsets; later offsets answer sooner, so pages arrive out of order."""

    def handle(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        if fail and offset in fail:
            return fail[offset]
        if cap_from is not None and offset >= cap_from:
            limit = min(limit, 2)
        body: dict[str, Any] = {"items": items[offset : offset + limit]}
        if total:
            body["total"] = len(items)
        return Reply(json_body=body, delay=max(0.0, delay - offset / 1000))

    return handle


def page_numbers(items: list[dict[str, Any]], delay: float = 0.0) -> Handler:
    def handle(request: Received) -> Reply:
        number, size = int(request.query["page"]), int(request.query["size"])
        body = {"items": items[(number - 1) * size : number * size], "total": len(items)}
        return Reply(json_body=body, delay=delay)

    return handle


def offsets(api: FakeApi) -> list[int]:
    return sorted(int(request.query["offset"]) for request in api.requests_to("/items"))


def settings(**raw: str) -> dict[str, Any]:
    return {"pagination_type": "offset", "page_size": str(SIZE), **raw}


def flat(pages: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [item for page in pages for item in page]


async def test_known_total_requests_exactly_the_needed_pages_in_parallel(api: FakeApi) -> None:
    api.route("GET", "/items", listing(ITEMS, delay=0.05))
    with captured_logs() as logs:
        pages = await fetch(api.url, **settings(total_path="total", max_concurrent_requests="4"))
    assert flat(pages) == ITEMS and [len(page) for page in pages] == [3] * 6 + [2]
    assert offsets(api) == list(range(0, 19, SIZE))  # no trailing empty page, nothing extra
    assert 1 < api.peak_in_flight <= 4
    finish = next(line for line in logs if "done —" in line)
    assert "stopped: total reached (20 of 20 items)" in finish
    assert "parallel pages: up to 4 in flight, 0 discarded" in finish


async def test_without_a_total_at_most_window_minus_one_requests_past_the_end(
    api: FakeApi,
) -> None:
    api.route("GET", "/items", listing(ITEMS, total=False, delay=0.05))
    pages = await fetch(api.url, **settings(parallel_pages="4", max_concurrent_requests="4"))
    assert flat(pages) == ITEMS
    sent = offsets(api)
    assert set(SEQUENTIAL) <= set(sent)  # every request a sequential run makes
    assert len(sent) - len(SEQUENTIAL) <= 4 - 1
    assert len(sent) == len(set(sent))  # none twice


async def test_a_full_last_page_without_a_total_ends_on_the_empty_page(api: FakeApi) -> None:
    items = ITEMS[:18]  # 6 full pages
    api.route("GET", "/items", listing(items, total=False))
    pages = await fetch(api.url, **settings(parallel_pages="5"))
    assert flat(pages) == items
    sent = offsets(api)
    assert set(range(0, 19, SIZE)) <= set(sent) and len(sent) - 7 <= 5 - 1


async def test_pages_are_yielded_in_order_when_later_ones_arrive_first(api: FakeApi) -> None:
    api.route("GET", "/items", listing(ITEMS, delay=0.1))  # offset 18 answers 18 ms sooner
    pages = await fetch(api.url, **settings(total_path="total", max_concurrent_requests="7"))
    assert flat(pages) == ITEMS


async def test_server_capping_its_page_size_mid_way_loses_no_item(api: FakeApi) -> None:
    api.route("GET", "/items", listing(ITEMS, cap_from=6, delay=0.02))
    with captured_logs() as logs:
        pages = await fetch(
            api.url,
            **settings(total_path="total", strict_total="true", max_concurrent_requests="5"),
        )
    assert flat(pages) == ITEMS  # each once, in order: strictTotal would have raised otherwise
    # From offset 6 on the run advanced by the items received (2 per page), one at a time.
    assert {6, 8, 10, 12, 14, 16, 18} <= set(offsets(api))
    finish = next(line for line in logs if "done —" in line)
    assert "one at a time from page 4 (short page)" in finish


async def test_a_server_that_caps_from_the_first_page_stays_sequential(api: FakeApi) -> None:
    api.route("GET", "/items", listing(ITEMS, cap_from=0, delay=0.02))
    pages = await fetch(api.url, **settings(total_path="total", max_concurrent_requests="5"))
    assert flat(pages) == ITEMS
    assert [int(r.query["offset"]) for r in api.received] == list(range(0, 20, 2))
    assert api.peak_in_flight == 1


async def test_error_on_page_k_raises_after_earlier_pages_and_nothing_after(api: FakeApi) -> None:
    failing = {9: Reply(404, {"error": "gone"}, delay=0.1)}  # later pages answer first
    api.route("GET", "/items", listing(ITEMS, fail=failing))
    pages: list[list[dict[str, Any]]] = []
    async with api_client(api.url, **settings(total_path="total")) as client:
        with pytest.raises(FetchError, match=r"offset=9.*returned 404"):
            async for page in client.iter_items(endpoint(api.url, data_path=".items")):
                pages.append(page)
    assert flat(pages) == ITEMS[:9]


async def test_an_error_past_the_end_is_dropped_with_its_page(api: FakeApi) -> None:
    """Some APIs answer 400 past the last page: only a page the run needs may fail it."""
    items = ITEMS[:18]
    past_end = {offset: Reply(400, {"error": "offset out of range"}) for offset in (21, 24, 27)}
    api.route("GET", "/items", listing(items, total=False, fail=past_end))
    pages = await fetch(api.url, **settings(parallel_pages="4"))
    assert flat(pages) == items


async def test_in_flight_stays_within_max_concurrent_requests(api: FakeApi) -> None:
    api.route("GET", "/items", listing(ITEMS, delay=0.05))
    raw = settings(total_path="total", parallel_pages="10", max_concurrent_requests="3")
    pages = await fetch(api.url, **raw)
    assert flat(pages) == ITEMS
    assert 1 < api.peak_in_flight <= 3


async def test_parallel_pages_bounds_the_requests_in_flight(api: FakeApi) -> None:
    api.route("GET", "/items", listing(ITEMS, delay=0.05))
    raw = settings(total_path="total", parallel_pages="2", max_concurrent_requests="10")
    pages = await fetch(api.url, **raw)
    assert flat(pages) == ITEMS
    assert api.peak_in_flight == 2
    assert offsets(api) == list(range(0, 19, SIZE))


async def test_auto_without_a_total_goes_parallel_after_a_full_first_page(api: FakeApi) -> None:
    """Issue 16: the default, with nothing that states the total, still ramps a window."""
    api.route("GET", "/items", listing(ITEMS, total=False, delay=0.02))
    pages = await fetch(api.url, **settings(max_concurrent_requests="4"))
    assert flat(pages) == ITEMS
    sent = offsets(api)
    assert set(SEQUENTIAL) <= set(sent) and len(sent) == len(set(sent))
    assert len(sent) - len(SEQUENTIAL) <= 4 - 1
    assert 1 < api.peak_in_flight <= 4


async def test_parallel_pages_one_is_sequential_even_with_a_total(api: FakeApi) -> None:
    api.route("GET", "/items", listing(ITEMS, delay=0.02))
    pages = await fetch(api.url, **settings(total_path="total", parallel_pages="1"))
    assert flat(pages) == ITEMS and api.peak_in_flight == 1
    assert [int(r.query["offset"]) for r in api.received] == list(range(0, 19, SIZE))


async def test_page_style_with_a_total_requests_exactly_its_pages(api: FakeApi) -> None:
    api.route("GET", "/items", page_numbers(ITEMS, delay=0.05))
    raw: dict[str, Any] = {"pagination_type": "page", "page_size": "3", "total_path": "total"}
    pages = await fetch(api.url, **raw, max_concurrent_requests="4")
    assert flat(pages) == ITEMS
    numbers = sorted(int(request.query["page"]) for request in api.received)
    assert numbers == list(range(1, 8)) and 1 < api.peak_in_flight <= 4


async def test_max_pages_still_holds(api: FakeApi) -> None:
    api.route("GET", "/items", listing(ITEMS))
    with pytest.raises(PaginationError, match="maxPages=3"):
        await fetch(api.url, **settings(total_path="total", max_pages="3"))
    assert offsets(api) == [0, 3, 6]  # nothing requested beyond the cap


async def test_has_more_false_stops_and_discards_the_rest(api: FakeApi) -> None:
    def flagged(request: Received) -> Reply:
        offset = int(request.query["offset"])
        body = {"items": ITEMS[offset : offset + SIZE], "more": offset < 6}
        return Reply(json_body=body)

    api.route("GET", "/items", flagged)
    pages = await fetch(api.url, **settings(has_more_path="more", parallel_pages="4"))
    assert flat(pages) == ITEMS[:9]  # page 3 (offset 6) says no more
    assert set(offsets(api)) <= {0, 3, 6, 9, 12, 15}


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"parallel_pages": "0"}, "parallelPages: expected auto, or a whole number"),
        ({"parallel_pages": "many"}, "parallelPages: expected auto, or a whole number"),
        (
            {"parallel_pages": "4", "pagination_type": "cursor", "cursor_path": "next"},
            "parallelPages applies to paginationType offset or page only",
        ),
    ],
)
def test_invalid_parallel_pages_names_the_key(raw: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        load_settings({"base_url": "https://api.example.com", "pagination_type": "offset", **raw})


def test_parallel_pages_values() -> None:
    parse = load_settings
    assert parse({"base_url": "https://h"}).pagination.parallel_pages == "auto"
    assert (
        parse({"base_url": "https://h", "parallel_pages": " AUTO "}).pagination.parallel_pages
        == "auto"
    )
    offset = {"base_url": "https://h", "pagination_type": "offset"}
    assert parse({**offset, "parallel_pages": "8"}).pagination.parallel_pages == 8
    assert parse({"base_url": "https://h", "parallel_pages": 1}).pagination.parallel_pages == 1


async def test_failed_page_fails_the_resync_and_deletes_nothing(api: FakeApi) -> None:
    failing = {12: Reply(500, {"error": "boom"}, delay=0.05)}
    api.route("GET", "/items", listing(ITEMS, fail=failing))
    config = {"base_url": api.url, **settings(total_path="total", max_retries="0")}
    stale = [entity(str(item["id"])) for item in ITEMS] + [entity("stale")]
    result = await run_resync(config, mapping(resource("/items", data_path=".items")), stale)
    assert result.errors and "offset=12" in str(result.errors[0])
    assert result.deleted_entities == []


async def test_parallel_resync_upserts_every_item_and_deletes_the_stale(api: FakeApi) -> None:
    api.route("GET", "/items", listing(ITEMS, delay=0.02))
    config = {"base_url": api.url, **settings(total_path="total")}
    existing = [entity(str(item["id"])) for item in ITEMS] + [entity("stale")]
    result = await run_resync(config, mapping(resource("/items", data_path=".items")), existing)
    assert not result.errors
    upserted = sorted(e["identifier"] for e in result.upserted_entities)
    assert upserted == sorted(str(item["id"]) for item in ITEMS)
    assert [e["identifier"] for e in result.deleted_entities] == ["stale"]
