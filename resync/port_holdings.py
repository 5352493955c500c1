"""What Port holds from this installation, per blueprint: the shrink guard's one Port read.

Ocean's reconciliation deletes `entities_at_port - entities_produced`, where `entities_at_port`
is this installation's entities (datasource `port-ocean/<type>/…/<identifier>/exporter`) last
updated before the resync started (`SyncRawMixin._resync_reconciliation` →
`PortClient.search_entities(..., before=start)`). This reads the same set with the same request
(`datasource-entities`, 5,000 entities a page, `from`/`next`), once per resync and before the
first kind upserts anything, through Ocean's own Port client (its auth, retries, Port URL).

It sends that request itself rather than call `search_entities` because the latter validates
every entity into a pydantic model, about 0.1 ms each: 10 s of CPU at 100k entities, for two
fields (docs/benchmarks.md). `tests/resync/test_shrink_guard.py` checks that the request bodies
match.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from port_ocean.clients.port.mixins.entities import DATASOURCE_ENTITIES_PAGE_SIZE
from port_ocean.clients.port.types import UserAgentType
from port_ocean.clients.port.utils import handle_port_status_code
from port_ocean.context.event import event
from port_ocean.context.ocean import ocean

Holdings = dict[str, set[str]]  # blueprint → identifiers


async def read_holdings(before: str | None) -> Holdings:
    """Port's entities of this installation, as identifiers per blueprint. Raises what Ocean's
    Port client raises (httpx errors) when Port cannot be read."""
    port, agent = ocean.port_client, UserAgentType.exporter
    body: dict[str, Any] = {
        "datasource_prefix": f"port-ocean/{port.auth.integration_type}/",
        "datasource_suffix": f"/{port.auth.integration_identifier}/{agent.value}",
        "limit": DATASOURCE_ENTITIES_PAGE_SIZE,
    }
    if before is not None:
        body["before"] = before
    held: Holdings = {}
    while True:
        response = await port.client.post(
            f"{port.auth.api_url}/blueprints/entities/datasource-entities",
            json=body,
            headers=await port.auth.headers(agent),
            extensions={"retryable": True},
        )
        handle_port_status_code(response)
        page = response.json()
        for entity in page.get("entities", []):
            identifier = entity.get("identifier")
            if isinstance(identifier, str):  # a dict would be a search identifier: never stored
                held.setdefault(str(entity.get("blueprint")), set()).add(identifier)
        if not page.get("next"):
            return held
        body["from"] = page["next"]


def resync_started() -> str | None:
    """The running resync's start time, as Ocean passes it to its own reconciliation search."""
    started: Any = event.attributes.get("resync_start_time")
    return started.isoformat() if isinstance(started, datetime) else None
