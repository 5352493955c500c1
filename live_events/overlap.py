"""Live events that arrive while a scheduled resync of the same kind runs are not undone by it.

Ocean's own semantics cover deletion: a resync deletes only entities Port last updated *before*
the resync started (`sync_raw_all` searches Port with `before=resync_start_time`), so an entity
a live event created or updated meanwhile is never deleted by that resync. What they do not
cover is a page fetched just *before* a delivery and upserted just *after* it: the resync
would write the older copy over the live one (or bring back an item the delivery deleted).

So, in the process that runs both (POLLING / WEBHOOK listeners with live events on), every
delivery applied to a kind while a resync of that kind is running is recorded, and when that
kind's resync has upserted its last page the recorded results are applied again, in arrival
order, through Ocean's own live-events path (mapping, upsert, delete). A split deployment (a
`WEBHOOKS_ONLY` process beside a separate resync job) shares no memory: there, only Ocean's
deletion rule holds (docs/live-events.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from loguru import logger
from port_ocean.context.ocean import ocean
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.handlers.webhook.webhook_event import WebhookEventRawResults


@dataclass
class _Window:
    kind: str
    applied: list[tuple[ResourceConfig, WebhookEventRawResults]] = field(default_factory=list)


_OPEN: list[_Window] = []


def record(resource: ResourceConfig, results: WebhookEventRawResults) -> None:
    """Remember a delivery's results for every resync of its kind now running."""
    if not (results.updated_raw_results or results.deleted_raw_results):
        return
    for window in _OPEN:
        if window.kind == resource.kind:
            window.applied.append((resource, results))


@asynccontextmanager
async def kept_during_resync(kind: str) -> AsyncIterator[None]:
    """Around one kind's resync: afterwards, apply again what live events applied meanwhile."""
    window = _Window(kind)
    _OPEN.append(window)
    try:
        yield
    finally:
        _OPEN.remove(window)
        if window.applied:
            await _apply_again(window)


async def _apply_again(window: _Window) -> None:
    for resource, results in window.applied:
        results.resource = resource  # Ocean sets it too; a replay must not depend on that
    logger.info(
        f"Live events: {len(window.applied)} delivery result(s) applied to {window.kind} "
        "during its resync are applied again, so the resync's older copies do not win"
    )
    # A failure here propagates like any failure of the kind: Ocean then deletes nothing.
    # The webhook manager is where Ocean keeps its live-events path (LiveEventsMixin).
    await ocean.app.webhook_manager.sync_raw_results([r for _, r in window.applied])
