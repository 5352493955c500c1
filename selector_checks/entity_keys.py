"""Which Port entities a batch of raw items becomes: its (blueprint, identifier) pairs.

The shrink guard (`resync/shrink_guard.py`) must count the entities a kind *produces*, not the raw
items it fetched: an item the selector's `query` filters out, or whose identifier maps to null, is
not an entity, and Ocean deletes its old entity just the same. Ocean keeps the entities it mapped to
itself (`SyncRawMixin._register_in_batches` holds them in a local list; its per-kind metrics
count them only once the kind is over), so the four slots that decide *whether* an item becomes
an entity and *which* one are evaluated here, the way Ocean's `JQEntityProcessor` does:

- `port.itemsToParse` turns each item into one item per element of the array it selects, the
  element under `itemsToParseName` (default `item`); a non-array selects nothing;
- `selector.query` keeps an item only when it evaluates to `true` (not merely truthy);
- `identifier` and `blueprint` take their first output; a null, empty or false one drops the
  entity, as Ocean does (`_parse_items` keeps an entity only with both).

One jq program per resource runs over a whole batch (one jq call per page, not per item). The
item copy Ocean makes for itemsToParse also deletes the parsed array from the item
(`itemsToParseTopLevelTransform`); that is skipped here, since identifier and blueprint
expressions read the element, not the array it came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jq

from selector_checks.jq_expressions import ocean_jq_text

Key = tuple[str, str]  # (blueprint, identifier)
# As Ocean's JQEntityProcessor._compile, when allow_environment_variables_jq_access is off.
_NO_ENV = "def env: {}; {} as $ENV | "


def constant_blueprint(expression: str) -> str | None:
    """The blueprint of a mapping whose `blueprint` is a jq string literal (`'"service"'`),
    else None: the blueprint is then known only per item."""
    try:
        value = json.loads(ocean_jq_text(expression).strip())
    except ValueError:
        return None
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class KeyProgram:
    """How to key a resource's batches: its jq program over a batch (`[[blueprint, id]]`), and,
    for the common mapping (query `true`, a constant blueprint, identifier `.field` or
    `.field | tostring`), the same read in Python, which is some 50 times cheaper."""

    jq: str
    blueprint: str | None = None  # set with `field` when the Python read applies
    field: str | None = None
    tostring: bool = False  # `| tostring`: a missing value is the identifier "null", as in jq


def key_program(port: Any, query: str, allow_env: bool = True) -> KeyProgram | None:
    """The program keying a resource's batches, or None when the identifier is a search query
    (its entity is known only to Port)."""
    mappings = port.entity.mappings
    if not isinstance(mappings.identifier, str):
        return None
    each = ".[]"
    if port.items_to_parse:
        name = json.dumps(port.items_to_parse_name)
        each = (
            f".[] | . as $item | {_first(port.items_to_parse)} as $parsed "
            f'| select(($parsed | type) == "array") | $parsed[] | $item + {{{name}: .}}'
        )
    kept = f"select(try (({ocean_jq_text(query)}) == true) catch false)"
    pair = f"[{_first(mappings.blueprint)}, {_first(mappings.identifier)}]"
    program = ("" if allow_env else _NO_ENV) + f"[{each} | {kept} | {pair}]"
    simple = _FIELD.match(mappings.identifier.strip())
    blueprint = constant_blueprint(mappings.blueprint)
    if simple and blueprint and query.strip() == "true" and not port.items_to_parse:
        return KeyProgram(program, blueprint, simple.group(1), bool(simple.group(2)))
    return KeyProgram(program)


def _first(expression: str) -> str:
    """The first output of `expression`, or null when it has none or fails (Ocean's `_search`
    logs the failure and maps the slot to null)."""
    return f"([try ({ocean_jq_text(expression)}) catch null] | .[0])"


def entity_keys(program: KeyProgram, items: list[dict[str, Any]]) -> list[Key]:
    """The (blueprint, identifier) of each entity `items` become; identifiers as Port keeps
    them (strings: `5` and `"5"` are one entity)."""
    if program.field is not None and program.blueprint is not None:
        read = _read_field(program, items)
        if read is not None:
            return read
    pairs = _compiled(program.jq).input_value(items).first()
    return [
        (str(blueprint), _as_identifier(identifier))
        for blueprint, identifier in pairs
        if blueprint and identifier
    ]


def _read_field(program: KeyProgram, items: list[dict[str, Any]]) -> list[Key] | None:
    """`.field` (or `.field | tostring`) of each item, or None when a value is one whose jq
    reading differs from Python's: a bool, a float, an integer jq rounds (beyond 2**53)."""
    blueprint, name, keys = str(program.blueprint), str(program.field), []
    for item in items:
        value = item.get(name) if isinstance(item, dict) else False
        if value is None and program.tostring:
            keys.append((blueprint, "null"))  # jq: null | tostring == "null", kept by Ocean
        elif value is None or value == "":
            continue  # Ocean drops an entity without identifier
        if isinstance(value, str):
            keys.append((blueprint, value))
        elif type(value) is int and abs(value) <= _JQ_EXACT:
            keys.append((blueprint, str(value)))
        else:
            return None
    return keys


_FIELD = re.compile(r"^\.([A-Za-z_][A-Za-z0-9_]*)(\s*\|\s*tostring)?$")
_JQ_EXACT = 2**53  # jq holds numbers as doubles


def _as_identifier(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@lru_cache(maxsize=64)
def _compiled(program: str) -> Any:
    return jq.compile(program)
