"""`selector.incremental.cutoff`: the client-side stop for newest-first APIs without a
server-side changed-since filter.

Each item's change time is read with the cutoff's jq. Items older than the cursor are dropped;
the page that held the first of them is the last one requested (the list is newest first, so
every later page is older still). An item whose time is null or absent is kept: upserting it
again is harmless, dropping it could miss a change. A time that cannot be read as one (a string
that is not a date, an object) fails the kind, naming the cutoff: a wrong path must not turn into
"nothing changed".
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from datetime import UTC, datetime, tzinfo
from typing import Any

from loguru import logger

from core.errors import ConfigurationError
from jq_paths.precise_jq import select

Items = list[dict[str, Any]]


async def cut_off(
    pages: AsyncGenerator[Items, None],
    cutoff: str,
    since: datetime,
    fmt: str,
    where: tzinfo,
    kind: str,
) -> AsyncIterator[Items]:
    """`pages` without the items older than `since`, ending after the page that reaches them."""
    async with aclosing(pages) as running:
        number = 0
        async for items in running:
            number += 1
            kept = [item for item in items if not _older(item, cutoff, since, fmt, where)]
            if kept:
                yield kept
            if len(kept) < len(items):
                logger.info(
                    f"[{kind}] incremental cutoff: page {number} reached items older than "
                    f"{since.isoformat()} ({cutoff}); no further pages requested"
                )
                return


def _older(item: Any, cutoff: str, since: datetime, fmt: str, where: tzinfo) -> bool:
    outputs = select(cutoff, item)
    value = outputs[0] if outputs else None
    if value is None:
        return False
    return item_time(value, cutoff, fmt, where) < since


def item_time(value: Any, cutoff: str, fmt: str, where: tzinfo) -> datetime:
    """An item's change time: ISO 8601 text, or epoch seconds (milliseconds with format
    epoch_ms), or text in the strftime format; naive times are in `where`."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _unreadable(value, cutoff)
    if isinstance(value, (int, float)):
        seconds = value / 1000 if fmt == "epoch_ms" else value
        return datetime.fromtimestamp(seconds, UTC)
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = _strptime(text, fmt, value, cutoff)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=where)


def _strptime(text: str, fmt: str, value: Any, cutoff: str) -> datetime:
    if text.lstrip("-").isdigit():
        return item_time(int(text), cutoff, fmt, UTC)
    if "%" not in fmt:
        raise _unreadable(value, cutoff)
    try:
        return datetime.strptime(text, fmt)
    except ValueError:
        raise _unreadable(value, cutoff) from None


def _unreadable(value: Any, cutoff: str) -> ConfigurationError:
    shown = repr(value)[:80]
    return ConfigurationError(
        f"selector.incremental.cutoff {cutoff!r} gave {shown}, which is not a time: expected "
        "ISO 8601 text, epoch seconds (milliseconds with format epoch_ms) or text in the "
        "incremental format; point cutoff at the item's update time, e.g. .updated_at"
    )
