"""Which items Ocean's mapping dropped, and why.

Ocean maps a whole page at once and only counts what it skipped (a null or empty identifier
or blueprint) in a log line. To name the items, the batch is split in halves and each half
mapped again with Ocean's own `parse_items` until single failing items remain: a few calls
per failure instead of one per item (each call forks Ocean's mapping workers). The reason
is then explained by evaluating the failing expression with jq, the library Ocean uses.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from preview.model import MappingFailure, ResourceReport
from selector_checks.jq_expressions import compile_mapping_jq

# parse_items(mapping, items, parse_all) -> CalculationResult, Ocean's entity processor.
ParseItems = Callable[[Any, list[dict[str, Any]], bool], Awaitable[Any]]
REQUIRED = ("identifier", "blueprint")
MAX_DIAGNOSED = 10  # per resource: enough to see the pattern, bounded in mapping calls


def evaluate(expression: str, item: Any) -> tuple[bool, Any]:
    """(True, first output) or (False, jq's error text)."""
    try:
        return True, compile_mapping_jq(expression).input_value(item).first()
    except StopIteration:
        return True, None  # no output: Ocean reads it as null
    except ValueError as error:
        return False, str(error)


def explain(expression: str, item: Any) -> str:
    ok, value = evaluate(expression, item)
    return f"`{expression}` evaluated to {json.dumps(value)}" if ok else f"jq error: {value}"


async def diagnose(
    parse: ParseItems,
    mapping: Any,
    items: list[dict[str, Any]],
    result: Any,
    report: ResourceReport,
) -> None:
    """Record filtered-out items, mapping failures with reasons, and fields that were null."""
    candidates: list[dict[str, Any]] = []
    for item in items:
        ok, value = evaluate(mapping.selector.query, item)
        if ok and value is True:
            candidates.append(item)
        elif ok and value is False:
            report.filtered_out += 1
        else:
            shown = f"it returned {json.dumps(value)}" if ok else f"jq error: {value}"
            _add_failure(report, item, f"selector.query must return true or false: {shown}")
    _note_null_fields(report, items, result.misconfigured_entity_keys)
    missing = len(candidates) - len(result.entity_selector_diff.passed)
    if missing > 0:
        found = await _bisect(parse, mapping, candidates, missing, None, report)
        report.undiagnosed_failures += max(0, missing - found)


async def _bisect(
    parse: ParseItems,
    mapping: Any,
    items: list[dict[str, Any]],
    missing: int,
    result: Any,
    report: ResourceReport,
) -> int:
    """Name up to the remaining diagnosis budget of the `missing` items Ocean dropped from
    `items` (`result`: Ocean's mapping of exactly `items`, when known)."""
    if missing <= 0 or _budget(report) <= 0:
        return 0
    if len(items) == 1:
        result = result or await parse(mapping, items, False)
        _add_failure(report, items[0], _reason(mapping, items[0], result))
        return 1
    middle, found = len(items) // 2, 0
    for half in (items[:middle], items[middle:]):
        half_result = await parse(mapping, half, False)
        dropped = len(half) - len(half_result.entity_selector_diff.passed)
        found += await _bisect(parse, mapping, half, dropped, half_result, report)
    return found


def _reason(mapping: Any, item: dict[str, Any], result: Any) -> str:
    if result.errors:
        return f"Ocean's mapping raised: {result.errors[0]}"
    mappings = mapping.port.entity.mappings
    expressions = {"identifier": mappings.identifier, "blueprint": mappings.blueprint}
    reasons = []
    for key in REQUIRED:
        expression = expressions[key]
        if not isinstance(expression, str):
            continue  # a search query: Port resolves it, not the mapping
        ok, value = evaluate(expression, item)
        if not ok or value is None or key in result.misconfigured_entity_keys:
            reasons.append(f"{key} is null ({explain(expression, item)})")
        elif not value:
            reasons.append(
                f"{key} {explain(expression, item)}, which Ocean treats as missing "
                "(map it with | tostring)"
            )
    return "; ".join(reasons) or "Ocean dropped the item (no identifier or blueprint)"


def _note_null_fields(
    report: ResourceReport, items: list[dict[str, Any]], misconfigured: dict[str, str]
) -> None:
    """Optional fields that came out null: not a failure, but often a wrong path."""
    for field, expression in misconfigured.items():
        prefix = f"{field} ({expression!r})"
        if field in REQUIRED or any(w.startswith(prefix) for w in report.warnings):
            continue
        outcomes = [(item, evaluate(expression, item)) for item in items]
        bad = [item for item, (ok, value) in outcomes if not ok or value is None]
        sample = bad[0] if bad else items[0]
        report.warnings.append(
            f"{prefix} is null for {len(bad)} of {len(items)} items of a page; "
            f"e.g. {explain(expression, sample)}"
        )


def _add_failure(report: ResourceReport, item: dict[str, Any], reason: str) -> None:
    if _budget(report) > 0:
        report.mapping_failures.append(MappingFailure(item=item, reason=reason))
    else:
        report.undiagnosed_failures += 1


def _budget(report: ResourceReport) -> int:
    return MAX_DIAGNOSED - len(report.mapping_failures)
