"""`PageWindow` alone, with a recording `send` (pure unit level: no network): how far ahead it
requests for each way of knowing where the list ends, and what it counts as discarded."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from connection.settings import load_settings
from fetching.page_window import PageWindow, Progress
from pagination import NextPage

SIZE = 100


class Recorder:
    """Builds `GET /items?offset=N` and answers every send at once with 200."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    def build(self, step: NextPage) -> httpx.Request:
        return httpx.Request("GET", "https://api.example.com/items", params=step.params)

    async def send(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(int(request.url.params["offset"]))
        return httpx.Response(200, request=request)


def window(recorder: Recorder, *, overshoot: bool = True, **raw: str) -> PageWindow:
    settings = load_settings(
        {"base_url": "https://api.example.com", "pagination_type": "offset", **raw}
    )
    return PageWindow(
        settings.pagination,
        settings.max_concurrent_requests,
        recorder.build,
        recorder.send,
        overshoot=overshoot,
    )


def step(page: int) -> NextPage:
    """The loop's request for run page `page` (1-based), as the offset paginator builds it."""
    return NextPage({"offset": (page - 1) * SIZE, "limit": SIZE})


async def consume(pages: PageWindow, page: int, **known: Any) -> None:
    """The loop consuming run page `page` (full), then planning the next."""
    request, _ = pages.request(step(page))
    await pages.fetch(request)
    pages.plan(Progress(step(page + 1), page + 1, SIZE, page * SIZE, **known))
    await asyncio.sleep(0.01)  # let the tasks sent ahead run


def pages_of(offsets: list[int]) -> list[int]:
    return [offset // SIZE + 1 for offset in offsets]


async def test_without_a_total_the_window_ramps_one_two_four() -> None:
    recorder = Recorder()
    pages = window(recorder, page_size=str(SIZE), max_concurrent_requests="6")
    await consume(pages, 1)
    assert pages_of(recorder.sent) == [1, 2, 3]  # page 1 alone, then 2 ahead
    await consume(pages, 2)
    assert pages_of(recorder.sent)[3:] == [4, 5]  # the slot page 2 freed, and one more
    await consume(pages, 3)
    assert pages_of(recorder.sent)[5:] == [6, 7]
    for page in range(4, 12):
        await consume(pages, page)
    ahead = max(pages_of(recorder.sent)) - 11
    assert ahead == 6  # then never more ahead than maxConcurrentRequests
    assert len(recorder.sent) == len(set(recorder.sent))
    await pages.close()
    assert pages.discarded == 6 - 1 + 1  # pages 12..17 were sent and never consumed
    assert pages.summary() == "parallel pages: up to 6 in flight, 6 discarded"


async def test_a_known_total_requests_exactly_its_pages_at_once() -> None:
    recorder = Recorder()
    pages = window(recorder, page_size=str(SIZE), max_concurrent_requests="4")
    await consume(pages, 1, total=550)
    assert pages_of(recorder.sent) == [1, 2, 3, 4, 5, 6]  # 550 items: 6 pages, no more
    for page in range(2, 6):
        await consume(pages, page, total=550)
    request, _ = pages.request(step(6))
    await pages.fetch(request)  # the last page: the total is reached, nothing is planned
    await pages.close()
    assert pages.discarded == 0


async def test_a_page_count_hint_caps_the_window_at_the_last_page() -> None:
    recorder = Recorder()
    pages = window(recorder, page_size=str(SIZE), max_concurrent_requests="10")
    await consume(pages, 1, hinted_pages=4)
    assert pages_of(recorder.sent) == [1, 2, 3, 4]  # no ramp needed, nothing past page 4
    await consume(pages, 2, hinted_pages=4)
    await consume(pages, 3, hinted_pages=4)
    assert pages_of(recorder.sent) == [1, 2, 3, 4]


async def test_an_item_count_hint_caps_the_window_at_its_last_page() -> None:
    recorder = Recorder()
    pages = window(recorder, page_size=str(SIZE), max_concurrent_requests="10")
    await consume(pages, 1, hinted_items=301)
    assert pages_of(recorder.sent) == [1, 2, 3, 4]


async def test_a_request_that_is_not_sent_twice_is_not_sent_ahead_by_auto() -> None:
    recorder = Recorder()
    pages = window(recorder, overshoot=False, page_size=str(SIZE))
    await consume(pages, 1)
    await consume(pages, 2)
    assert pages_of(recorder.sent) == [1, 2]
    assert pages.summary() is None


async def test_an_explicit_parallel_pages_applies_even_to_such_a_request() -> None:
    recorder = Recorder()
    pages = window(recorder, overshoot=False, page_size=str(SIZE), parallel_pages="3")
    await consume(pages, 1)
    assert pages_of(recorder.sent) == [1, 2, 3]


async def test_parallel_pages_one_sends_nothing_ahead() -> None:
    recorder = Recorder()
    pages = window(recorder, page_size=str(SIZE), parallel_pages="1")
    for page in range(1, 4):
        await consume(pages, page, total=10_000)
    assert pages_of(recorder.sent) == [1, 2, 3]


async def test_a_short_page_ends_prediction_and_drops_the_mispredicted() -> None:
    recorder = Recorder()
    pages = window(recorder, page_size=str(SIZE), max_concurrent_requests="4")
    await consume(pages, 1)
    request, _ = pages.request(step(2))
    await pages.fetch(request)
    # Page 2 held 40 items: the loop asks for offset 140, which nobody predicted.
    pages.plan(Progress(NextPage({"offset": 140, "limit": SIZE}), 3, 40, 140))
    await pages.close()
    assert pages.discarded == 1  # page 3 (offset 200) was sent and is of no use
    assert pages.sequential_from == 3
    assert pages.summary() == "parallel pages: up to 2 in flight, 1 discarded"


async def test_a_request_cancelled_before_it_was_sent_is_not_counted() -> None:
    gate = asyncio.Event()
    recorder = Recorder()

    async def slow(request: httpx.Request) -> httpx.Response:
        recorder.sent.append(int(request.url.params["offset"]))
        await gate.wait()
        return httpx.Response(200, request=request)

    settings = load_settings(
        {"base_url": "https://h", "pagination_type": "offset", "page_size": str(SIZE)}
    )
    pages = PageWindow(settings.pagination, settings.max_concurrent_requests, recorder.build, slow)
    pages.plan(Progress(step(2), 2, SIZE, SIZE, total=10_000))  # 20 asked, 10 slots
    await asyncio.sleep(0.01)
    assert len(recorder.sent) == 10
    await pages.close()
    assert pages.discarded == 10
