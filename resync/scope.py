"""The discovery cache of the running resync: in memory, and for that one resync only.

Kinds of one resync run one after another inside the same RESYNC event, so the event's id
scopes the cache: the first templated kind of a new resync starts a fresh cache (dropping the
previous one, whatever became of that resync), and a finished resync drops it.
"""

from __future__ import annotations

from typing import Any, cast

from port_ocean.context.event import EventType, event

from connection.settings import ConnectionSettings
from fanout.discovery import Discovery, DiscoveryCache
from fanout.plan import discoveries_of
from integration import EndpointResourceConfig

_current: tuple[str, DiscoveryCache] | None = None


def discovery_cache(connection: ConnectionSettings) -> DiscoveryCache:
    """The cache of the resync this handler runs in, built from the whole mapping so that one
    discovery call serves every kind of the resync that needs it."""
    global _current
    resync_id = _resync_id()
    if _current is None or _current[0] != resync_id:
        _current = (resync_id, DiscoveryCache(_all_discoveries(connection)))
    return _current[1]


def forget_discoveries() -> None:
    global _current
    _current = None


def _resync_id() -> str:
    current: Any = event
    while current is not None and current.event_type != EventType.RESYNC:
        current = current.parent
    return str((current or event).id)


def _all_discoveries(connection: ConnectionSettings) -> list[Discovery]:
    try:
        resources = cast(list[EndpointResourceConfig], event.port_app_config.resources)
    except ValueError:  # no mapping on this event: nothing to share, every call runs
        return []
    found: list[Discovery] = []
    for resource in resources:
        selector = resource.selector
        if selector.path_parameters or selector.dynamic_query_params:
            owner = resource.endpoint(connection)
            dynamic = selector.dynamic_query_params
            found.extend(
                discoveries_of(
                    owner, selector.path_parameters, dynamic, pagination=connection.pagination
                ).values()
            )
    return found
