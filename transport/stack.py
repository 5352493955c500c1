"""The transport stack under the httpx client: retries, the integration-wide limiter, deadlines.

    client (auth flow) → RetryTransport → LimitedTransport → DeadlineTransport → network

Retries sleep outside the limiter, so a request waiting out a `Retry-After` holds no
concurrency slot, while each retry still counts against `requestsPerSecond`. Ocean's own
`RetryTransport` is not used: it retries 401 (the auth layer's job), caps a long `Retry-After`
silently at 60 s, returns the last failed response after its retries and logs unredacted URLs.
"""

from __future__ import annotations

import asyncio
import math
import random
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from loguru import logger

from core.errors import (
    RequestTimeoutError,
    ResponseTooLargeError,
    RetriesExhaustedError,
    RetryWaitTooLongError,
)
from core.http_methods import SAFE_METHODS
from transport.deadline import BodyLimits, DeadlineTransport
from transport.proxy import EnvironmentProxyTransport
from transport.rate_limit import LimitedTransport, RequestLimiter
from transport.retry_after import is_rate_limited, requested_wait
from transport.stream_head import read_head
from transport.tls import TlsOptions, build_contexts, scoped_network

__all__ = [
    "RETRYABLE",
    "STATS",
    "STREAM",
    "BodyLimits",
    "LimitedTransport",
    "RequestLimiter",
    "RequestStats",
    "RetryPolicy",
    "RetryTransport",
    "build_transport",
]

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Request extension: True marks a call whose method is not a read (core/http_methods.py) as one
# that is safe to retry.
RETRYABLE = "ocean_custom.retryable"
# Request extension: a RequestStats to count attempts, retries and waits into.
STATS = "ocean_custom.stats"
# Request extension: True leaves a 2xx body unread, for the caller to stream (see
# pages/streaming.py).
STREAM = "ocean_custom.stream"


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0
    waited_seconds: float = 0.0
    other_origin: int = 0  # requests sent without credentials to another origin (one warning)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5  # `maxRetries`: retries after the first attempt
    max_wait: float = 60.0  # `maxRetryWait`: the longest single wait a server may ask for
    base_delay: float = 0.5
    max_backoff: float = 30.0

    def backoff(self, retry: int) -> float:
        """Full jitter: uniform in [0, min(cap, base·2^retry)] (AWS architecture blog), so
        clients that failed together do not come back together."""
        return random.uniform(0, min(self.max_backoff, self.base_delay * 2**retry))


class RetryTransport(httpx.AsyncBaseTransport):
    """Retries 408/425/429/5xx, rate-limit 403s and connection errors, honouring `Retry-After`.

    401, other 403s and other 4xx are returned at once: 401 belongs to the auth layer. Only
    safe methods, or requests marked with the RETRYABLE extension (a selector's `read_only`),
    are retried. The body is read inside the loop, so a connection dropped mid-body is retried
    too. When retries run out it raises `RetriesExhaustedError` naming `maxRetries`; a server
    asking for a wait over `maxRetryWait` raises `RetryWaitTooLongError` at once.

    A request marked with the STREAM extension whose 2xx body is longer than
    `stream_head.STREAM_AFTER_BYTES` gets its response back with the rest of the body unread:
    a connection dropped after that point raises at the reader, which may already have handed
    part of the body on (the resync then fails; nothing is deleted).
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        redact: Callable[[str], str] = str,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._inner, self._policy, self._redact, self._sleep = inner, policy, redact, sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        stats: RequestStats | None = request.extensions.get(STATS)
        retryable = request.method in SAFE_METHODS or request.extensions.get(RETRYABLE) is True
        streamed = request.extensions.get(STREAM) is True
        retries, waited = 0, 0.0
        while True:
            if stats is not None:
                stats.requests += 1
            try:
                response = await self._inner.handle_async_request(request)
                if not (streamed and response.is_success):
                    await response.aread()  # an error body is small, and quoted in the message
                elif not await read_head(response):
                    return response  # a long body: the caller streams the rest, not retried
            except ResponseTooLargeError as error:  # the same request sends the same body
                where = f"{request.method} {self._where(request)}"
                raise ResponseTooLargeError(f"{where}: {error}") from None
            except httpx.TransportError as error:
                if not retryable or not self._policy.max_retries or _is_permanent(error):
                    raise
                if retries >= self._policy.max_retries:
                    raise self._gave_up_on_error(request, error, retries) from None
                wait, why = self._policy.backoff(retries), type(error).__name__
            else:
                if not retryable or not _should_retry(response) or not self._policy.max_retries:
                    return response
                if retries >= self._policy.max_retries:
                    raise self._gave_up_on_status(request, response, retries, waited)
                wait, why = self._wait_for(request, response, retries)
            retries, waited = retries + 1, waited + wait
            logger.warning(
                f"{request.method} {self._where(request)} failed ({why}); "
                f"retry {retries}/{self._policy.max_retries} in {wait:.1f}s"
            )
            if stats is not None:
                stats.retries += 1
                stats.waited_seconds += wait
            await self._sleep(wait)

    def _wait_for(
        self, request: httpx.Request, response: httpx.Response, retry: int
    ) -> tuple[float, str]:
        status = response.status_code
        asked = requested_wait(response.headers, rate_limited=is_rate_limited(response))
        if not asked:  # not said, or "now": back off anyway rather than hammer
            return self._policy.backoff(retry), str(status)
        if asked > self._policy.max_wait:
            raise RetryWaitTooLongError(
                f"{request.method} {self._where(request)} returned {status} and asked to wait "
                f"{asked:.0f}s before retrying (Retry-After / rate-limit reset header), longer "
                f"than maxRetryWait={self._policy.max_wait:g}s. Failing now instead of stalling "
                f"or hammering the API: raise maxRetryWait to at least {math.ceil(asked)} to "
                "wait it out, or set requestsPerSecond under the API's quota",
                status_code=status,
            )
        return asked, f"{status}, server asked to wait {asked:g}s"

    def _gave_up_on_status(
        self, request: httpx.Request, response: httpx.Response, retries: int, waited: float
    ) -> RetriesExhaustedError:
        hint = (
            "The API keeps rate-limiting: set requestsPerSecond under its quota, or raise "
            "maxRetries / maxRetryWait"
            if is_rate_limited(response)
            else "The API keeps failing: raise maxRetries to ride out longer outages, or "
            "resync later"
        )
        body = " ".join(self._redact(response.text).split())[:200]
        return RetriesExhaustedError(
            f"{request.method} {self._where(request)} still returned {response.status_code} "
            f"after {retries} retries (maxRetries={self._policy.max_retries}, {waited:.1f}s "
            f"waited). {hint}. Response: {body}",
            status_code=response.status_code,
        )

    def _gave_up_on_error(
        self, request: httpx.Request, error: httpx.TransportError, retries: int
    ) -> RetriesExhaustedError:
        timed_out = isinstance(error, httpx.TimeoutException)
        if timed_out:
            timeout = request.extensions.get("timeout", {}).get("read")
            limit = f"{timeout:g}s" if isinstance(timeout, int | float) else "none"
            hint = (
                f"every attempt timed out (timeout={limit}): raise timeout or lower pageSize "
                "(timeout bounds each attempt: connecting, the headers and the whole body)"
            )
        else:
            hint = "check that the API is reachable from the integration (baseUrl, proxy, DNS)"
        detail = self._redact(str(error)) or "no detail"
        error_class = RequestTimeoutError if timed_out else RetriesExhaustedError
        return error_class(
            f"{request.method} {self._where(request)} failed {retries + 1} times, last with "
            f"{type(error).__name__}: {detail}; gave up after maxRetries="
            f"{self._policy.max_retries} retries: {hint}"
        )

    def _where(self, request: httpx.Request) -> str:
        return self._redact(str(request.url))

    async def aclose(self) -> None:
        await self._inner.aclose()


def _is_permanent(error: BaseException) -> bool:
    """A TLS certificate the client refuses will be refused again: no point retrying."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(error)


def _should_retry(response: httpx.Response) -> bool:
    return response.status_code in RETRY_STATUSES or is_rate_limited(response)


def build_transport(
    *,
    verify: bool,
    concurrency: int,
    limiter: RequestLimiter,
    policy: RetryPolicy,
    redact: Callable[[str], str],
    body_limits: BodyLimits | None = None,
    tls: TlsOptions | None = None,
) -> httpx.AsyncBaseTransport:
    """The stack every API request goes through, token and discovery requests included.
    `body_limits`: each attempt's deadline and body caps (transport/deadline.py); None: none.
    `tls`: extra CAs and a client certificate (transport/tls.py); `verify` alone without it."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    contexts = build_contexts(tls or TlsOptions(verify=verify))

    def network(proxy: str | None) -> httpx.AsyncBaseTransport:
        return scoped_network(
            contexts,
            lambda context: httpx.AsyncHTTPTransport(verify=context, limits=limits, proxy=proxy),
        )

    routed: httpx.AsyncBaseTransport = EnvironmentProxyTransport(network)
    if body_limits is not None:
        routed = DeadlineTransport(routed, body_limits, STREAM)
    return RetryTransport(LimitedTransport(routed, limiter), policy, redact)
