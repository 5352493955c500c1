from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from resync.read_ahead import read_ahead


async def counting_source(
    log: list[str], pages: int, fail_at: int | None = None, size: int = 1, delay: float = 0.0
) -> AsyncIterator[list[int]]:
    for page in range(pages):
        await asyncio.sleep(delay)  # the upstream's latency
        if page == fail_at:
            raise RuntimeError(f"page {page} failed")
        log.append(f"fetched {page}")
        yield [page] * size


async def test_yields_everything_in_order() -> None:
    log: list[str] = []
    batches = [batch async for batch in read_ahead(counting_source(log, 5), max_items=1)]
    assert batches == [[0], [1], [2], [3], [4]]


async def test_next_page_is_fetched_while_the_consumer_works() -> None:
    log: list[str] = []
    async for batch in read_ahead(counting_source(log, 3), depth=1, max_items=1):
        await asyncio.sleep(0.01)  # the consumer (Ocean's mapping) is busy
        log.append(f"consumed {batch[0]}")
    # Page 1 was fetched before page 0 was done being consumed.
    assert log.index("fetched 1") < log.index("consumed 0")


async def test_stays_at_most_depth_ahead() -> None:
    log: list[str] = []
    stream = read_ahead(counting_source(log, 10), depth=2, max_items=1)
    assert await anext(stream) == [0]
    await asyncio.sleep(0.05)
    # One handed out, two queued, one more fetched and waiting for room: never the whole source.
    assert len(log) <= 4
    await stream.aclose()


async def test_pages_waiting_for_a_slow_consumer_are_merged_up_to_max_items() -> None:
    log: list[str] = []
    stream = read_ahead(counting_source(log, 9, size=2, delay=0.005), depth=8, max_items=6)
    first = await anext(stream)
    assert first == [0, 0]  # the first page is not held back waiting for others
    await asyncio.sleep(0.2)  # Ocean is busy: the rest of the pages arrive meanwhile
    second = await anext(stream)
    assert second == [1, 1, 2, 2, 3, 3]  # merged, in order, stopping at max_items
    rest = [batch async for batch in stream]
    assert [item for batch in [first, second, *rest] for item in batch] == [
        n for n in range(9) for _ in range(2)
    ]


async def test_source_error_is_raised_at_the_consumer_after_earlier_pages() -> None:
    log: list[str] = []
    received: list[int] = []
    with pytest.raises(RuntimeError, match="page 2 failed"):
        async for batch in read_ahead(counting_source(log, 5, fail_at=2)):
            received.extend(batch)
            await asyncio.sleep(0.01)
    assert received == [0, 1]


async def test_consumer_stopping_early_stops_the_source() -> None:
    closed = asyncio.Event()

    async def endless() -> AsyncIterator[list[int]]:
        try:
            page = 0
            while True:
                yield [page]
                page += 1
        finally:
            closed.set()

    async for batch in read_ahead(endless(), max_items=1):
        if batch == [3]:
            break
    await asyncio.wait_for(closed.wait(), timeout=5)


async def test_depth_zero_passes_through_without_fetching_ahead() -> None:
    log: list[str] = []
    stream = read_ahead(counting_source(log, 5), depth=0)
    assert await anext(stream) == [0]
    await asyncio.sleep(0.05)
    assert log == ["fetched 0"]
    await stream.aclose()
