"""The record of what Port refused in the running resync, per resource and blueprint.

It lives in the attributes of the resync's event (Ocean's event context): the applier, which sees
Port's answers, and the resync handler, which raises, share it without module state, and it ends
with its resync. Port's words are kept raw and few (`KEPT_ANSWERS` distinct ones per blueprint,
`KEPT_IDENTIFIERS` identifiers): `check.py` masks them before they reach a message.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from port_ocean.context.event import EventType, event
from port_ocean.context.resource import resource
from port_ocean.exceptions.context import EventContextNotFoundError, ResourceContextNotFoundError

from upserts.answers import PortAnswer, Refusal

KEPT_ANSWERS = 3
KEPT_IDENTIFIERS = 5
# The runs that upsert through the resync handler: a full resync and an incremental run.
SYNC_EVENTS = (EventType.RESYNC, EventType.INCREMENTAL_RESYNC)
_ATTRIBUTE = "ocean_custom_port_refusals"


@dataclass
class BlueprintRefusals:
    """What one resource sent Port for one blueprint in this resync, and what Port refused."""

    sent: int = 0
    refused: int = 0
    identifiers: list[str] = field(default_factory=list)
    answers: Counter[PortAnswer] = field(default_factory=Counter)  # → entities refused so
    unquoted: int = 0  # entities refused with words beyond the KEPT_ANSWERS kept

    def add_sent(self, sent: int, refused: int, identifiers: list[str]) -> None:
        self.sent += sent
        self.refused += refused
        room = KEPT_IDENTIFIERS - len(self.identifiers)
        self.identifiers.extend(identifiers[: max(room, 0)])

    def add_answer(self, answer: PortAnswer, entities: int) -> None:
        if answer in self.answers or len(self.answers) < KEPT_ANSWERS:
            self.answers[answer] += entities
        else:
            self.unquoted += entities


@dataclass
class Ledger:
    """resource index → blueprint → refusals, for one resync."""

    resources: dict[int, dict[str, BlueprintRefusals]] = field(default_factory=dict)

    def of(self, index: int, blueprint: str) -> BlueprintRefusals:
        return self.resources.setdefault(index, {}).setdefault(blueprint, BlueprintRefusals())

    def refused_by(self, index: int) -> dict[str, BlueprintRefusals]:
        """The blueprints of resource `index` of which Port refused entities."""
        kept = self.resources.get(index, {})
        return {blueprint: record for blueprint, record in kept.items() if record.refused}


def record_batch(
    ledger: Ledger,
    index: int,
    sent: dict[str, int],
    refused: dict[str, list[str]],
    heard: list[Refusal],
) -> None:
    """One upsert call of resource `index`: entities sent per blueprint, those Ocean did not get
    back as accepted (identifiers; a search identifier as ''), and the refusals Port answered.

    Per blueprint, the refused count is the larger of the two views: Ocean's (what its
    reconciliation will believe) and Port's answers (which see a refusal Ocean reads as a
    success, e.g. an error answer to a one-by-one upsert after a 413)."""
    answered: Counter[str] = Counter()
    for refusal in heard:
        answered[refusal.blueprint] += refusal.entities
        ledger.of(index, refusal.blueprint).add_answer(refusal.answer, refusal.entities)
    for blueprint in sent.keys() | answered.keys():
        missing = refused.get(blueprint, [])
        count = max(len(missing), answered[blueprint])
        named = [identifier for identifier in missing if identifier]
        ledger.of(index, blueprint).add_sent(sent.get(blueprint, 0), count, named)


def sync_event() -> Any:
    """The running full or incremental resync's event context (a live event's parent resync
    counts); None outside one."""
    try:
        current: Any = event if event.event_type else None
    except EventContextNotFoundError:
        return None
    while current is not None and current.event_type not in SYNC_EVENTS:
        current = current.parent
    return current


def current_ledger() -> Ledger | None:
    """The running resync's ledger (made on first use); None outside a resync. An incremental
    run has one too: a refused entity must not let its kind succeed and move the cursor past
    the change that was never written."""
    current = sync_event()
    if current is None:
        return None
    ledger = current.attributes.setdefault(_ATTRIBUTE, Ledger())
    return ledger if isinstance(ledger, Ledger) else None


def resync_resource_index() -> int | None:
    """The running resource's index in a full or incremental resync; None elsewhere (live
    events, probes)."""
    try:
        if event.event_type not in SYNC_EVENTS:
            return None
        return resource.index
    except (EventContextNotFoundError, ResourceContextNotFoundError):
        return None
