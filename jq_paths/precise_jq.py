"""jq selection that hands back the values exactly as Python decoded them.

Passing values *through* jq rounds integers beyond 2**53 to doubles: Discord/Twitter-style 64-bit
ids come back changed (1234567890123456789 → 1234567890123456768), and two distinct items can then
map to one Port entity. So a selection is resolved to *paths* first and the values are read from
the original Python object:
1. a plain path (`.`, `.data`, `.a.b[]`) is walked in Python — no jq call at all, the fast path;
2. any other path expression (`.items[] | select(.active)`, `.data[-1].id`, `.["@odata.nextLink"]`)
   goes through jq's `path(...)`, and only the paths cross the jq boundary;
3. an expression that builds new values (`.ids | map({id: .})`) is evaluated by jq as is.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jq

from jq_paths.plain_path import PlainPath, plain_path


def select(expression: str, value: Any, text: str | None = None) -> list[Any]:
    """All outputs of the jq `expression` over `value`; raises ValueError like jq does.

    `text`, when given, is the JSON text `value` was decoded from: jq then parses it as is,
    instead of a copy of `value` re-serialised for it (which costs about a third more)."""
    expression = expression.strip()
    if (plain := plain_path(expression)) is not None:
        return _walk_plain(plain, value)
    if expression not in _BUILDS_VALUES:
        try:
            (paths,) = _evaluate(f"[path({expression})]", value, text)
            return [_follow(value, path) for path in paths]
        except ValueError as error:
            if "Invalid path expression" not in str(error):
                raise
            _BUILDS_VALUES.add(expression)
    return _evaluate(expression, value, text)


# Expressions found not to be path expressions: evaluated directly from then on.
_BUILDS_VALUES: set[str] = set()


# One compile cache for the whole integration: settings paths, selectors, templates.
@lru_cache(maxsize=512)
def compile_jq(expression: str) -> Any:
    """Compile once per distinct expression; raises ValueError carrying jq's own message."""
    try:
        return jq.compile(expression)
    except ValueError as error:
        raise ValueError(f"jq expression {expression!r} does not compile: {error}") from None


def _evaluate(expression: str, value: Any, text: str | None = None) -> list[Any]:
    program = compile_jq(expression)
    runner = program.input_value(value) if text is None else program.input_text(text)
    return list(runner.all())


def _walk_plain(path: PlainPath, value: Any) -> list[Any]:
    node = value
    for key in path.keys:
        if node is None:
            break
        if not isinstance(node, dict):
            raise ValueError(f"Cannot index {_jq_type(node)} with {key!r}")
        node = node.get(key)
    if not path.iterate:
        return [node]
    if isinstance(node, list):
        return list(node)
    if isinstance(node, dict):
        return list(node.values())
    raise ValueError(f"Cannot iterate over {_jq_type(node)}")


def _follow(value: Any, path: list[Any]) -> Any:
    node = value
    for step in path:
        if node is None:
            return None
        if isinstance(step, dict):  # a slice: {"start": 0, "end": 2}
            node = node[step.get("start") : step.get("end")]
        elif isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int):
            node = node[step] if -len(node) <= step < len(node) else None
        else:
            return None
    return node


def _jq_type(value: Any) -> str:
    names = {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string"}
    return names.get(type(value), "array" if isinstance(value, list) else "object")
