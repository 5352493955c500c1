"""A resource's upserts in flight while Ocean maps and compares the next batch (issue 21).

Ocean handles each batch the resync handler yields in three steps, one after another: map it,
search Port for its identifiers (the comparison), upsert what changed — and only then asks for
the next batch. The applier (`applier.py`) lets the upserts of batch *k* run in the background
instead, so Ocean maps and searches batch *k + 1* meanwhile. What Ocean's order guaranteed stays
guaranteed:

- **Writes keep their order.** A resource's upserts run one batch after another (a chain), and
  a resource's last upsert has finished before its kind ends (`check.py` settles them), so the
  next kind — which may write the same entities — starts after them, as before.
- **The comparison sees every earlier write of the same entity.** When a batch maps an entity
  whose upsert is still in flight (an identifier repeated across pages), its mapping waits for
  those upserts before Ocean searches Port for it (`WaitsForUpserts`), so "unchanged since the
  last write" is judged against that write, as in Ocean's order.
- **Nothing is deleted on a guess.** A kind ends only after its upserts have finished and Port's
  answers are in the ledger; one that raised fails the kind, and the next upsert after a failure
  raises at once (Ocean then stops the kind, as when its own upsert raises).

`OCEAN_CUSTOM_CONCURRENT_PORT_CALLS=false` runs each upsert before Ocean goes on, as Ocean does
(and turns off the concurrent comparison search, `comparison.py`).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from loguru import logger
from port_ocean.core.handlers.entity_processor.base import BaseEntityProcessor
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.models import Entity
from port_ocean.core.ocean_types import RAW_ITEM, CalculationResult

from core.errors import OceanCustomError
from core.switches import Switch
from upserts.ledger import resync_resource_index, sync_event

CONCURRENT_PORT_CALLS = Switch(
    "OCEAN_CUSTOM_CONCURRENT_PORT_CALLS",
    on="upsert a batch while Ocean maps and compares the next, and compare with several "
    "searches in flight",
    off="Ocean's order: one comparison search at a time, each upsert finished before Ocean goes on",
)
_ATTRIBUTE = "ocean_custom_upserts_in_flight"
BATCHES_IN_FLIGHT = 2  # the batch Port is writing and the next one, waiting behind it
Key = tuple[str, str]


class UpsertFailedError(OceanCustomError):
    """An upsert that ran in the background raised; re-raised where Ocean's own would have."""


class InFlight:
    """One resource's upserts of one resync: a chain of background tasks, in order."""

    def __init__(self, index: int) -> None:
        self.index = index  # the resource's, in the resync's mapping
        self._tasks: list[asyncio.Task[None]] = []  # started and not ended, oldest first
        self._keys: Counter[Key] = Counter()  # entities whose upsert has not ended, only those
        self.failure: Exception | None = None

    async def start(self, entities: list[Entity], upsert: Callable[[], Awaitable[Any]]) -> None:
        """Run `upsert` after every upsert started before it. While `BATCHES_IN_FLIGHT` are
        already, wait for the oldest: Ocean runs at most that far ahead of Port, and memory
        holds at most that many batches."""
        while len(self._tasks) >= BATCHES_IN_FLIGHT:
            await asyncio.wait([self._tasks[0]])
        previous = self._tasks[-1] if self._tasks else None
        keys = [_key(entity) for entity in entities]
        self._keys.update(keys)

        async def run() -> None:
            try:
                if previous is not None:
                    await asyncio.wait([previous])
                if self.failure is None:
                    await upsert()
            except Exception as error:  # noqa: BLE001  kept; raised by the next upsert or check.py
                if self.failure is None:
                    self.failure = error
            finally:
                self._release(keys)

        task = asyncio.create_task(run())
        self._tasks.append(task)
        task.add_done_callback(self._tasks.remove)

    def _release(self, keys: list[Key]) -> None:
        for key in keys:
            self._keys[key] -= 1
            if self._keys[key] <= 0:
                del self._keys[key]

    def waits_for(self, entities: Iterable[Entity]) -> bool:
        return any(self._keys[_key(entity)] > 0 for entity in entities)

    async def finished(self) -> None:
        """Wait until every upsert started has ended (its outcome is in `failure`)."""
        while self._tasks:
            await asyncio.wait([self._tasks[-1]])

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()


def overlapping() -> InFlight | None:
    """The running resource's chain (empty while the applier's switch is off); None outside a
    full or incremental resync."""
    index = resync_resource_index()
    event = sync_event()
    if index is None or event is None:
        return None
    chains = event.attributes.setdefault(_ATTRIBUTE, {})
    chain = chains.get(index)
    if not isinstance(chain, InFlight):
        chain = chains[index] = InFlight(index)
        event.on_abort(chain.cancel)  # a resync aborted (a newer one started) writes no more
    return chain


def _key(entity: Entity) -> Key:
    return (str(entity.blueprint), str(entity.identifier))


class WaitsForUpserts(BaseEntityProcessor):
    """Mixin for the entity processor: a batch that maps an entity still being upserted waits
    for that upsert before Ocean's comparison search reads Port."""

    async def parse_items(
        self, mapping: ResourceConfig, raw_data: list[RAW_ITEM], parse_all: bool = False
    ) -> CalculationResult:
        result = await super().parse_items(mapping, raw_data, parse_all)
        chain = overlapping()
        if chain is not None and chain.waits_for(result.entity_selector_diff.passed):
            logger.debug(
                f"[{mapping.kind}] this batch maps entities whose upsert is still in flight: "
                "waiting for it before Ocean compares the batch with Port"
            )
            await chain.finished()
        return result
