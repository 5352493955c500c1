"""Masking secrets by value before text reaches a log line or an error message.

Secrets are masked by their value, not by a header or parameter name: a token that the API
echoes in a body, a next link or an error page is caught wherever it appears, also in its
percent-encoded form. Ocean's own log filter keeps the first six characters of a masked value;
ours replaces the whole value. Fetched tokens are registered per login (`rotate`), so a
long-running installation does not accumulate one mask per renewed token.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from loguru import logger

MASK = "[REDACTED]"
# Shorter values (e.g. "x" as a basic-auth password) would mask unrelated text everywhere.
MIN_SECRET_LENGTH = 4
# Logins whose values stay masked: the current one, and earlier ones still used by requests
# that were in flight when the token was renewed.
KEPT_GENERATIONS = 3


class Redactor:
    """Holds the secret values of one installation and masks them in text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._permanent: set[str] = set()
        self._generations: dict[str, deque[set[str]]] = {}
        self._masked: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        """Register secret values for the lifetime of the installation (configured ones)."""
        self._permanent |= _forms(secrets)
        self._rebuild()

    def rotate(self, slot: str, *secrets: str | None) -> None:
        """Register the values of a new login under `slot`, retiring those of old logins."""
        history = self._generations.setdefault(slot, deque(maxlen=KEPT_GENERATIONS))
        history.append(_forms(secrets))
        self._rebuild()

    def masks(self, value: str) -> bool:
        """Whether `value` is one of the secrets masked."""
        return value in self._masked

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(MASK, text)

    def masked_head(self, head: str) -> str:
        """`head`, the start of a longer text cut anywhere, masked. A secret the cut split
        cannot match its mask, so a trailing start of a secret is dropped with the rest."""
        masked = self(head)
        split = max(
            (k for form in self._masked for k in range(1, len(form)) if masked.endswith(form[:k])),
            default=0,
        )
        return masked[: len(masked) - split]

    def _rebuild(self) -> None:
        masked = self._permanent.union(*(g for h in self._generations.values() for g in h))
        if masked == self._masked:
            return
        _update_ocean_filter(added=masked - self._masked, retired=self._masked - masked)
        self._masked = masked
        # Longest first, so a secret that contains another is masked whole.
        ordered = sorted(masked, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None


def _forms(secrets: Iterable[str | None]) -> set[str]:
    """Each secret as written and as it appears inside a URL (`/` → %2F, space → + or %20)."""
    given = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
    return {form for s in given for form in (s, quote(s, safe=""), quote_plus(s))}


def _update_ocean_filter(added: set[str], retired: set[str]) -> None:
    """Defence in depth: Ocean's log filter also masks these in Ocean's own log lines."""
    try:
        from port_ocean.log.sensetive import sensitive_log_filter
    except ImportError:  # pragma: no cover - port_ocean is a hard dependency
        logger.debug("Ocean's sensitive log filter is unavailable; relying on our masking")
        return
    if added:
        sensitive_log_filter.hide_sensitive_strings(*added)
    if retired:
        # The filter has no removal API; its patterns are compiled from re.escape(value).
        stale = {re.escape(value.strip()) for value in retired}
        patterns = sensitive_log_filter.compiled_patterns
        patterns[:] = [p for p in patterns if p.pattern not in stale]


def unmask_unset_settings(redact: Redactor) -> None:
    """Undo Ocean's masking of the word "None".

    Ocean registers `str(value)` of every sensitive setting with its log filter, so an unset
    one (apiToken with basic auth, password with a bearer token, ...) registers "None", and
    every log line that prints a None — the mappings Ocean logs at each resync, for one — shows
    "None[REDACTED]", which reads as if something secret were there. Kept when a configured
    secret really is "None"."""
    if not redact.masks("None"):
        _update_ocean_filter(added=set(), retired={"None"})


def excerpt(text: str, redact: Redactor, limit: int = 300) -> str:
    """A short, single-line, redacted preview of a response body for error messages: masked
    first, then cut (cut first, a secret straddling the cut would show its start)."""
    flat = " ".join(redact(text).split())
    return flat if len(flat) <= limit else flat[:limit] + "…"
