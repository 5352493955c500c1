"""The first bytes of a body the caller wants to stream, read inside the retry loop.

Most responses are small. Reading the first `STREAM_AFTER_BYTES` of a streamed body before
handing the response on keeps a small body exactly like any other: read whole inside the retry
loop (a connection dropped halfway is retried) with its concurrency slot given back at once. Only
a body longer than that is streamed on, with what was read replayed first; the rest of it is the
caller's to read, and to close (which gives the slot back).
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator

import httpx

STREAM_AFTER_BYTES = 8 * 1024 * 1024  # a body up to this size is read whole


async def read_head(response: httpx.Response) -> bool:
    """Read the body up to `STREAM_AFTER_BYTES`: True when it ended there (the response is then
    read and closed), False when more follows (the response streams on from its start)."""
    stream = response.stream
    assert isinstance(stream, httpx.AsyncByteStream)
    chunks = aiter(stream)
    head: deque[bytes] = deque()
    size = 0
    async for chunk in chunks:
        head.append(chunk)
        size += len(chunk)
        if size > STREAM_AFTER_BYTES:
            response.stream = _Replay(head, chunks, stream)
            return False
    await stream.aclose()  # gives the concurrency slot back
    response.stream = httpx.ByteStream(b"".join(head))
    await response.aread()
    return True


class _Replay(httpx.AsyncByteStream):
    """A body whose first chunks were read already: those first, then the rest."""

    def __init__(
        self, head: deque[bytes], rest: AsyncIterator[bytes], stream: httpx.AsyncByteStream
    ) -> None:
        self._head, self._rest, self._stream = head, rest, stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self._head:
            yield self._head.popleft()
        async for chunk in self._rest:
            yield chunk

    async def aclose(self) -> None:
        self._head.clear()
        if isinstance(self._rest, AsyncGenerator):  # suspended mid-body: finish it first
            await self._rest.aclose()
        await self._stream.aclose()
