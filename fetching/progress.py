"""What a person reads while a kind syncs: a progress line at a steady cadence, and a summary.

A kind (one resource of the mapping) may be one endpoint run or thousands (a fan-out's child
calls); every run of the kind reports its pages here, through the kind's `KindProgress` held in
a context variable by the resync handler (`resync/kind_progress.py`). Outside a resync (the
probe, unit tests) there is none, and runs log only their own lines (`endpoint_run.py`).

The cadence: a progress line when at least `seconds` AND at least `pages` pages have passed
since the last one — whichever is rarer — so a fast API does not flood the log and a slow one
is not reported page by page. `OCEAN_CUSTOM_PROGRESS_SECONDS` / `OCEAN_CUSTOM_PROGRESS_PAGES`
change it (tests set 0 seconds to read the lines of a slow fake without timing anything).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field

from loguru import logger

from transport.stack import RequestLimiter, RequestStats

__all__ = ["CURRENT_KIND", "Cadence", "KindProgress", "RequestLimiter", "current_kind"]

SECONDS_ENV, PAGES_ENV = "OCEAN_CUSTOM_PROGRESS_SECONDS", "OCEAN_CUSTOM_PROGRESS_PAGES"


@dataclass(frozen=True)
class Cadence:
    seconds: float = 10.0
    pages: int = 10

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Cadence:
        """The cadence from the environment; a value that does not parse keeps the default
        (this is log cosmetics: it never stops a sync)."""
        default = cls()
        return cls(
            _number(environ.get(SECONDS_ENV), default.seconds),
            int(_number(environ.get(PAGES_ENV), default.pages)),
        )


@dataclass
class KindProgress:
    """One kind's counters across all its endpoint runs, and the lines a person reads."""

    kind: str
    cadence: Cadence = field(default_factory=Cadence)
    limiter: RequestLimiter | None = None  # the integration-wide one: requests in flight
    clock: Callable[[], float] = time.monotonic
    items: int = 0
    pages: int = 0
    runs: int = 0
    expected: int | None = None  # the items the API says the kind has (one run only)
    finished_stats: RequestStats = field(default_factory=RequestStats)
    reasons: Counter[str] = field(default_factory=Counter)
    _running: dict[int, RequestStats] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.started = self._last_at = self.clock()
        self._last_pages = 0

    def run_started(self, stats: RequestStats) -> None:
        self.runs += 1
        self._running[id(stats)] = stats

    def page(self, items: int) -> None:
        self.pages, self.items = self.pages + 1, self.items + items
        now = self.clock()
        if (
            now - self._last_at >= self.cadence.seconds
            and self.pages - self._last_pages >= self.cadence.pages
        ):
            self._last_at, self._last_pages = now, self.pages
            logger.bind(kind_progress=self.snapshot()).info(self.progress_line(now))

    def run_finished(self, stats: RequestStats, reason: str, uncertain: bool) -> None:
        self._fold(stats)
        self.reasons[f"{reason} (UNCERTAIN)" if uncertain else reason] += 1

    def stats(self) -> RequestStats:
        """Requests, retries and waits so far: finished runs and the ones still going."""
        total = RequestStats(**vars(self.finished_stats))
        for running in self._running.values():
            total.requests += running.requests
            total.retries += running.retries
            total.waited_seconds += running.waited_seconds
        return total

    def rate(self, now: float | None = None) -> float:
        elapsed = (self.clock() if now is None else now) - self.started
        return self.items / elapsed if elapsed > 0 else 0.0

    def progress_line(self, now: float) -> str:
        rate = self.rate(now)
        parts = [f"{self.items} items", f"{self.pages} pages so far", f"{rate:.0f} items/s"]
        if self.runs > 1:
            parts.append(f"{self.runs} calls")
        if self.limiter is not None:
            parts.append(f"{self.limiter.in_flight} requests in flight")
            if self.limiter.waiting:
                parts.append(f"{self.limiter.waiting} waiting on the rate limit")
        if self.expected is not None and self.runs == 1:
            left = max(self.expected - self.items, 0)
            eta = f"{left / rate:.0f}s" if rate > 0 else "unknown"
            parts.append(f"ETA {eta} ({self.items} of {self.expected})")
        return f"{self.kind}: " + ", ".join(parts)

    def summary_line(self, outcome: str | None) -> str:
        """The kind's last line; `outcome` None: done, else why it failed or stopped early."""
        stats = self.stats()
        counts = (
            f"{self.items} items, {self.pages} pages, {stats.requests} requests, "
            f"{stats.retries} retries"
        )
        seconds = f"{self.clock() - self.started:.1f}s"
        if outcome is not None:
            return f"{self.kind}: {outcome} after {counts}, {seconds}"
        return f"{self.kind}: done — {counts}, stopped: {self.stop_reason()}, {seconds}"

    def stop_reason(self) -> str:
        if not self.reasons:
            return "no endpoint run finished"
        if len(self.reasons) == 1 and self.runs == 1:
            return next(iter(self.reasons))
        return "; ".join(
            f"{reason} ({count} calls)" for reason, count in self.reasons.most_common(3)
        )

    def snapshot(self) -> dict[str, object]:
        """The structured copy of a progress or summary line, for tools that read the log."""
        return {
            "kind": self.kind,
            "items": self.items,
            "pages": self.pages,
            "rate": self.rate(),
            "expected": self.expected,
        }

    def _fold(self, stats: RequestStats) -> None:
        if self._running.pop(id(stats), None) is None:
            return
        self.finished_stats.requests += stats.requests
        self.finished_stats.retries += stats.retries
        self.finished_stats.waited_seconds += stats.waited_seconds


CURRENT_KIND: ContextVar[KindProgress | None] = ContextVar("ocean_custom_kind", default=None)


def current_kind() -> KindProgress | None:
    return CURRENT_KIND.get()


def _number(text: str | None, default: float) -> float:
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if value >= 0 else default
