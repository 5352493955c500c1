"""Every request attempt ends: a deadline over connect, headers and body, and a size cap.

httpx's `timeout` bounds each network read, so a server that trickles a byte a second, or sends
a JSON array that never ends, holds a request forever. This layer sits right above the network,
under the limiter (time spent waiting for a request slot or for `requestsPerSecond` is not the
API's), and gives each attempt a budget of network time:

- `timeout` seconds for connecting, the response headers and the body. Only time spent waiting
  on the network counts: time the caller spends between two reads of a streamed body (Ocean
  mapping a chunk of items) does not.
- A request marked STREAM (one response whose items are handed on in chunks while it arrives,
  `pages/streaming.py`) gets `timeout` again for each further `SEGMENT_BYTES` of body: a
  300 MB export over a slow link is not one request of 30 s, but a body that stops flowing, or
  trickles, still ends within `timeout`.
- Bytes: `maxResponseMb` for a body read whole, `maxStreamedMb` for a streamed one (whose memory
  stays flat: that cap is what ends a body that never ends).

A deadline hit raises `DeadlineExceeded`, an httpx timeout: the retry layer retries it like any
timeout. A body over its cap raises `ResponseTooLargeError`, which is not retried (the same
request gives the same body).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import httpx

from core.errors import ResponseTooLargeError
from transport.stream_head import STREAM_AFTER_BYTES

MIB = 1024 * 1024
SEGMENT_BYTES = STREAM_AFTER_BYTES  # a streamed body gets `timeout` per this many bytes


@dataclass(frozen=True)
class BodyLimits:
    timeout: float  # seconds of network time per attempt (per segment, streamed)
    max_whole_bytes: int  # maxResponseMb
    max_streamed_bytes: int  # maxStreamedMb

    @classmethod
    def from_mb(cls, timeout: float, whole_mb: float, streamed_mb: float) -> BodyLimits:
        return cls(timeout, int(whole_mb * MIB), int(streamed_mb * MIB))


class DeadlineExceeded(httpx.TimeoutException):
    """An attempt used up its `timeout` of network time (retried like any timeout)."""


class DeadlineTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, limits: BodyLimits, stream_key: str):
        self._inner, self._limits, self._stream_key = inner, limits, stream_key

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        streamed = request.extensions.get(self._stream_key) is True
        budget = _Budget(self._limits, streamed, request_timeout(request, self._limits.timeout))
        started = time.monotonic()
        try:
            with anyio.fail_after(budget.timeout):
                response = await self._inner.handle_async_request(request)
        except TimeoutError:
            raise DeadlineExceeded(budget.late("no response headers"), request=request) from None
        budget.spend(time.monotonic() - started, 0)
        response.stream = _BoundedStream(response.stream, budget, request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def request_timeout(request: httpx.Request, default: float) -> float:
    """The request's own timeout (httpx keeps it in its extensions: the client's, or one given
    for this request, e.g. a resource's `selector.timeout`); `default` when it has none."""
    seconds = request.extensions.get("timeout", {}).get("read")
    return float(seconds) if isinstance(seconds, int | float) else default


class _Budget:
    """What one attempt may still spend: network seconds (renewed per segment when streamed)
    and bytes."""

    def __init__(self, limits: BodyLimits, streamed: bool, timeout: float) -> None:
        self._limits, self.streamed, self.timeout = limits, streamed, timeout
        self.seconds_left = timeout
        self.received = 0
        self._segment_end = SEGMENT_BYTES
        self.max_bytes = limits.max_streamed_bytes if streamed else limits.max_whole_bytes

    def spend(self, seconds: float, size: int) -> None:
        self.seconds_left -= seconds
        self.received += size
        if self.streamed and self.received >= self._segment_end:  # a segment arrived in time
            self.seconds_left = self.timeout
            self._segment_end = self.received + SEGMENT_BYTES

    def late(self, what: str) -> str:
        timeout = f"timeout={self.timeout:g}s"
        if self.streamed and self.received >= SEGMENT_BYTES:
            return (
                f"the streamed body stalled: the next {_size(SEGMENT_BYTES)} did not arrive "
                f"within {timeout} of waiting ({self.received} bytes received)"
            )
        received = f"{self.received} bytes received"
        return f"{what} within {timeout} (connect, headers and body; {received})"

    def too_large(self) -> ResponseTooLargeError:
        setting, limit = (
            ("maxStreamedMb", self._limits.max_streamed_bytes)
            if self.streamed
            else ("maxResponseMb", self._limits.max_whole_bytes)
        )
        how = "streamed" if self.streamed else "read whole"
        return ResponseTooLargeError(
            f"the response body passed {setting}={limit / MIB:g} ({limit} bytes) for a response "
            f"{how}, and was still arriving: the resync fails and nothing is deleted. Raise "
            f"{setting} if the API really sends that much, or check that the endpoint ends its "
            "body"
        )


class _BoundedStream(httpx.AsyncByteStream):
    """The body, each wait for the next chunk under the budget's seconds, its size under the
    budget's bytes."""

    def __init__(
        self,
        stream: httpx.SyncByteStream | httpx.AsyncByteStream,
        budget: _Budget,
        request: httpx.Request,
    ) -> None:
        self._stream, self._budget, self._request = stream, budget, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        chunks = aiter(self._stream)
        next_chunk = _in_own_task if self._budget.streamed else _in_this_task
        while True:
            started = time.monotonic()
            try:
                chunk = await next_chunk(chunks, max(self._budget.seconds_left, 0))
            except StopAsyncIteration:
                return
            except TimeoutError:
                message = self._budget.late("the body did not end")
                raise DeadlineExceeded(message, request=self._request) from None
            self._budget.spend(time.monotonic() - started, len(chunk))
            if self._budget.received > self._budget.max_bytes:
                raise self._budget.too_large()
            yield chunk

    async def aclose(self) -> None:
        if isinstance(self._stream, httpx.AsyncByteStream):
            await self._stream.aclose()


async def _in_this_task(chunks: AsyncIterator[bytes], seconds: float) -> bytes:
    """The next chunk of a body read whole (by the retry layer, in this task): httpcore's reads
    use anyio's cancel scopes, and so does this deadline."""
    with anyio.fail_after(seconds):
        return await chunks.__anext__()


async def _in_own_task(chunks: AsyncIterator[bytes], seconds: float) -> bytes:
    """The next chunk of a streamed body, read in a task of its own: the streamed body's reader
    (ijson's C parser) awaits through an awaitable that does not pass a cancellation on, so
    the deadline cancels this task rather than the caller's."""
    read = asyncio.ensure_future(chunks.__anext__())
    timed_out = False
    try:
        done, _ = await asyncio.wait({read}, timeout=seconds)
        timed_out = not done
    finally:  # timed out, or the caller was cancelled: the read ends with it
        if not read.done():
            read.cancel()
            await asyncio.wait({read})  # the generator closes its connection
    if timed_out:
        with contextlib.suppress(BaseException):
            read.exception()  # retrieved: not "never retrieved" in the log
        raise TimeoutError
    return read.result()


def _size(count: int) -> str:
    return f"{count // MIB} MiB" if count >= MIB else f"{count // 1024} KiB"
