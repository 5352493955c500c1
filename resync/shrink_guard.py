"""The shrink guard (issue 14): a kind that suddenly produces far fewer entities than Port holds
fails, so that Ocean deletes nothing, whatever made its endpoint stop early.

Ocean deletes every entity a *completed* resync did not produce; its `entityDeletionThreshold`
looks at the whole installation at once, so one kind losing 60 % beside two healthy ones goes
through. Each known cause of a short run (an empty body, a stop flag read wrongly, a cursor that
matched nothing) is fixed on its own; this holds for the causes nobody has found yet.

`guard_shrink` wraps a resource's pages in `main.resync_endpoint`:
1. at the first resource of a resync, the plan (`resync/shrink_plan.py`) is made from the mapping
and
   Port is read once (`resync/port_holdings.py`): this installation's identifiers per blueprint;
2. every batch is handed on unchanged, after its entities are keyed
   (`selector_checks/entity_keys.py`);
3. after the last page (every batch is then mapped and upserted by Ocean), each blueprint whose
   last feeder this was is judged, and one that would lose too much raises `ShrinkGuardError`
   out of the handler: Ocean then reports the resync failed and skips its deletion.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from loguru import logger
from port_ocean.context.event import EventType, event
from port_ocean.context.ocean import ocean
from port_ocean.context.resource import resource

from connection.settings import ConnectionSettings
from core.errors import OceanCustomError
from integration import EndpointResourceConfig
from resync.port_holdings import Holdings, read_holdings, resync_started
from resync.shrink_plan import SETTING, FeederRun, GuardPlan, describe, judge
from selector_checks.entity_keys import KeyProgram, entity_keys, key_program

Items = list[dict[str, Any]]


class ShrinkGuardError(OceanCustomError):
    """A blueprint would lose more of its Port entities than allowed (or Port could not be
    read to tell). Propagates out of the resync so Ocean deletes nothing."""


@dataclass
class ResyncGuard:
    """The guard's state for one resync: the plan, Port's holdings and what each resource made."""

    resync_id: str
    plan: GuardPlan
    held: Holdings = field(default_factory=dict, repr=False)  # 100k ids: not in tracebacks
    port_error: str | None = None
    produced: dict[str, set[str]] = field(default_factory=dict, repr=False)
    runs: dict[int, FeederRun] = field(default_factory=dict)

    def judge_after(self, index: int) -> None:
        """Judge each blueprint complete after resource `index`; raise for the first too short."""
        for plan in self.plan.due_after(index):
            if self.port_error is not None:
                raise ShrinkGuardError(
                    f"Shrink guard: cannot tell whether blueprint '{plan.blueprint}' shrank: "
                    f"reading this installation's entities from Port failed "
                    f"({self.port_error}). Nothing is deleted in this resync; {SETTING}=100 "
                    "turns the guard off."
                )
            verdict = judge(
                plan, self.held.pop(plan.blueprint, set()), self.produced.pop(plan.blueprint, set())
            )
            if verdict.blocked:
                runs = [self.runs.get(i, FeederRun(f"#{i} (did not run)")) for i in plan.feeders]
                raise ShrinkGuardError(describe(verdict, runs))
            logger.info(
                f"Shrink guard: blueprint '{plan.blueprint}': Port held {verdict.held}, this run "
                f"produced {verdict.produced}, {verdict.to_delete} to delete "
                f"({verdict.share:.0f}%, allowed {plan.threshold:g}%)"
            )


_current: ResyncGuard | None = None


async def guard_shrink(
    pages: AsyncIterator[Items], connection: ConnectionSettings
) -> AsyncIterator[Items]:
    """`pages`, unchanged; raises ShrinkGuardError after the last one when a blueprint this
    resource completes would lose more than its allowed share of Port's entities."""
    guard = await _resync_guard(connection)
    if not guard.plan.blueprints:  # nothing guarded (guard off, or nothing countable)
        async for items in pages:
            yield items
        return
    index = resource.index
    config = cast(EndpointResourceConfig, resource.resource_config)
    run = guard.runs.setdefault(
        index, FeederRun(f"#{index} {config.selector.method} {config.kind}")
    )
    program = _program(config) if index in guard.plan.counted else None
    with _stop_reasons(run.stops, index):
        async for items in pages:
            run.items += len(items)
            if program is not None:
                for blueprint, identifier in entity_keys(program, items):
                    run.entities += 1
                    if blueprint in guard.plan.blueprints:
                        guard.produced.setdefault(blueprint, set()).add(identifier)
            yield items
    guard.judge_after(index)


async def _resync_guard(connection: ConnectionSettings) -> ResyncGuard:
    """This resync's guard, made (and Port read) at its first resource, before any upsert."""
    global _current
    resync_id = _resync_id()
    if _current is not None and _current.resync_id == resync_id:
        return _current
    try:
        resources = cast(list[EndpointResourceConfig], event.port_app_config.resources)
    except ValueError:  # no mapping on this event (not a resync): nothing to compare
        resources = []
    guard = ResyncGuard(resync_id, GuardPlan.of(resources, connection.max_deletion_share))
    for note in guard.plan.notes:
        logger.info(f"Shrink guard: {note}")
    if guard.plan.blueprints:
        try:
            held = await read_holdings(resync_started())
        except Exception as error:  # noqa: BLE001  any failure: judged (and raised) per blueprint
            guard.port_error = f"{type(error).__name__}: {error}"
        else:  # only the guarded blueprints' identifiers are kept
            guard.held = {bp: held[bp] for bp in guard.plan.blueprints if bp in held}
    _current = guard
    return guard


def _program(config: EndpointResourceConfig) -> KeyProgram | None:
    allow_env = bool(ocean.config.allow_environment_variables_jq_access)
    return key_program(config.port, config.selector.query, allow_env)


def _resync_id() -> str:
    current: Any = event
    while current is not None and current.event_type != EventType.RESYNC:
        current = current.parent
    return str((current or event).id)


@contextmanager
def _stop_reasons(into: Counter[str], index: int) -> Iterator[None]:
    """Collect the stop reason of each endpoint run's finish line (`fetching/endpoint_run.py`)
    logged while resource `index` runs (Ocean binds `index` to every line of a resource)."""

    def wanted(record: Any) -> bool:
        extra = record["extra"]
        return "endpoint_run" in extra and extra.get("index", index) == index

    def count(message: Any) -> None:
        into[str(message.record["extra"]["endpoint_run"]["stop_reason"])] += 1

    sink = logger.add(
        count,
        level="DEBUG",
        filter=wanted,
        format="{message}",
    )
    try:
        yield
    finally:
        logger.remove(sink)
