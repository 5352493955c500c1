"""Masking secrets by value before text reaches a log line or an error message.

Secrets are masked by their value, not by a header or parameter name: a token that the API
echoes in a body, a next link or an error page is caught wherever it appears. Ocean's own log
filter keeps the first six characters of a masked value; ours replaces the whole value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from loguru import logger

MASK = "[REDACTED]"
# Shorter values (e.g. "x" as a basic-auth password) would mask unrelated text everywhere.
MIN_SECRET_LENGTH = 4


class Redactor:
    """Holds the secret values of one installation and masks them in text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        """Register secret values (configured credentials, fetched tokens)."""
        given = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        # A secret echoed inside a URL arrives percent-encoded (`/` → %2F, space → + or %20).
        new = {form for s in given for form in (s, quote(s, safe=""), quote_plus(s))}
        new -= self._secrets
        if not new:
            return
        self._secrets |= new
        _hide_in_ocean_logs(new)
        # Longest first, so a secret that contains another is masked whole.
        ordered = sorted(self._secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(MASK, text)


def _hide_in_ocean_logs(secrets: set[str]) -> None:
    """Defence in depth: also teach Ocean's log filter, which masks its own log lines."""
    try:
        from port_ocean.log.sensetive import sensitive_log_filter
    except ImportError:  # pragma: no cover - port_ocean is a hard dependency
        logger.debug("Ocean's sensitive log filter is unavailable; relying on our masking")
        return
    sensitive_log_filter.hide_sensitive_strings(*secrets)


def excerpt(text: str, redact: Redactor, limit: int = 300) -> str:
    """A short, single-line, redacted preview of a response body for error messages."""
    flat = " ".join(redact(text).split())
    return flat if len(flat) <= limit else flat[:limit] + "…"
