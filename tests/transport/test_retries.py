"""RetryTransport and `requested_wait` at the pure level: a scripted inner transport, no sleeps.

The real-server counterparts (real waits, dropped connections, the whole resync) are in
`test_resilience.py`; the limiter is in `tests/transport/test_rate_limit.py`.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from email.utils import formatdate

import httpx
import pytest

from core.errors import RetriesExhaustedError, RetryWaitTooLongError
from tests.client_kit import SECRET, captured_logs
from transport.retry_after import requested_wait
from transport.stack import RETRYABLE, STATS, RequestStats, RetryPolicy, RetryTransport

NOW = 1_750_000_000.0
Script = Sequence[httpx.Response | Exception]


def headers(**values: str) -> httpx.Headers:
    return httpx.Headers({name.replace("_", "-"): value for name, value in values.items()})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"retry_after": "3"}, 3.0),
        ({"retry_after": "1.5"}, 1.5),
        ({"retry_after": formatdate(NOW + 120, usegmt=True)}, 120.0),
        ({"retry_after": formatdate(NOW - 50, usegmt=True)}, 0.0),  # a date already past
        ({"retry_after": "Wed, 21 Oct 2015 07:28:00"}, 0.0),  # no zone: GMT, and past
        ({"retry_after": "soon"}, None),
        ({"x_ratelimit_reset": str(int(NOW + 42))}, 42.0),  # epoch seconds (GitHub)
        ({"x_ratelimit_reset": str(int((NOW + 7) * 1000))}, 7.0),  # epoch milliseconds
        ({"ratelimit_reset": "12"}, 12.0),  # delta seconds (IETF RateLimit headers)
        ({"x_rate_limit_reset": "30"}, 30.0),
        ({"retry_after": "2", "x_ratelimit_reset": str(int(NOW + 99))}, 2.0),  # Retry-After wins
        ({}, None),
    ],
)
def test_requested_wait_reads_every_documented_form(
    given: dict[str, str], expected: float | None
) -> None:
    assert requested_wait(headers(**given), now=NOW) == expected


def test_reset_headers_count_only_for_rate_limit_answers() -> None:
    reset = headers(x_ratelimit_reset=str(int(NOW + 3600)))
    assert requested_wait(reset, now=NOW, rate_limited=False) is None
    retry_after = headers(retry_after="5", x_ratelimit_reset=str(int(NOW + 3600)))
    assert requested_wait(retry_after, now=NOW, rate_limited=False) == 5.0


def test_backoff_is_full_jitter_capped() -> None:
    policy = RetryPolicy(base_delay=0.5, max_backoff=4.0)
    third = [policy.backoff(2) for _ in range(2000)]  # ceiling 0.5 * 2^2 = 2.0
    assert 0 <= min(third) < 0.1 and 1.9 < max(third) <= 2.0
    assert all(0 <= policy.backoff(20) <= 4.0 for _ in range(200))


class Scripted:
    """An inner transport answering from a script; records every request it was sent."""

    def __init__(self, script: Script) -> None:
        self.script = list(script)
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


async def run(
    script: Script,
    *,
    method: str = "GET",
    retryable: bool | None = None,
    policy: RetryPolicy | None = None,
) -> tuple[httpx.Response, Scripted, list[float], RequestStats]:
    inner, stats = Scripted(script), RequestStats()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    def redact(text: str) -> str:
        return text.replace(SECRET, "[REDACTED]")

    transport = RetryTransport(
        httpx.MockTransport(inner), policy or RetryPolicy(max_retries=3), redact, sleep
    )
    extensions: dict[str, object] = {STATS: stats}
    if retryable is not None:
        extensions[RETRYABLE] = retryable
    request = httpx.Request(method, f"https://api.test/items?key={SECRET}", extensions=extensions)
    response = await transport.handle_async_request(request)
    return response, inner, waits, stats


def reply(status: int, body: str = "{}", **extra: str) -> httpx.Response:
    return httpx.Response(status, text=body, headers=headers(**extra))


async def test_429_waits_what_retry_after_asks_then_succeeds() -> None:
    script: Script = [reply(429, retry_after="2"), reply(429, retry_after="1"), reply(200, "[1]")]
    response, inner, waits, stats = await run(script)
    assert response.status_code == 200 and response.content == b"[1]"
    assert waits == [2.0, 1.0] and len(inner.sent) == 3
    assert (stats.requests, stats.retries, stats.waited_seconds) == (3, 2, 3.0)


@pytest.mark.parametrize("status", [408, 425, 500, 502, 503, 504])
async def test_transient_statuses_back_off_with_jitter(status: int) -> None:
    response, inner, waits, _ = await run([reply(status), reply(status), reply(200)])
    assert response.status_code == 200 and len(inner.sent) == 3
    assert 0 <= waits[0] <= 0.5 and 0 <= waits[1] <= 1.0


async def test_a_reset_header_on_a_503_does_not_turn_into_an_hour_wait() -> None:
    far = str(int(NOW * 2))  # an epoch reset far away: only meaningful for rate limits
    _, _, waits, _ = await run([reply(503, x_ratelimit_reset=far), reply(200)])
    assert 0 <= waits[0] <= 0.5


async def test_asking_longer_than_max_retry_wait_fails_at_once() -> None:
    policy = RetryPolicy(max_retries=5, max_wait=30)
    with pytest.raises(RetryWaitTooLongError) as raised:
        await run([reply(429, retry_after="600")], policy=policy)
    message = str(raised.value)
    assert "600s" in message and "maxRetryWait=30s" in message and "at least 600" in message
    assert SECRET not in message and raised.value.status_code == 429


async def test_retries_exhausted_names_max_retries_status_and_hides_secrets() -> None:
    failing = [reply(503, f'{{"error": "down", "echo": "{SECRET}"}}') for _ in range(4)]
    with captured_logs() as logs, pytest.raises(RetriesExhaustedError) as raised:
        await run(failing)
    message = str(raised.value)
    assert "still returned 503 after 3 retries (maxRetries=3" in message and "down" in message
    assert raised.value.status_code == 503
    assert SECRET not in message and not any(SECRET in line for line in logs)
    assert sum("retry" in line and "/3 in" in line for line in logs) == 3


async def test_exhausted_429_points_at_requests_per_second() -> None:
    with pytest.raises(RetriesExhaustedError, match="requestsPerSecond"):
        await run([reply(429, retry_after="0") for _ in range(4)])


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_returned_at_once(status: int) -> None:
    response, inner, waits, _ = await run([reply(status)])
    assert response.status_code == status and len(inner.sent) == 1 and waits == []


async def test_a_403_that_is_a_rate_limit_is_retried() -> None:
    limited = reply(403, x_ratelimit_remaining="0", x_ratelimit_reset=str(int(NOW)))
    response, inner, _, _ = await run([limited, reply(200)])
    assert response.status_code == 200 and len(inner.sent) == 2


async def test_post_is_not_retried_unless_marked_as_a_read() -> None:
    response, inner, _, _ = await run([reply(503), reply(200)], method="POST")
    assert response.status_code == 503 and len(inner.sent) == 1
    response, inner, _, _ = await run([reply(503), reply(200)], method="POST", retryable=True)
    assert response.status_code == 200 and len(inner.sent) == 2


async def test_connection_errors_are_retried_then_reported_with_max_retries() -> None:
    dropped = httpx.ConnectError(f"refused for key={SECRET}")
    response, _, _, stats = await run([dropped, dropped, reply(200)])
    assert response.status_code == 200 and stats.retries == 2
    with pytest.raises(RetriesExhaustedError) as raised:
        await run([dropped] * 4)
    message = str(raised.value)
    assert "failed 4 times" in message and "ConnectError" in message
    assert "maxRetries=3" in message and SECRET not in message


async def test_timeouts_exhausted_name_the_timeout_setting() -> None:
    with pytest.raises(RetriesExhaustedError, match=r"timed out \(timeout=none\).*timeout"):
        await run([httpx.ReadTimeout("slow")] * 4)


async def test_post_connection_error_is_not_retried() -> None:
    with pytest.raises(httpx.ConnectError):
        await run([httpx.ConnectError("refused"), reply(200)], method="POST")


async def test_max_retries_zero_returns_the_first_answer() -> None:
    response, inner, _, _ = await run([reply(503), reply(200)], policy=RetryPolicy(max_retries=0))
    assert response.status_code == 503 and len(inner.sent) == 1


async def test_an_untrusted_certificate_is_not_retried() -> None:
    refused = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] self-signed certificate")
    with pytest.raises(httpx.ConnectError):
        await run([refused, reply(200)])
    chained = httpx.ConnectError("handshake failed")
    chained.__cause__ = ssl.SSLCertVerificationError("unable to get local issuer certificate")
    with pytest.raises(httpx.ConnectError):
        await run([chained, reply(200)])
