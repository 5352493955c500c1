"""The entity-state applier the integration class sets (`EntitiesStateApplierClass`): Ocean's
own, recording what Port refused.

Every batch Ocean upserts in a resync goes through `upsert` — after its comparison search, and in
the fallback it takes when that search fails — which answers with the entities Port accepted.
Ocean continues past the rest; in the fallback its reconciliation then deletes them as gone.
This applier records, for the running resource, how many entities of each blueprint Port
refused (Ocean's answer) and what Port said (Port's answers, heard through an httpx response
hook on Ocean's Port client while this upsert runs). `check.py` fails the resource on it.

It also hands the refused entities back with the accepted ones (reduced to blueprint and
identifier, as Ocean reduces the accepted ones), so that no reconciliation that runs after them
deletes them, whatever else fails: a refused entity is never "gone".
"""

from __future__ import annotations

import os
from collections import Counter
from contextvars import ContextVar
from typing import Any

import httpx
from loguru import logger
from port_ocean.clients.port.types import UserAgentType
from port_ocean.core.handlers import HttpEntitiesStateApplier
from port_ocean.core.models import Entity

from upserts.answers import Refusal, entity_write, refusals_in
from upserts.in_flight import CONCURRENT_PORT_CALLS, UpsertFailedError, overlapping
from upserts.ledger import current_ledger, record_batch

# Port's refusals heard during the running `upsert` (the tasks Ocean spawns inherit it).
_heard: ContextVar[list[Refusal] | None] = ContextVar("ocean_custom_port_refusals", default=None)


class RefusalRecordingApplier(HttpEntitiesStateApplier):
    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.overlap = CONCURRENT_PORT_CALLS.enabled(os.environ)  # a bad value stops the start

    async def upsert(self, entities: list[Entity], user_agent_type: UserAgentType) -> list[Entity]:
        chain = overlapping()  # None outside a full or incremental resync
        if chain is None or not entities:
            return await super().upsert(entities, user_agent_type)
        if chain.failure is not None:
            raise UpsertFailedError(
                f"An earlier upsert of this resource to Port failed "
                f"({type(chain.failure).__name__}); the kind fails, nothing is deleted"
            ) from chain.failure
        index = chain.index
        if not self.overlap or any(_searched(entity.identifier) for entity in entities):
            # Ocean's order: this upsert ends before Ocean goes on (a search identifier's
            # entity comes back under the identifier Port resolves, known only then).
            await chain.finished()
            return await self._recorded(index, entities, user_agent_type)
        await chain.start(entities, lambda: self._recorded(index, entities, user_agent_type))
        # What Ocean's own upsert answers when Port takes every entity. Ocean keeps it only when
        # its comparison search failed, as the entities its reconciliation keeps; the kind ends
        # after this upsert has, and fails when Port refused any (`check.py`).
        return [_reduced(entity) for entity in entities]

    async def _recorded(
        self, index: int, entities: list[Entity], user_agent_type: UserAgentType
    ) -> list[Entity]:
        """Ocean's upsert, with what Port refused recorded in the resync's ledger."""
        _listen(self.context.port_client.client)
        heard: list[Refusal] = []
        token = _heard.set(heard)
        try:
            accepted = await super().upsert(entities, user_agent_type)
        finally:
            _heard.reset(token)
        refused = _not_accepted(entities, accepted)
        sent = Counter(str(entity.blueprint) for entity in entities)
        missing: dict[str, list[str]] = {}
        for entity in refused:
            identifier = "" if _searched(entity.identifier) else str(entity.identifier)
            missing.setdefault(str(entity.blueprint), []).append(identifier)
        ledger = current_ledger()
        if ledger is not None:
            record_batch(ledger, index, dict(sent), missing, heard)
        kept = [
            _reduced(entity)
            for entity in refused
            if not _searched(entity.identifier)  # a search identifier: Port's is unknown
        ]
        return [*accepted, *kept]


def _reduced(entity: Entity) -> Entity:
    """An entity as Ocean's reconciliation keeps it: its blueprint and identifier."""
    return Entity(identifier=entity.identifier, blueprint=entity.blueprint, icon=None, title=None)


def _not_accepted(entities: list[Entity], accepted: list[Entity]) -> list[Entity]:
    """The entities Ocean did not get back as accepted. Accepted ones come back under their
    (blueprint, identifier) — a number as text when Port made it one, so identifiers are
    compared as text; one with a search identifier (an object) comes back under the identifier
    Port resolved, so those are matched by count per blueprint."""
    keys = Counter(
        (str(e.blueprint), str(e.identifier)) for e in accepted if not _searched(e.identifier)
    )
    refused: list[Entity] = []
    searched: dict[str, list[Entity]] = {}
    for entity in entities:
        key = (str(entity.blueprint), str(entity.identifier))
        if _searched(entity.identifier):
            searched.setdefault(key[0], []).append(entity)
        elif keys[key] > 0:
            keys[key] -= 1
        else:
            refused.append(entity)
    for blueprint, waiting in searched.items():
        resolved = sum(n for (bp, _), n in keys.items() if bp == blueprint)
        refused.extend(waiting[resolved:])
    return refused


def _searched(identifier: object) -> bool:
    """A search identifier (`{"combinator": ..., "rules": [...]}`), resolved by Port."""
    return isinstance(identifier, dict)


def _listen(client: httpx.AsyncClient) -> None:
    """Hear Port's answers on the client Ocean's Port client uses in this context (it may make
    one per context, so this is checked on every upsert)."""
    hooks = client.event_hooks["response"]
    if _hear not in hooks:
        hooks.append(_hear)


async def _hear(response: httpx.Response) -> None:
    heard = _heard.get()
    if heard is None or entity_write(response.request) is None:
        return
    try:
        await response.aread()
        heard.extend(refusals_in(response))
    except Exception as error:  # noqa: BLE001  never break Ocean's request over words we quote
        logger.debug(f"Could not read Port's answer to an entity upsert: {type(error).__name__}")
