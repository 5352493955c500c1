"""Reading values out of a decoded JSON response: settings paths and `data_path`.

Two forms for the paths in connection settings (`cursorPath`, `hasMorePath`, ...):
- dot-notation, as Port documents it: `meta.after_cursor`; a literal key holding dots still
  matches (`@odata.nextLink`), and a numeric segment indexes a list (`data.0.id`);
- a jq expression when the value starts with `.`: `.data[-1].id`, `.paging.next.after // empty`;
- `header:<name>`: a response header, by name in any case (Azure DevOps
  `header:x-ms-continuationtoken`, GitLab `header:x-next-page`, `header:X-Total-Count`). Its value
  is the header's text; an absent header is MISSING, exactly as an absent body field is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jq_paths import precise_jq
from jq_paths.precise_jq import compile_jq

MISSING: Any = object()
HEADER_PREFIX = "header:"


def jq_outputs(expression: str, value: Any, text: str | None = None) -> list[Any]:
    """All outputs of a jq expression over a decoded JSON value, with values kept exact.

    Values that merely pass *through* jq come back with integers beyond 2**53 rounded
    (a 64-bit id 1234567890123456789 becomes ...768, and two items can collapse into one
    entity). So `jq_paths/precise_jq.py` resolves the selection to paths and reads the values from
    `value` itself; only expressions that build new values are evaluated by jq as is.
    `text`: the JSON text `value` was decoded from, if at hand; jq reads it as is.
    """
    return precise_jq.select(expression, value, text)


class ResponsePath:
    """A location in a response: in the body, in dot-notation or jq, or a header (see the
    module docstring)."""

    def __init__(self, spec: str) -> None:
        self.spec = spec.strip()
        if not self.spec:
            raise ValueError("a response path cannot be empty")
        self.header: str | None = None  # lower-cased name, for a `header:<name>` path
        if self.spec[: len(HEADER_PREFIX)].lower() == HEADER_PREFIX:
            name = self.spec[len(HEADER_PREFIX) :].strip()
            if not name:
                raise ValueError(
                    "header: needs the header's name after it, e.g. header:X-Total-Count"
                )
            self.header = name.lower()
        self.is_jq = self.header is None and self.spec.startswith(".")
        if self.is_jq:
            compile_jq(self.spec)

    def find(self, body: Any, headers: Mapping[str, str] | None = None) -> Any:
        """The value at this path, or MISSING. A jq path yields its first non-null output; a
        header path reads `headers` (MISSING without them, or when the header is absent)."""
        if self.header is not None:
            return _find_header(headers or {}, self.header)
        if self.is_jq:
            try:
                outputs = jq_outputs(self.spec, body)
            except ValueError:  # e.g. `.a.b` over a string: the value is not there
                return MISSING
            return next((out for out in outputs if out is not None), MISSING)
        return _find_dotted(body, self.spec)

    def __repr__(self) -> str:
        return f"ResponsePath({self.spec!r})"


def _find_header(headers: Mapping[str, str], name: str) -> Any:
    """A header's value by lower-cased name, whatever case the server sent it in (an
    `httpx.Headers` already matches so; a plain mapping, as in tests, is searched)."""
    value = headers.get(name)
    if value is None:
        value = next((v for key, v in headers.items() if key.lower() == name), None)
    return MISSING if value is None else value


def _find_dotted(node: Any, path: str) -> Any:
    """Walk `path`, preferring the longest literal key at each level, so dotted keys match."""
    if isinstance(node, dict):
        if path in node:
            return node[path]
        # Try each split point from the longest head down: `a.b.c` → `a.b` + `c`, `a` + `b.c`.
        dots = [i for i, char in enumerate(path) if char == "."]
        for index in reversed(dots):
            head, rest = path[:index], path[index + 1 :]
            if head in node:
                found = _find_dotted(node[head], rest)
                if found is not MISSING:
                    return found
        return MISSING
    if isinstance(node, list):
        head, _, rest = path.partition(".")
        if head.lstrip("-").isdigit() and -len(node) <= int(head) < len(node):
            return node[int(head)] if not rest else _find_dotted(node[int(head)], rest)
    return MISSING
