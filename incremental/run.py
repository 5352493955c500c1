"""What an incremental run of one resource requests.

Ocean runs a kind incrementally with its cursor bound (`active_incremental_cursor()`); a full
resync has none. In an incremental run a resource with `selector.incremental` gets the cursor:
its `query_params` and `param` replace same-named selector query parameters (or, when the
resource paginates in the body, the values at those dot paths of its JSON body), and a `cutoff`
walks the pages one at a time and stops early. A resource without `incremental` whose kind
another resource made incremental is not fetched at all.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from port_ocean.context.event import EventType, event
from port_ocean.core.incremental.cursor_context import active_incremental_cursor

from connection.endpoint import Endpoint
from core.errors import OceanCustomError
from incremental.cutoff import cut_off
from incremental.model import IncrementalSelector

Items = list[dict[str, Any]]


@dataclass(frozen=True)
class IncrementalRun:
    """One resource's part of an incremental run; `config` None: not fetched in this run."""

    config: IncrementalSelector | None
    cursor: datetime

    def endpoint(self, endpoint: Endpoint) -> Endpoint:
        """`endpoint` asking only for what changed since the cursor."""
        assert self.config is not None
        paging = endpoint.pagination
        values = self.config.values(self.cursor)
        if paging.pagination_location == "body":
            body = copy.deepcopy(endpoint.body) if isinstance(endpoint.body, dict) else {}
            for path, value in values.items():
                _set_path(body, path, value)
            endpoint = endpoint.with_call(body=body)
        else:
            texts = {name: _query_text(value) for name, value in values.items()}
            endpoint = endpoint.with_call(query_params={**endpoint.query_params, **texts})
        if self.config.cutoff is not None:  # pages sent ahead would pass the cutoff
            endpoint = replace(endpoint, pagination=paging.model_copy(update={"parallel_pages": 1}))
        return endpoint

    def pages(self, pages: AsyncGenerator[Items, None], kind: str) -> AsyncIterator[Items]:
        """`pages`, cut off at the cursor when the resource has a `cutoff`."""
        config = self.config
        if config is None or config.cutoff is None:
            return pages
        since = config.since(self.cursor)
        return cut_off(pages, config.cutoff, since, config.format, config.zone, kind)

    @property
    def cuts_off(self) -> bool:
        return self.config is not None and self.config.cutoff is not None


def current_run(config: IncrementalSelector | None) -> IncrementalRun | None:
    """This resource's incremental run, or None in a full resync."""
    cursor = active_incremental_cursor()
    if cursor is None:
        if event.event_type == EventType.INCREMENTAL_RESYNC:
            raise OceanCustomError("Ocean started an incremental run without a cursor")
        return None
    aware = cursor if cursor.tzinfo is not None else cursor.replace(tzinfo=UTC)
    return IncrementalRun(config, aware)


def _query_text(value: Any) -> Any:
    return value if isinstance(value, (str, list, dict)) else str(value)


def _set_path(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = body
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[last] = value
