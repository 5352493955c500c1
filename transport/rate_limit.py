"""The integration-wide request limits: `maxConcurrentRequests` and `requestsPerSecond`.

One `RequestLimiter` serves every request of an installation — every endpoint, discovery call,
retry and token request — because it sits in the one transport stack they all go through
(see `transport.build_transport`). An API's quota counts them all, so this does too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx


class RequestLimiter:
    """At most `concurrency` requests in flight, and optionally at most `per_second` request
    starts per second.

    Starts are evenly spaced (one every 1/per_second seconds) rather than counted per window:
    a window counter lets a full second's quota out in one burst at the window edge, which is
    exactly what trips an API's own limiter. An idle period earns no burst credit either.
    """

    def __init__(self, concurrency: int, per_second: float | None = None) -> None:
        self._concurrency = concurrency
        self._interval = 1.0 / per_second if per_second else 0.0
        # Created on first use, inside the event loop that uses them.
        self._semaphore: asyncio.Semaphore | None = None
        self._spacing: asyncio.Lock | None = None
        self._next_start = 0.0
        self.in_flight = 0
        self.waiting = 0  # asked for a slot or a start and not yet given one (progress lines)
        self.peak_in_flight = 0
        self.started = 0

    async def acquire(self) -> None:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self._concurrency)
        self.waiting += 1
        try:
            await self._semaphore.acquire()
            try:
                await self._wait_for_start_slot()
            except BaseException:
                self._semaphore.release()
                raise
        finally:
            self.waiting -= 1
        self.started += 1
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    async def _wait_for_start_slot(self) -> None:
        if not self._interval:
            return
        if self._spacing is None:
            self._spacing = asyncio.Lock()
        async with self._spacing:  # FIFO: waiters start in the order they asked
            delay = self._next_start - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            # From the actual start, not the planned one: a late wake-up must not let the
            # next request follow it closer than the interval.
            self._next_start = time.monotonic() + self._interval

    def release(self) -> None:
        assert self._semaphore is not None
        self.in_flight -= 1
        self._semaphore.release()


class LimitedTransport(httpx.AsyncBaseTransport):
    """Holds a limiter slot from sending until the response body is fully read or closed."""

    def __init__(self, inner: httpx.AsyncBaseTransport, limiter: RequestLimiter) -> None:
        self._inner, self._limiter = inner, limiter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._limiter.acquire()
        try:
            response = await self._inner.handle_async_request(request)
        except BaseException:
            self._limiter.release()
            raise
        if response.is_closed:  # already read by the inner transport: nothing left to hold
            self._limiter.release()
        else:
            response.stream = _ReleasingStream(response.stream, self._limiter)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that gives the limiter slot back exactly once, when closed."""

    def __init__(
        self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, limiter: RequestLimiter
    ) -> None:
        self._stream, self._limiter, self._released = stream, limiter, False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        try:
            async for chunk in self._stream:
                yield chunk
        except BaseException:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        if not self._released:
            self._released = True
            self._limiter.release()
        if isinstance(self._stream, httpx.AsyncByteStream):
            await self._stream.aclose()
