"""Ocean's comparison search with a few requests in flight instead of one (issue 21, part 2).

Before upserting a batch, Ocean (0.56.2, `SyncRawMixin._register_resource_raw`) asks Port which
of the batch's entities it already holds unchanged, 50 identifiers a request, each request sent
after the previous one has answered (`_map_entities_compared_with_port`). Against a Port some
tens of milliseconds away, that chain is most of a large resync: 2,000 round trips for 100,000
entities. This mixin, on the integration class, sends the same requests — Ocean's own
`_fetch_entities_batch_from_port`, 50 identifiers each — up to `SEARCHES_IN_FLIGHT` at a time,
and hands their answers in order to Ocean's own `resolve_entities_diff`. So the entities
upserted are exactly those Ocean's order would upsert; only the waiting overlaps.

It overrides a method of Ocean's own mixin: there is no setting for this. What it relies on is
pinned by `tests/upserts/test_in_flight.py` (the method's signature, and that Ocean's batch
step calls it), so an Ocean upgrade that moves it fails the tests rather than silently falling
back to one request at a time. A batch that needs one request or fewer, one whose first entity
has search identifiers or relations (Ocean's own test: it upserts such a batch uncompared), and
`OCEAN_CUSTOM_CONCURRENT_PORT_CALLS=false` take Ocean's own method. A failed request fails the
comparison as in Ocean's order: Ocean then upserts the whole batch.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncGenerator, Awaitable, Callable
from functools import partial
from typing import Any

from port_ocean.clients.port.types import UserAgentType
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.integrations.mixins.sync_raw import SyncRawMixin
from port_ocean.core.models import Entity
from port_ocean.core.utils.utils import resolve_entities_diff

from upserts.in_flight import CONCURRENT_PORT_CALLS

IDENTIFIERS_PER_SEARCH = 50  # Ocean's (a constant inside its method, not a setting)
SEARCHES_IN_FLIGHT = 5  # as Ocean's ENTITIES_BULK_UPSERT_CONCURRENCY; Port allows 35,000 / 5 min


class ConcurrentComparison(SyncRawMixin):
    """Mixin for the integration class (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.concurrent_comparison = CONCURRENT_PORT_CALLS.enabled(os.environ)

    async def _map_entities_compared_with_port(
        self,
        entities: list[Entity],
        resource: ResourceConfig,
        user_agent_type: UserAgentType,
    ) -> list[Entity]:
        if (
            not self.concurrent_comparison
            or len(entities) <= IDENTIFIERS_PER_SEARCH
            # Ocean's own test, on the first entity: such a batch is upserted uncompared
            or entities[0].is_using_search_identifier
            or entities[0].is_using_search_relation
        ):
            return await super()._map_entities_compared_with_port(
                entities, resource, user_agent_type
            )
        chunks = [
            entities[start : start + IDENTIFIERS_PER_SEARCH]
            for start in range(0, len(entities), IDENTIFIERS_PER_SEARCH)
        ]
        answers = await in_order(
            [partial(self._fetch_entities_batch_from_port, c, resource, user_agent_type)
             for c in chunks],
            SEARCHES_IN_FLIGHT,
        )  # fmt: skip
        return await resolve_entities_diff(entities, _one_by_one(answers))


async def in_order[T](calls: list[Callable[[], Awaitable[T]]], in_flight: int) -> list[T]:
    """Every call's result, in order, at most `in_flight` running at once; the first failure
    cancels the rest and is raised (a call not started by then is never made)."""
    slots = asyncio.Semaphore(in_flight)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with slots:
            return await call()

    tasks = [asyncio.ensure_future(one(call)) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()


async def _one_by_one(answers: list[list[Entity]]) -> AsyncGenerator[list[Entity], None]:
    for answer in answers:
        yield answer
