"""One jq program that evaluates a resource's selector and mapping over a whole page.

For each item the program outputs a row: first the selector's cell, then — when the item
passed the selector (or every item is parsed) — one cell per mapping expression, in the
mapping's own depth-first key order. A cell is what Ocean needs to decide, item by item:

- `[value]`: the expression's first output (Ocean keeps only the first: `next(iter(...))`);
- `[]`: no output (Ocean: null, a misconfiguration, no warning);
- `null`: an error before the first output (Ocean: null, a warning, a misconfiguration).

Each expression is embedded exactly as Ocean compiles it (`_format_filter`), in parentheses on
lines of its own (a trailing `# comment` cannot swallow what follows), and under the same
`$ENV` override Ocean puts in front of every expression when jq's environment access is off.
The program defines no function and binds one variable no mapping can name (a mapping that
referenced it would not compile on its own, and Ocean compiles each one on its own first).

Evaluated in-process, a page cannot be cut short the way Ocean times out one item in its
process pool, so expressions that can run without end (`def`, `repeat`, `until`, ...) or that
see their surroundings (`$__loc__`, `input`, `halt`) are not embedded: `unsupported` names
them and the page goes through Ocean's own path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import jq

# Words that make an expression unfit to share one program, or able to loop without end.
_UNFIT = re.compile(
    r"\$__loc__|\b(?:def|repeat|while|until|recurse|range|infinite|limit|halt|halt_error"
    r"|input|inputs|input_filename|input_line_number|import|include)\b"
)
# Expressions with at most one output — a path (`.a.b`, `.["x"]`, `.a[0]`) piped into builtins
# with one output each, or a literal — need no `first`, whose label and break cost as much as
# such an expression: `[E]` is `[first(E)]` for them. (Even for another expression `[E]` would
# decide the same — an error after the first output makes the cell null, and Ocean's own
# search, re-run on it, answers — but `first` stops a long generator where Ocean stops it.)
_STEP = r'(?:\.[A-Za-z_]\w*|\.?\[(?:"[^"\\]*"|-?\d+)\]|\."[^"\\]*")'
_ONE_OUT = r"(?:tostring|tonumber|ascii_downcase|ascii_upcase|length|type|not|tojson|keys)"
_LITERAL = r'(?:"[^"\\]*"|-?\d+(?:\.\d+)?|true|false|null)'
_SINGLE = re.compile(rf"\s*(?:{_LITERAL}|(?:\.|{_STEP}+)(?:\s*\|\s*{_ONE_OUT})*)\s*")
_ENV_OFF = "def env: {}; {} as $ENV | "
_SELECTOR = "$__ocean_custom_selector"

Leaf = tuple[str, str]  # (dot path as Ocean records it, e.g. "properties.url"; expression)


def leaves(mappings: dict[str, Any], path: str = "") -> Iterator[Leaf]:
    """Every expression under `mappings`, depth first in key order (Ocean's walk)."""
    for key, value in mappings.items():
        current = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            yield from leaves(value, current)
        else:
            yield current, value


def unsupported(mappings: dict[str, Any], selector_query: str) -> str | None:
    """Why this mapping cannot be one page program, or None. Only strings nested in objects
    are embedded: search identifiers and relations (lists of rules) and null values go
    through Ocean's path, as do the expressions `_UNFIT` names."""
    for path, value in [("selector.query", selector_query), *leaves(mappings)]:
        if not isinstance(value, str):
            return f"{path} is a {type(value).__name__}, not a jq string"
        if match := _UNFIT.search(value):
            return f"{path} uses {match.group(0)!r}"
        if any(line.rstrip().endswith("\\") for line in value.splitlines()):
            return f"{path} has a line ending in a backslash"
    return None


def _cell(expression: str) -> str:
    if _SINGLE.fullmatch(expression):
        return f"(try [{expression}] catch null)"
    return f"(try ([first((\n{expression}\n))]) catch null)"


def program_text(
    selector_query: str,
    expressions: list[str],
    parse_all: bool,
    env_access: bool,
    format_filter: Callable[[str], str],
) -> str:
    """The page program: `[ .[] | [selector cell, field cells...] ]`."""
    fields = ", ".join(_cell(format_filter(e)) for e in expressions) or "empty"
    wanted = "true" if parse_all else f"{_SELECTOR} == [true]"
    row = (
        f"{_cell(format_filter(selector_query))} as {_SELECTOR}\n"
        f"| [{_SELECTOR}, (if {wanted} then ({fields}) else empty end)]"
    )
    return ("" if env_access else _ENV_OFF) + f"[.[] | {row}]"


@dataclass(frozen=True)
class PageProgram:
    """A compiled page program and the mapping whose leaves its field cells stand for."""

    shape: dict[str, Any]
    compiled: Any

    @classmethod
    def build(
        cls,
        selector_query: str,
        mappings: dict[str, Any],
        parse_all: bool,
        env_access: bool,
        format_filter: Callable[[str], str],
    ) -> PageProgram:
        """Raises ValueError when the program does not compile."""
        expressions = [expression for _, expression in leaves(mappings)]
        text = program_text(selector_query, expressions, parse_all, env_access, format_filter)
        return cls(mappings, jq.compile(text))

    def rows(self, items: list[Any]) -> list[list[Any]]:
        """One row per item. Raises when jq cannot take the page (e.g. not JSON)."""
        rows = self.compiled.input_value(items).first()
        if not isinstance(rows, list) or len(rows) != len(items):
            raise ValueError(f"the page program gave {type(rows).__name__}, not one row per item")
        return rows
