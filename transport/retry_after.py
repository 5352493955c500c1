"""What a server asks for before we retry: `Retry-After` and rate-limit reset headers.

Retry-After: 1                              → 1 s
Retry-After: Wed, 21 Oct 2026 07:28:00 GMT  → until then
X-RateLimit-Reset: 1761031680               → until then (epoch seconds; ms also read)
RateLimit-Reset: 12                         → 12 s (a delta: below one day)
"""

from __future__ import annotations

import time
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx

RESET_HEADERS = ("x-ratelimit-reset", "ratelimit-reset", "x-rate-limit-reset")


def requested_wait(
    headers: httpx.Headers, now: float | None = None, *, rate_limited: bool = True
) -> float | None:
    """Seconds the server asks us to wait, or None when it does not say.

    `Retry-After` as delta seconds or an HTTP-date; then, for rate-limit responses only,
    `X-RateLimit-Reset`-style headers as epoch seconds, epoch milliseconds or a delta. (Reset
    headers ride on every response of some APIs; on a 503 they say nothing about the outage.)
    """
    now = time.time() if now is None else now
    asked = _retry_after(headers.get("retry-after", ""), now)
    if asked is not None or not rate_limited:
        return asked
    for name in RESET_HEADERS:
        value = headers.get(name, "").strip()
        if _is_number(value):
            number = float(value)
            number = number / 1000 if number > 1e11 else number  # epoch milliseconds
            # Epoch seconds are ~1.7e9; anything below a day is a delta.
            return max(0.0, number - now) if number > 86_400 else number
    return None


def _retry_after(value: str, now: float) -> float | None:
    value = value.strip()
    if not value:
        return None
    if _is_number(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _is_number(value: str) -> bool:
    return value.replace(".", "", 1).isdigit()


def is_rate_limited(response: httpx.Response) -> bool:
    """429, or a 403 that is a rate limit and not a permission problem (GitHub answers its
    limits with 403 plus `Retry-After` or `X-RateLimit-Remaining: 0`)."""
    if response.status_code == 429:
        return True
    headers = response.headers
    return response.status_code == 403 and (
        "retry-after" in headers or headers.get("x-ratelimit-remaining", "").strip() == "0"
    )
