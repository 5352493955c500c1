"""Port-app-config errors that point at the problem: the path, the bad value and the fix.

Ocean parses the mapping with `CONFIG_CLASS.parse_obj` and logs `str(error)` when it fails.
pydantic v1 prints `resources -> 2 -> selector -> data_path` and a terse message; a user
editing YAML needs `resources[2].selector.data_path = '.users['`, jq's own error and a fix.
`PortAppConfigError` keeps the `ValidationError` type (so Ocean's handling is unchanged) and
only replaces its text.
"""

from __future__ import annotations

from collections.abc import Mapping
from difflib import get_close_matches
from typing import Any

from pydantic.alias_generators import to_snake
from pydantic.v1 import BaseModel, ValidationError
from pydantic.v1.errors import PydanticValueError

from connection.settings import SENSITIVE_KEYS

MISSING: Any = object()
JQ_FAILURE = "does not compile"  # how every jq compile error of this project reads
# Values under these keys may hold credentials: never echoed.
HIDDEN_KEYS = frozenset(
    {"headers", "body", "query_params", "queryParams"}
    | SENSITIVE_KEYS
    | {to_snake(key) for key in SENSITIVE_KEYS}
)
FIXES_BY_KEY = {
    "kind": "set kind to the endpoint path relative to baseUrl, e.g. /api/v1/users",
    "query": "set selector.query to a jq filter returning true/false; 'true' keeps every item",
    "identifier": "map identifier to a unique, non-null value, e.g. .id | tostring",
    "blueprint": "map blueprint to a quoted jq string, e.g. '\"service\"'",
    "data_path": "point data_path at the item array with a jq expression, e.g. .data or .items",
    "method": "use one of the allowed HTTP methods",
    "mappings": "add port.entity.mappings with at least identifier and blueprint",
    "entity": "add port.entity.mappings with at least identifier and blueprint",
}


class JqCompileError(PydanticValueError):
    """A jq expression inside a mapping that cannot compile; `path` is relative to the field
    the validator runs on, so the message can name the exact key."""

    code = "jq"
    msg_template = "{detail}"

    def __init__(self, *, path: str, expression: str, detail: str) -> None:
        super().__init__(path=path, expression=expression, detail=detail)


class PortAppConfigError(ValidationError):
    """A `ValidationError` whose text names each problem's path, value and fix."""

    def __init__(self, error: ValidationError, raw: Any) -> None:
        super().__init__(error.raw_errors, error.model)
        self.text = describe_errors(error, raw)

    def __str__(self) -> str:
        return self.text


def describe_errors(error: ValidationError, raw: Any) -> str:
    problems = [describe_problem(problem, raw, error.model) for problem in error.errors()]
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    return f"Invalid port-app-config ({count}):\n  - " + "\n  - ".join(problems)


def describe_problem(problem: Mapping[str, Any], raw: Any, model: Any = None) -> str:
    loc = [part for part in problem["loc"] if part != "__root__"]
    ctx = problem.get("ctx") or {}
    extra_path = str(ctx.get("path", ""))
    path = format_path(loc) + (f".{extra_path}" if extra_path else "")
    kind, message = str(problem.get("type", "")), _first_line(str(problem.get("msg", "")))
    value_loc = [*loc, extra_path] if extra_path else loc
    value = ctx["expression"] if "expression" in ctx else _dig(raw, value_loc)
    key = str(loc[-1]) if loc else ""
    shown = "" if value is MISSING else f" = {_show(value, value_loc)}"
    fix = _fix("value_error.jq" if JQ_FAILURE in message else kind, key, loc, ctx, model)
    return f"{path}{shown}: {message}" + (f". Fix: {fix}" if fix else "")


def format_path(loc: list[Any]) -> str:
    """('resources', 2, 'selector', 'data_path') → resources[2].selector.data_path"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def rename_fix(key: str, allowed: list[str]) -> str:
    """The fix for a key that is not allowed where it is, with the closest allowed one."""
    close = get_close_matches(key, allowed, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"remove or rename the key{hint}; allowed here: {', '.join(allowed)}"


def _fix(kind: str, key: str, loc: list[Any], ctx: dict[str, Any], model: Any) -> str:
    if "fix" in ctx:  # the error knows its own fix
        return str(ctx["fix"])
    if kind == "value_error.extra":
        return rename_fix(key, _allowed_keys(model, loc[:-1]))
    if kind == "value_error.const" and "permitted" in ctx:
        return "use one of: " + ", ".join(str(value) for value in ctx["permitted"])
    if kind == "value_error.jq":
        return "fix the jq syntax (try it with the jq command on a sample item)"
    if kind == "value_error.missing":
        return FIXES_BY_KEY.get(key, f"add {key}")
    if kind.startswith("type_error"):
        return f"give {key} a value of the expected type"
    return FIXES_BY_KEY.get(key, "")


def _first_line(message: str) -> str:
    """jq's compile errors go on with the expression, a caret line and a count: the first
    line holds the reason and the column."""
    return message.strip().splitlines()[0].rstrip(":") if message.strip() else "invalid"


def _allowed_keys(model: Any, loc: list[Any]) -> list[str]:
    """The keys accepted at `loc`, found by walking the model's fields (aliases included)."""
    current = model
    for part in loc:
        if isinstance(part, int) or not _is_model(current):
            continue
        fields = {f.alias: f for f in current.__fields__.values()}
        fields.update(current.__fields__)
        if part in fields:
            current = fields[part].type_
    if not _is_model(current):
        return []
    return sorted({f.alias for f in current.__fields__.values()})


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _dig(raw: Any, loc: list[Any]) -> Any:
    node = raw
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if not (in_dict or in_list):
            return MISSING
        node = node[part]
    return node


def _show(value: Any, loc: list[Any]) -> str:
    if any(part in HIDDEN_KEYS for part in loc):
        return "<hidden>"
    text = repr(_masked(value))
    return text if len(text) <= 120 else text[:120] + "…"


def _masked(value: Any) -> Any:
    """`value` with what may hold credentials hidden at any depth: a path parameter entry
    shown whole must not show its `headers`."""
    if isinstance(value, dict):
        return {
            key: "<hidden>" if key in HIDDEN_KEYS else _masked(item) for key, item in value.items()
        }
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value
