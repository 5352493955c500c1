"""One endpoint run's counters, its per-page log lines and its finish line.

Each line also carries a structured copy (`endpoint_page`, `endpoint_run`) for tools that report
per page and per run, such as the preview command. Inside a resync, every page and finish is
also counted into the kind's progress (`progress.py`), which logs the kind's running totals.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from loguru import logger

from fetching.progress import KindProgress, current_kind
from transport.stack import RequestStats

NOT_PAGINATED_HINT = (
    "if this endpoint is not paginated, give its resource selector.pagination: "
    "{paginationType: none}"
)


@dataclass
class EndpointRun:
    where: str  # "GET /items"
    url: str  # redacted
    stats: RequestStats = field(default_factory=RequestStats)
    started: float = field(default_factory=time.monotonic)
    pages: int = 0
    items: int = 0
    notes: list[str] = field(default_factory=list)  # extra facts for the finish line
    level: str = "INFO"  # of the start and finish lines; DEBUG for a fan-out's child calls
    expected: int | None = None  # the items the API says the list has (totalPath, a count)
    kind: KindProgress | None = field(default_factory=current_kind)

    def __post_init__(self) -> None:
        if self.kind is not None:
            self.kind.run_started(self.stats)

    def page(self, url: str, items: int) -> None:
        """Count a page of `items` items fetched from `url` (redacted)."""
        self.pages, self.items = self.pages + 1, self.items + items
        page_info = {"page": self.pages, "items": items, "url": url, "total": self.expected}
        logger.bind(endpoint_page=page_info).debug(
            f"{self.where}: page {self.pages} → {items} items"
        )
        if self.kind is not None:
            if self.expected is not None:
                self.kind.expected = self.expected
            self.kind.page(items)

    def finish(self, reason: str, suspicious: bool, checked: str) -> None:
        """The run's finish line (a WARNING when it stopped on an absent signal)."""
        run_info = {"url": self.url, "pages": self.pages, "items": self.items}
        bound = logger.bind(
            endpoint_run={**run_info, "stop_reason": reason, "uncertain": suspicious}
        )
        if self.kind is not None:
            self.kind.run_finished(self.stats, reason, suspicious)
        if self.stats.other_origin > 1:  # warned about once, on the first
            self.notes.append(
                f"{self.stats.other_origin} requests sent to another origin without credentials"
            )
        if suspicious and self.pages == 1:  # one page and no pagination signal at all
            self.notes.append(NOT_PAGINATED_HINT)
        notes = "".join(f"; {note}" for note in self.notes)
        bound.log(
            "WARNING" if suspicious else self.level,
            f"{self.where}: done — {self.items} items in {self.pages} pages, "
            f"{time.monotonic() - self.started:.2f}s, stopped{' (UNCERTAIN)' * suspicious}: "
            f"{reason}; "
            f"{self.stats.retries} retries, {self.stats.waited_seconds:.1f}s waited"
            f"{checked}{notes}",
        )
