"""Fail a resource whose entities Port refused, after its last batch and before any deletion.

Ocean maps and upserts each batch the resync handler yields before it asks for the next one, so
when `fail_on_refusals` resumes after the last batch, every entity of the resource has been
sent and Port's answers are in the ledger. Raising then fails the kind; Ocean's reconciliation,
which runs only after every kind, sees the error and deletes nothing — for any kind.

Port's words are masked (`redact`, by value) whole, and only then shortened: a cut before
masking could keep the start of a secret that straddles it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from port_ocean.context.resource import resource

from core.errors import OceanCustomError
from upserts.in_flight import UpsertFailedError, overlapping
from upserts.ledger import BlueprintRefusals, current_ledger

Items = list[dict[str, Any]]
WORDS_SHOWN = 300


class PortRefusedError(OceanCustomError):
    """Port refused entities this resync sent. Propagates out of the resync handler so that
    Ocean deletes nothing: its reconciliation would take the refused entities as gone."""


async def fail_on_refusals(
    pages: AsyncIterator[Items], redact: Callable[[str], str]
) -> AsyncIterator[Items]:
    """`pages`, unchanged; after the last one, once this resource's upserts still in flight
    have ended (`in_flight.py`), raises UpsertFailedError when one of them raised and
    PortRefusedError when Port refused any entity that this resource's batches produced."""
    chain = overlapping()
    try:
        async for items in pages:
            yield items
    except Exception:
        if chain is not None:  # the kind fails with this error; its writes end first
            await chain.finished()
        raise
    except BaseException:  # closed or cancelled: the resync is over
        if chain is not None:
            chain.cancel()
        raise
    if chain is not None:
        await chain.finished()
        if chain.failure is not None:
            raise UpsertFailedError(
                redact(
                    f"An upsert of resource #{resource.index} "
                    f"(kind {resource.resource_config.kind}) to Port failed: "
                    f"{type(chain.failure).__name__}: {chain.failure}. The resync fails so that "
                    "nothing is deleted; every entity is sent again at the next resync."
                )
            ) from chain.failure
    ledger = current_ledger()
    refused = ledger.refused_by(resource.index) if ledger is not None else {}
    if refused:
        where = redact(f"resource #{resource.index} (kind {resource.resource_config.kind})")
        raise PortRefusedError(describe(where, refused, redact))


def describe(
    where: str, refused: dict[str, BlueprintRefusals], redact: Callable[[str], str]
) -> str:
    parts = [_one_blueprint(blueprint, record, redact) for blueprint, record in refused.items()]
    return (
        f"Port refused entities that {where} sent: {' '.join(parts)} The resync fails so that "
        "nothing is deleted: Ocean would take refused entities as gone and delete them from "
        "Port (an incremental run keeps its cursor, to ask for them again). Fix what Port's "
        "answer names (the blueprint's schema or this resource's "
        "port.entity.mappings), or wait out a Port incident; every entity is sent again at "
        "the next resync."
    )


def _one_blueprint(blueprint: str, record: BlueprintRefusals, redact: Callable[[str], str]) -> str:
    named = ", ".join(redact(identifier) for identifier in record.identifiers)
    examples = f" (e.g. {named})" if named else ""
    answers = [
        f"HTTP {answer.status} for {_entities(count)}: {_shown(redact(answer.words))}"
        for answer, count in record.answers.most_common()
    ]
    if record.unquoted:
        answers.append(f"other answers for {_entities(record.unquoted)}")
    said = "; ".join(answers) if answers else "no answer was heard (the request itself failed)"
    return (
        f"{record.refused} of the {record.sent} entities of blueprint '{redact(blueprint)}' sent "
        f"to Port{examples}; Port said: {said}."
    )


def _shown(words: str) -> str:
    return words if len(words) <= WORDS_SHOWN else words[:WORDS_SHOWN] + "…"


def _entities(count: int) -> str:
    return f"{count} entity" if count == 1 else f"{count} entities"
