"""`PageEntityProcessor`: Ocean's `JQEntityProcessor`, mapping a page with one jq program.

Ocean's processor forks a process pool per batch and evaluates every expression of every item
on its own; most of a large resync is spent there. This subclass evaluates the page's selector
and mapping in one program (`page_program.py`) and then applies Ocean's rules item by item:

- `selector.query` must yield boolean `true`; any other first result (an error, no output, a
  non-boolean) is handed to Ocean's own per-item functions, which raise and record it exactly
  as Ocean does (the error, twice when the mapping has nested objects, as Ocean's two paths
  each report it);
- each field takes its expression's first output; no output or null gives null and a
  misconfiguration (path → expression); an error gives null, Ocean's own warning (its search
  is re-run for that one field) and the misconfiguration;
- an entity is kept only with a truthy identifier and blueprint, then `Entity.parse_obj`, with
  the same failed/filtered counts, the same summary warnings and required-field levels
  (`entities.py` skips pydantic's validation only where it would change nothing).

A mapping the program cannot reproduce (search identifiers or relations, non-string values,
expressions `page_program.unsupported` names), a program that does not compile and a page jq
cannot take go through Ocean's own `_parse_items`, counted per resource and logged at debug.
`itemsToParse` is expanded by Ocean before items reach a processor, with the `_search` this
class inherits unchanged.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

from loguru import logger
from port_ocean.context.ocean import ocean
from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor
from port_ocean.core.handlers.entity_processor.jq_entity_processor_sync import (
    JQEntityProcessorSync,
)
from port_ocean.core.handlers.entity_processor.models import MappedEntity
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.models import Entity
from port_ocean.core.ocean_types import RAW_ITEM, CalculationResult, EntitySelectorDiff

from entity_mapping.entities import entity_from_mapping
from entity_mapping.page_program import PageProgram, unsupported
from entity_mapping.switch import fast_mapping_enabled

ItemResult = tuple[list[MappedEntity], list[Exception]]


class _Plan:
    """What one resource's mapping needs: the program, or why Ocean's path maps it."""

    def __init__(
        self, program: PageProgram | None, reason: str, mappings: dict[str, Any], nested: Any
    ) -> None:
        self.program, self.reason = program, reason
        self.mappings = mappings  # Ocean's raw mappings (`dict(exclude_unset=True)`)
        self.nested = nested  # what Ocean's second (async) path evaluates: nested objects


class PageEntityProcessor(JQEntityProcessor):
    """Ocean's entity processor with a page-at-a-time fast path (module docstring)."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.enabled = fast_mapping_enabled(os.environ)
        self._plans: dict[tuple[str, str, bool, bool], _Plan] = {}
        self.fallback_pages: Counter[str] = Counter()

    async def _parse_items(
        self, mapping: ResourceConfig, raw_results: list[RAW_ITEM], parse_all: bool = False
    ) -> CalculationResult:
        if not self.enabled:
            return await super()._parse_items(mapping, raw_results, parse_all)
        plan = await self._plan(mapping, parse_all)
        rows: list[list[Any]] | None = None
        reason = plan.reason
        if plan.program is not None:
            try:
                rows = plan.program.rows(raw_results)
            # Whatever jq makes of the page as a whole, Ocean's path maps it item by item.
            except Exception as error:  # noqa: BLE001
                reason = f"jq could not take the page ({type(error).__name__}: {error})"
        if rows is None:
            self._note_fallback(mapping.kind, reason)
            return await super()._parse_items(mapping, raw_results, parse_all)
        logger.info(f"Parsing {len(raw_results)} raw results into entities")
        logger.debug(f"Mapping {len(raw_results)} items of {mapping.kind} with one jq program")
        mapped, errors = await self._map_rows(plan, mapping, raw_results, rows, parse_all)
        logger.debug(
            f"Finished parsing raw results into entities with {len(errors)} errors. "
            f"errors: {errors}"
        )
        return await self._result(mapping, mapped, errors)

    def _note_fallback(self, kind: str, reason: str) -> None:
        self.fallback_pages[kind] += 1
        logger.debug(
            f"Mapping a page of {kind} through Ocean's per-item path "
            f"({self.fallback_pages[kind]} so far for this resource): {reason}"
        )

    async def _plan(self, mapping: ResourceConfig, parse_all: bool) -> _Plan:
        mappings: dict[str, Any] = mapping.port.entity.mappings.dict(exclude_unset=True)
        query = mapping.selector.query
        env_access = bool(ocean.config.allow_environment_variables_jq_access)
        key = (query, json.dumps(mappings, default=repr), parse_all, env_access)
        if (plan := self._plans.get(key)) is None:
            plan = self._plans[key] = await self._new_plan(query, mappings, parse_all, env_access)
        return plan

    async def _new_plan(
        self, query: str, mappings: dict[str, Any], parse_all: bool, env_access: bool
    ) -> _Plan:
        # Ocean's own split: a value it cannot compile goes to its second (async) path.
        ready, nested = await self.separate_compileable_and_uncompileable_patterns_and_warmup_cache(
            mappings, [query]
        )
        reason = unsupported(mappings, query)
        if reason is None and _has_value(nested):
            reason = "an expression Ocean cannot compile"
        if reason is not None:
            return _Plan(None, reason, mappings, nested)
        try:
            program = PageProgram.build(query, ready, parse_all, env_access, self._format_filter)
        except ValueError as error:
            return _Plan(None, f"the page program does not compile: {error}", mappings, nested)
        return _Plan(program, "", mappings, nested)

    async def _map_rows(
        self,
        plan: _Plan,
        mapping: ResourceConfig,
        items: list[RAW_ITEM],
        rows: list[list[Any]],
        parse_all: bool,
    ) -> ItemResult:
        mapped: list[MappedEntity] = []
        errors: list[Exception] = []
        assert plan.program is not None
        for item, row in zip(items, rows, strict=True):
            selector = row[0]
            if isinstance(selector, list) and len(selector) == 1 and type(selector[0]) is bool:
                passed = selector[0]
                if parse_all or passed:
                    misconfigured: dict[str, str] = {}
                    entity = _entity(plan.program.shape, iter(row[1:]), item, misconfigured)
                    mapped.append(MappedEntity(entity, passed, misconfigured))
                else:
                    mapped.append(MappedEntity())
                continue
            entities, item_errors = await self._ocean_item(plan, mapping, item, parse_all)
            mapped.extend(entities)
            errors.extend(item_errors)
        return mapped, errors

    async def _ocean_item(
        self, plan: _Plan, mapping: ResourceConfig, item: RAW_ITEM, parse_all: bool
    ) -> ItemResult:
        """An item whose selector gave no boolean: Ocean's own functions on it, both paths
        Ocean runs (the second only when the mapping has nested objects), merged as Ocean
        merges them."""
        query = mapping.selector.query
        first: ItemResult
        try:
            first = (
                [JQEntityProcessorSync._get_mapped_entity(item, plan.mappings, query, parse_all)],
                [],
            )
        except Exception as error:  # noqa: BLE001 - as Ocean's worker: the item's error
            first = ([], [error])
        if not plan.nested:
            return self.merge_results(([first], []), ([], []), [item])
        second = await self._calculate_entity(item, plan.nested, query, parse_all)
        return self.merge_results(([first], []), ([second], []), [item])

    async def _result(
        self, mapping: ResourceConfig, mapped: list[MappedEntity], errors: list[Exception]
    ) -> CalculationResult:
        """Ocean's tail of `_parse_items`: keep, count, warn, record."""
        passed: list[Entity] = []
        failed: list[Entity] = []
        misconfigured: dict[str, str] = {}
        skipped = 0
        for result in mapped:
            if result.misconfigurations:
                misconfigured |= result.misconfigurations
            if result.entity.get("identifier") and result.entity.get("blueprint"):
                entity = entity_from_mapping(result.entity)
                (passed if result.did_entity_pass_selector else failed).append(entity)
            else:
                skipped += 1
        required = await self._resolve_required_fields(mapping, misconfigured)
        self._notify_mapping_issues(misconfigured, skipped > 0, skipped, required)
        return CalculationResult(
            EntitySelectorDiff(passed=passed, failed=failed),
            errors,
            misconfigured_entity_keys=misconfigured,
        )


def _has_value(nested: dict[str, Any]) -> bool:
    """Whether Ocean's uncompileable part holds an expression, not only empty objects."""
    return any(not isinstance(v, dict) or _has_value(v) for v in nested.values())


def _entity(
    shape: dict[str, Any],
    cells: Iterator[Any],
    item: RAW_ITEM,
    misconfigured: dict[str, str],
    path: str = "",
) -> dict[str, Any]:
    """The entity Ocean builds from one item's cells (`page_program` says what a cell is),
    walking the mapping as Ocean does (an empty `relations: {}` stays an empty object)."""
    entity: dict[str, Any] = {}
    for key, expression in shape.items():
        current = f"{path}.{key}" if path else key
        if isinstance(expression, dict):
            entity[key] = _entity(expression, cells, item, misconfigured, current)
            continue
        cell = next(cells)
        if cell is None:  # an error: Ocean's own search logs its warning and answers
            value = JQEntityProcessorSync._search(item, expression, field=current)
        else:
            value = cell[0] if cell else None
        entity[key] = value
        if value is None:
            misconfigured[current] = expression
    return entity
