"""The transport stack under the httpx client: retries, then the integration-wide limiter.

    client (auth flow, timeout) → RetryTransport → LimitedTransport → httpx.AsyncHTTPTransport

Retries sleep outside the limiter, so a request waiting out a `Retry-After` holds no
concurrency slot. Ocean's own `RetryTransport` is not used because it retries 401 (the auth
layer's job), caps a long `Retry-After` silently at 60 s and logs unredacted URLs.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx
from loguru import logger

from errors import RetryWaitTooLongError

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Request extension: True marks a non-GET call as a read that is safe to retry.
RETRYABLE = "ocean_custom.retryable"
# Request extension: a RequestStats to count retries and waits into.
STATS = "ocean_custom.stats"


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0
    waited_seconds: float = 0.0


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    max_wait: float = 60.0  # the longest single wait a server may ask for (`maxRetryWait`)
    base_delay: float = 0.5
    max_backoff: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base·2^attempt)] (AWS architecture blog)."""
        return random.uniform(0, min(self.max_backoff, self.base_delay * 2**attempt))


def requested_wait(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: `Retry-After` (delta or HTTP-date) or
    `X-RateLimit-Reset`-style headers (epoch seconds, or a delta when small)."""
    now = time.time() if now is None else now
    value = headers.get("retry-after", "").strip()
    if value:
        if value.replace(".", "", 1).isdigit():
            return float(value)
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            pass
    for name in ("x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset"):
        value = headers.get(name, "").strip()
        if value.replace(".", "", 1).isdigit():
            number = float(value)
            # Epoch seconds are ~1.7e9; anything below a day is a delta.
            return max(0.0, number - now) if number > 86_400 else number
    return None


class RetryTransport(httpx.AsyncBaseTransport):
    """Retries 408/425/429/5xx and connection errors with backoff, honouring `Retry-After`.

    401/403 and other 4xx are returned at once: 401 belongs to the auth layer. Only safe
    methods, or requests marked with the RETRYABLE extension, are retried. The body is read
    inside the retry loop, so a connection dropped mid-body is retried too.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        redact: Callable[[str], str] = str,
        sleep: Callable[[float], object] = asyncio.sleep,
    ) -> None:
        self._inner, self._policy, self._redact, self._sleep = inner, policy, redact, sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        stats: RequestStats | None = request.extensions.get(STATS)
        retryable = request.method in SAFE_METHODS or bool(request.extensions.get(RETRYABLE))
        attempt = 0
        while True:
            if stats:
                stats.requests += 1
            try:
                response = await self._inner.handle_async_request(request)
                await response.aread()
            except httpx.TransportError as error:
                if not retryable or attempt >= self._policy.max_retries:
                    raise
                wait, why = self._policy.backoff(attempt), f"{type(error).__name__}"
            else:
                if response.status_code not in RETRY_STATUSES or not retryable:
                    return response
                if attempt >= self._policy.max_retries:
                    return response
                wait, why = self._wait_for(request, response, attempt), str(response.status_code)
            attempt += 1
            logger.warning(
                f"{request.method} {self._redact(str(request.url))} failed ({why}); "
                f"retry {attempt}/{self._policy.max_retries} in {wait:.1f}s"
            )
            if stats:
                stats.retries += 1
                stats.waited_seconds += wait
            await self._sleep(wait)  # type: ignore[misc]

    def _wait_for(self, request: httpx.Request, response: httpx.Response, attempt: int) -> float:
        asked = requested_wait(response.headers)
        if asked is None:
            return self._policy.backoff(attempt)
        if asked > self._policy.max_wait:
            raise RetryWaitTooLongError(
                f"{request.method} {self._redact(str(request.url))} returned "
                f"{response.status_code} and asked to wait {asked:.0f}s before retrying, longer "
                f"than maxRetryWait={self._policy.max_wait:.0f}s. Raise maxRetryWait, lower "
                "requestsPerSecond, or resync less often",
                status_code=response.status_code,
            )
        return asked

    async def aclose(self) -> None:
        await self._inner.aclose()


class RequestLimiter:
    """Integration-wide limits: at most `concurrency` requests in flight, and optionally at
    most `per_second` request starts per second (evenly spaced, so never a burst over it)."""

    def __init__(self, concurrency: int, per_second: float | None = None) -> None:
        self._concurrency = concurrency
        self._interval = 1.0 / per_second if per_second else 0.0
        self._semaphore: asyncio.Semaphore | None = None
        self._spacing = asyncio.Lock() if self._interval else None
        self._next_start = 0.0
        self.in_flight = 0
        self.peak_in_flight = 0

    async def acquire(self) -> None:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self._concurrency)
        await self._semaphore.acquire()
        try:
            if self._spacing is not None:
                async with self._spacing:
                    now = time.monotonic()
                    start = max(now, self._next_start)
                    self._next_start = start + self._interval
                    if start > now:
                        await asyncio.sleep(start - now)
        except BaseException:
            self._semaphore.release()
            raise
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def release(self) -> None:
        self.in_flight -= 1
        assert self._semaphore is not None
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
        response.stream = _ReleasingStream(response.stream, self._limiter)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class _ReleasingStream(httpx.AsyncByteStream):
    def __init__(
        self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, limiter: RequestLimiter
    ) -> None:
        self._stream, self._limiter, self._released = stream, limiter, False

    async def __aiter__(self):  # type: ignore[no-untyped-def]
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


def build_transport(
    *,
    verify: bool,
    concurrency: int,
    limiter: RequestLimiter,
    policy: RetryPolicy,
    redact: Callable[[str], str],
) -> httpx.AsyncBaseTransport:
    """The stack every API request goes through, token requests included."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    network = httpx.AsyncHTTPTransport(verify=verify, limits=limits)
    return RetryTransport(LimitedTransport(network, limiter), policy, redact)
