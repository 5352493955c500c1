"""One endpoint run's counters, its per-page log lines and its finish line.

Each line also carries a structured copy (`endpoint_page`, `endpoint_run`) for tools that report
per page and per run, such as the preview command.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from loguru import logger

from transport.stack import RequestStats


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

    def page(self, url: str, items: int) -> None:
        """Count a page of `items` items fetched from `url` (redacted)."""
        self.pages, self.items = self.pages + 1, self.items + items
        page_info = {"page": self.pages, "items": items, "url": url}
        logger.bind(endpoint_page=page_info).debug(
            f"{self.where}: page {self.pages} → {items} items"
        )

    def finish(self, reason: str, suspicious: bool, checked: str) -> None:
        """The run's finish line (a WARNING when it stopped on an absent signal)."""
        run_info = {"url": self.url, "pages": self.pages, "items": self.items}
        bound = logger.bind(
            endpoint_run={**run_info, "stop_reason": reason, "uncertain": suspicious}
        )
        notes = "".join(f"; {note}" for note in self.notes)
        bound.log(
            "WARNING" if suspicious else self.level,
            f"{self.where}: done — {self.items} items in {self.pages} pages, "
            f"{time.monotonic() - self.started:.2f}s, stopped{' (UNCERTAIN)' * suspicious}: "
            f"{reason}; "
            f"{self.stats.retries} retries, {self.stats.waited_seconds:.1f}s waited"
            f"{checked}{notes}",
        )
