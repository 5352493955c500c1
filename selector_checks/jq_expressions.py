"""Compile a resource's mapping jq expressions when the port-app-config loads.

Ocean compiles mapping expressions only while mapping, and an expression that cannot compile
there evaluates to null for every item: with an identifier that drops every entity, the resync
still "completes", and Ocean deletes the kind's entities from Port. Refusing the config at load
turns that into an error naming the key and jq's message (`selector_checks/config_errors.py`
renders it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jq
from port_ocean.core.handlers.port_app_config.models import IngestSearchQuery

from selector_checks.config_errors import JqCompileError

# Ocean turns single-quoted jq strings into double-quoted ones before compiling
# (JQEntityProcessor._format_filter); the same rewrite here, so what Ocean accepts passes.
_SINGLE_QUOTE = re.compile(r'(^|\s)\'(?!\s|")|(?<!\s|")\'(\s|$)')


def ocean_jq_text(expression: str) -> str:
    return _SINGLE_QUOTE.sub(r'\1"\2', expression)


def compile_mapping_jq(expression: str) -> Any:
    """Compile as Ocean does; raises ValueError with jq's own message."""
    try:
        return jq.compile(ocean_jq_text(expression))
    except ValueError as error:
        raise ValueError(f"jq expression {expression!r} does not compile: {error}") from None


def check_expression(path: str, expression: str) -> None:
    try:
        compile_mapping_jq(expression)
    except ValueError as error:
        raise JqCompileError(path=path, expression=expression, detail=str(error)) from None


def check_port_mapping(port: Any) -> None:
    """Compile every jq slot of a `PortResourceConfig`; the first failure raises."""
    for path, expression in port_expressions(port):
        check_expression(path, expression)


def port_expressions(port: Any) -> Iterator[tuple[str, str]]:
    """(path relative to `port`, expression) for each jq expression of a resource's mapping.

    Every value under `entity.mappings` is jq, except the literal parts of search queries
    (`combinator`, `property`, `operator`): only a rule's `value` is jq there."""
    if port.items_to_parse:
        yield "itemsToParse", port.items_to_parse
    mappings = port.entity.mappings
    base = "entity.mappings"
    slots = {
        "identifier": mappings.identifier,
        "title": mappings.title,
        "icon": mappings.icon,
        "blueprint": mappings.blueprint,
        "team": mappings.team,
        **{f"properties.{name}": value for name, value in mappings.properties.items()},
        **{f"relations.{name}": value for name, value in mappings.relations.items()},
    }
    for key, value in slots.items():
        yield from _slot(f"{base}.{key}", value)


def _slot(path: str, value: str | IngestSearchQuery | None) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    if isinstance(value, str):
        yield path, value
        return
    for index, rule in enumerate(value.rules):
        where = f"{path}.rules[{index}]"
        if isinstance(rule, IngestSearchQuery):
            yield from _slot(where, rule)
        else:
            yield f"{where}.value", rule.value
