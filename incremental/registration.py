"""The mapping's incremental kinds, registered with Ocean when the mapping loads.

Ocean's `sync_incremental` runs only the resources whose exact `kind` has a handler registered
with `on_incremental_resync`, and looks them up right after loading the port-app-config. Here
kinds are endpoint paths known only from that config, so the integration's config handler calls
`register_incremental_kinds` each time it loads one: every kind with a resource that has
`selector.incremental` gets the integration's one resync handler (installed by `main.py`), which
tells a full run from an incremental one by Ocean's cursor. As Ocean's own
`ocean.on_incremental_resync` does, nothing is registered unless
`OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED` is true.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from loguru import logger
from port_ocean.core.ocean_types import INCREMENTAL_EVENT_LISTENER

_handler: INCREMENTAL_EVENT_LISTENER | None = None


class IncrementalResource(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def selector(self) -> Any: ...


def serve_incremental_kinds_with(handler: INCREMENTAL_EVENT_LISTENER | None) -> None:
    """The handler that incremental kinds run (the same one as full resyncs)."""
    global _handler
    _handler = handler


def register_incremental_kinds(
    integration: Any, resources: Iterable[IncrementalResource], enabled: bool
) -> list[str]:
    """Register the handler for each incremental kind not registered yet; the kinds added."""
    if not enabled:
        return []
    if _handler is None:  # main.py not loaded (`ocean probe`): nothing could run a kind
        logger.warning("Incremental sync: no resync handler installed; no kind registered")
        return []
    registered = integration.event_strategy.incremental
    added: list[str] = []
    for kind in dict.fromkeys(r.kind for r in resources if r.selector.incremental is not None):
        if _handler not in registered.get(kind, []):
            integration.on_incremental_resync(_handler, kind)
            added.append(kind)
    if added:
        logger.info(f"Incremental sync: kinds registered from the mapping: {', '.join(added)}")
    return added
