"""A kind's progress and summary lines, and the whole resync's summary line.

The resync handler wraps each kind's pages in `track_kind`: it makes the kind's `KindProgress`
current (every endpoint run of the kind counts its pages into it: `fetching/progress.py`), logs
the kind's summary when its pages end — done, failed or stopped early — and, after the last
kind of the mapping, one line for the whole resync. Kinds run one after another in one resync
(Ocean's `process_resource` loop), so the first kind of the mapping starts a fresh tally.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from loguru import logger
from port_ocean.context.event import event

from fetching.progress import CURRENT_KIND, Cadence, KindProgress, RequestLimiter


@dataclass
class ResyncTally:
    started: float = field(default_factory=time.monotonic)
    kinds: int = 0
    failed: list[str] = field(default_factory=list)
    items: int = 0
    pages: int = 0
    requests: int = 0
    retries: int = 0

    def add(self, progress: KindProgress, failed: bool) -> None:
        stats = progress.stats()
        self.kinds += 1
        self.items, self.pages = self.items + progress.items, self.pages + progress.pages
        self.requests, self.retries = self.requests + stats.requests, self.retries + stats.retries
        if failed:
            self.failed.append(progress.kind)

    def line(self) -> str:
        failed = f" ({len(self.failed)} FAILED: {', '.join(self.failed)})" if self.failed else ""
        outcome = (
            "Ocean deletes nothing this time" if self.failed else "Ocean now reconciles with Port"
        )
        return (
            f"resync fetched: {self.kinds} kinds{failed}, {self.items} items, {self.pages} "
            f"pages, {self.requests} requests, {self.retries} retries, "
            f"{time.monotonic() - self.started:.1f}s; {outcome}"
        )


_tally = ResyncTally()


async def track_kind(
    kind: str, pages: AsyncIterator[list[dict[str, Any]]], limiter: RequestLimiter | None
) -> AsyncGenerator[list[dict[str, Any]], None]:
    """`pages`, unchanged, with the kind's progress current while they are fetched."""
    global _tally
    position, count = _position_in_mapping()
    if position == 0:
        _tally = ResyncTally()
    progress = KindProgress(kind, Cadence.from_env(os.environ), limiter)
    token = CURRENT_KIND.set(progress)  # before the first page: tasks started later inherit it
    outcome: str | None = None
    try:
        async for items in pages:
            yield items
    except GeneratorExit:
        outcome = "stopped early by its consumer"
        raise
    except asyncio.CancelledError:  # a newer resync or a shutdown: not this kind's failure
        outcome = "stopped: the resync was cancelled"
        raise
    except BaseException as error:
        outcome = f"FAILED ({type(error).__name__}; nothing is deleted)"
        raise
    finally:
        _reset(token)
        level = "INFO" if outcome is None or outcome.startswith("stopped") else "ERROR"
        logger.bind(kind_summary=progress.snapshot()).log(level, progress.summary_line(outcome))
        _tally.add(progress, failed=outcome is not None)
        if count and position == count - 1:
            logger.info(_tally.line())


def _position_in_mapping() -> tuple[int, int]:
    """The running resource's index in the mapping and the number of resources; (0, 0) when
    the event has no mapping (every kind then starts its own tally and logs no resync line)."""
    try:
        resources = list(event.port_app_config.resources)
        current = event.resource_config
    except Exception:  # noqa: BLE001 - no event or no mapping: lines per kind only
        return 0, 0
    for index, resource in enumerate(resources):
        if resource is current:
            return index, len(resources)
    return 0, 0


def _reset(token: Any) -> None:
    """Forget the kind: in the context that set it, or (a generator closed from another task)
    in this one."""
    try:
        CURRENT_KIND.reset(token)
    except ValueError:
        CURRENT_KIND.set(None)
