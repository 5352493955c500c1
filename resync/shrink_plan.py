"""The shrink guard's rules, pure: which resources feed which blueprint, when a blueprint's count
is complete, and whether what a run produced would delete too much of what Port holds.

Port's entities carry their blueprint, not the resource that made them, so the guard compares
per **blueprint**: what this installation holds in Port against what *all* resources feeding it
produced in this resync. Ocean runs resources one after another in mapping order, so:

- a resource whose `blueprint` mapping is a constant (`'"service"'`) feeds that blueprint;
  two resources with one blueprint (or one kind twice) are counted together;
- a resource with a computed blueprint (`.type`) may feed any blueprint: its entities are
  counted under the blueprint each maps to, and every check waits until it has run;
- a blueprint is checked once its last feeder (and every computed-blueprint resource) has run;
- a blueprint only computed-blueprint resources feed is not checked: its entities cannot be told
  from those of a resource removed from the mapping, whose deletion is wanted;
- a resource whose identifier is a search query cannot be keyed; its blueprint is not checked
  (and, when its blueprint is computed too, no blueprint is).

The share allowed is `maxDeletionShare` (a percentage, 0-100, default 50) or, for a blueprint,
the highest `selector.max_deletion_share` among its feeders. A run that produced fewer entities
of a blueprint than Port holds, and whose deletion would take more than that share of them,
fails; 100 turns the guard off; 0 lets no shrinking run delete anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from selector_checks.entity_keys import constant_blueprint

OFF = 100.0
SETTING = "maxDeletionShare"
OVERRIDE = "selector.max_deletion_share"


@dataclass(frozen=True)
class BlueprintPlan:
    blueprint: str
    feeders: tuple[int, ...]  # resource indexes whose blueprint mapping is this constant
    check_after: int  # the resource index after which every entity of it has been produced
    threshold: float  # percent of held entities a run may delete
    overridden: bool  # threshold comes from a feeder's selector.max_deletion_share


@dataclass(frozen=True)
class GuardPlan:
    blueprints: dict[str, BlueprintPlan]
    counted: frozenset[int]  # resource indexes whose entities are counted
    notes: tuple[str, ...] = ()  # what is not guarded, and why (logged once per resync)

    @classmethod
    def of(cls, resources: Sequence[Any], share: float) -> GuardPlan:
        """The plan for a mapping's `resources` (EndpointResourceConfig, in mapping order)."""
        feeds = _Feeds.of(resources)
        if not feeds.countable:
            return cls({}, frozenset(), tuple(feeds.notes))
        last_computed = max(feeds.computed, default=-1)
        plans = {}
        for blueprint, indexes in feeds.feeders.items():
            threshold, overridden = _threshold(resources, indexes, share)
            if blueprint in feeds.unkeyed or threshold >= OFF:
                continue
            check_after = max(max(indexes), last_computed)
            plans[blueprint] = BlueprintPlan(
                blueprint, tuple(indexes), check_after, threshold, overridden
            )
        counted = {i for plan in plans.values() for i in plan.feeders}
        if plans:
            counted.update(feeds.computed)
        return cls(plans, frozenset(counted), tuple(feeds.notes))

    def due_after(self, index: int) -> list[BlueprintPlan]:
        return [plan for plan in self.blueprints.values() if plan.check_after == index]


@dataclass
class _Feeds:
    """Which resources feed which constant blueprint, and which compute theirs."""

    feeders: dict[str, list[int]] = field(default_factory=dict)
    computed: list[int] = field(default_factory=list)
    unkeyed: set[str] = field(default_factory=set)  # blueprints fed through a search identifier
    notes: list[str] = field(default_factory=list)
    countable: bool = True  # False: some entities can be neither keyed nor put in a blueprint

    @classmethod
    def of(cls, resources: Sequence[Any]) -> _Feeds:
        feeds = cls()
        for index, resource in enumerate(resources):
            mappings, where = resource.port.entity.mappings, f"resource #{index} ({resource.kind})"
            blueprint = constant_blueprint(mappings.blueprint)
            keyed = isinstance(mappings.identifier, str)
            if blueprint is None and not keyed:
                feeds.countable = False
                feeds.notes.append(
                    f"{where} computes its blueprint and maps a search identifier: its "
                    "entities cannot be counted, so no blueprint is guarded"
                )
            elif blueprint is None:
                feeds.computed.append(index)
                feeds.notes.append(
                    f"{where} computes its blueprint: its entities count toward the blueprint "
                    "each maps to; a blueprint only such resources feed is not guarded"
                )
            else:
                feeds.feeders.setdefault(blueprint, []).append(index)
                if not keyed:
                    feeds.unkeyed.add(blueprint)
                    feeds.notes.append(
                        f"blueprint '{blueprint}' is not guarded: {where} maps a search identifier"
                    )
        return feeds


def _threshold(resources: Sequence[Any], indexes: list[int], share: float) -> tuple[float, bool]:
    overrides = [
        resources[i].selector.max_deletion_share
        for i in indexes
        if resources[i].selector.max_deletion_share is not None
    ]
    return (float(max(overrides)), True) if overrides else (share, False)


@dataclass(frozen=True)
class Verdict:
    plan: BlueprintPlan
    held: int
    produced: int  # distinct entities of the blueprint this run produced
    to_delete: int  # held entities this run did not produce: what Ocean would delete

    @property
    def share(self) -> float:
        return 100.0 * self.to_delete / self.held if self.held else 0.0

    @property
    def blocked(self) -> bool:
        """The blueprint shrank (fewer entities than Port holds) and more than the allowed share
        of Port's would go. A first sync (nothing held) never is; nor is a run that produced at
        least as many as Port holds: that is growth or a replacement (a changed identifier
        mapping), not an endpoint that stopped early."""
        shrank = self.produced < self.held
        return shrank and self.share > self.plan.threshold


def judge(plan: BlueprintPlan, held: set[str], produced: set[str]) -> Verdict:
    return Verdict(plan, len(held), len(produced), len(held - produced))


@dataclass
class FeederRun:
    """What one resource did in this resync, for the guard's message."""

    where: str  # "#0 GET /api/users"
    items: int = 0  # raw items the handler yielded
    entities: int = 0  # entities they map to (all blueprints)
    stops: Counter[str] = field(default_factory=Counter)  # endpoint runs per stop reason


def describe(verdict: Verdict, runs: Sequence[FeederRun]) -> str:
    """The failure message: the numbers, why each feeder's pagination stopped, what to set."""
    plan = verdict.plan
    allowed = (
        f"{OVERRIDE}: {plan.threshold:g} on its resource"
        if plan.overridden
        else f"{SETTING}={plan.threshold:g}"
    )
    fed = "; ".join(_feeder_text(run) for run in runs)
    unmapped = [run.where for run in runs if run.items and not run.entities]
    hint = (
        f" Resource {', '.join(unmapped)} fetched items but mapped none of them: check its "
        "port.entity.mappings identifier (null drops an entity) and selector.query."
        if unmapped
        else ""
    )
    return (
        f"Shrink guard: blueprint '{plan.blueprint}' would lose {verdict.to_delete} of the "
        f"{verdict.held} entities Port holds from this installation ({verdict.share:.0f}%), "
        f"more than {allowed} allows: this run produced {verdict.produced}. The items "
        "fetched are upserted, and this resync is reported failed so that Ocean deletes "
        f"nothing. Fetched by {fed}. If the source really shrank, allow it by setting "
        f"{OVERRIDE} on the resource (e.g. 100 for one resync) or raising the connection "
        f"setting {SETTING} (0-100 percent; 100 turns the guard off).{hint}"
    )


def _feeder_text(run: FeederRun) -> str:
    runs = run.stops.total()
    if not runs:
        stopped = "no endpoint run finished"
    elif runs == 1:
        stopped = f"pagination stopped: {next(iter(run.stops))}"
    else:  # a fan-out: one run per parent
        stopped = f"{runs} endpoint runs, stopped: " + ", ".join(
            f"{reason} (x{count})" for reason, count in run.stops.most_common()
        )
    return f"resource {run.where}: {run.items} items, {run.entities} entities, {stopped}"
