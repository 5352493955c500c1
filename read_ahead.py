"""Overlap fetching with Ocean's work: keep the next page(s) in flight while Ocean maps this one.

Ocean maps and upserts each yielded batch before asking for the next, so a plain async generator
leaves the upstream idle during that time — and the upstream's latency adds up page after page.
`read_ahead` runs the source in a task that stays at most `depth` batches ahead (bounded memory),
re-raises the source's error at the consumer (so the resync still fails and nothing is deleted),
and stops the source when the consumer stops early.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator


class _End:
    """Queued after the last batch; carries the source's error, if any."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error


# Batches held ahead of the consumer: enough to hide an upstream's latency behind Ocean's work,
# bounded so memory does not grow with the endpoint. 0 turns read-ahead off (the preview
# command does, so that no page is requested past its --max-pages limit).
PAGES_AHEAD = 2


async def read_ahead[T](
    source: AsyncIterator[T], depth: int | None = None
) -> AsyncGenerator[T, None]:
    depth = PAGES_AHEAD if depth is None else depth
    if depth < 0:
        raise ValueError("depth cannot be negative")
    if depth == 0:
        async for passed in source:
            yield passed
        return
    queue: asyncio.Queue[T | _End] = asyncio.Queue(maxsize=depth)

    async def produce() -> None:
        try:
            async for batch in source:
                await queue.put(batch)
        except Exception as error:  # noqa: BLE001 - handed to the consumer, which re-raises it
            await queue.put(_End(error))
        else:
            await queue.put(_End())

    producer = asyncio.create_task(produce())
    try:
        while not isinstance(batch := await queue.get(), _End):
            yield batch
        if batch.error is not None:
            raise batch.error
    finally:
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer
        if isinstance(source, AsyncGenerator):
            await source.aclose()
