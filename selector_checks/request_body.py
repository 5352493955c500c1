"""`selector.body` written as a jq program, as Port's Cursor and LinearB pages write it.

An object or array `body` is sent as written. A string `body` is a jq program run with null
input (jq's `now` and `$ENV` are there) whose one output must be a JSON object or array:

    body: '{"startDate": ((now | floor) - (86400 * 30)) * 1000, "endDate": (now | floor) * 1000}'

sends `{"startDate": 1790000000000, "endDate": 1792592000000}`, numbers as numbers. A folded
`>-` YAML scalar is the same string with newlines, which jq reads as spaces.

The program is compiled *and run* when the port-app-config loads, so a typo or an output of the
wrong type fails there, naming `resources[i].selector.body`, before any resync can start. It is
run again once per resync of the resource (not per page): every page and every fan-out child of
one run sends the same body, with `now` the time of that run. A string that is plain JSON text
is read as JSON, because jq would round its integers beyond 2**53.
"""

from __future__ import annotations

import json
from typing import Any

from core.config_problem import ConfigProblem
from core.errors import ConfigurationError
from jq_paths.precise_jq import compile_jq

EXPECTED = "one JSON object or array (the request body)"
FIX = (
    "write body as a JSON object or array, or as a jq program whose one output is one, e.g. "
    "'{\"endDate\": (now | floor) * 1000}'"
)
SHOWN_CHARS = 160  # of the expression, in messages: enough to recognise it


class BodyProgramError(ConfigProblem):
    """A string body that does not compile, fails, or yields something other than one JSON
    object or array; `fix` in its context is the fix `selector_checks/config_errors.py` prints."""

    code = "body"

    def __init__(self, *, detail: str) -> None:
        super().__init__(detail=detail, fix=FIX)


def check_body(value: Any) -> Any:
    """Validator of `selector.body` at load (before type coercion): a string is compiled and
    run once to prove it yields one object or array; an object, array or null passes; anything
    else (a number, a boolean) is refused with one message instead of one per union member."""
    if isinstance(value, str):
        try:
            run_body_program(value)
        except ValueError as error:
            raise BodyProgramError(detail=str(error)) from None
    elif value is not None and not isinstance(value, dict | list):
        raise BodyProgramError(detail=f"body is {_json_type(value)}; expected {EXPECTED}")
    return value


def evaluate_body(value: Any, where: str) -> Any:
    """The body to send for this run: a string is run as jq now; others are returned as is.

    `where` names the resource (its kind). Raises `ConfigurationError`, which propagates out
    of the resync, so Ocean deletes nothing."""
    if not isinstance(value, str):
        return value
    try:
        return run_body_program(value)
    except ValueError as error:
        raise ConfigurationError(f"{where}: selector.body: {error}. Fix: {FIX}") from None


def run_body_program(expression: str) -> dict[str, Any] | list[Any]:
    """Run a body program with null input; raises ValueError naming the expression, what it
    gave and what was expected."""
    if (literal := _json_literal(expression)) is not None:
        return literal
    shown = show_expression(expression)
    try:
        program = compile_jq(expression)
    except ValueError as error:
        prefix = f"jq expression {expression!r} does not compile: "  # compile_jq's wording
        reason = _first_line(str(error).removeprefix(prefix))
        raise ValueError(f"the jq program {shown} does not compile: {reason}") from None
    try:
        outputs = list(program.input_value(None).all())
    except ValueError as error:
        raise ValueError(f"the jq program {shown} failed: {_first_line(str(error))}") from None
    if len(outputs) != 1:
        raise ValueError(f"the jq program {shown} gave {len(outputs)} outputs; expected {EXPECTED}")
    (output,) = outputs
    if not isinstance(output, dict | list):
        # The value itself is not shown: it may come from `$ENV`.
        raise ValueError(f"the jq program {shown} gave {_json_type(output)}; expected {EXPECTED}")
    return output


def show_expression(expression: str) -> str:
    """The expression on one line, quoted, cut to SHOWN_CHARS (a folded scalar spans lines)."""
    text = " ".join(expression.split())
    return repr(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…")


def _json_literal(expression: str) -> dict[str, Any] | list[Any] | None:
    """The body when the string is JSON text for an object or array, read exactly."""
    try:
        value = json.loads(expression)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def _first_line(message: str) -> str:
    """jq's messages go on with the program and a caret line: the first holds the reason."""
    lines = message.strip().splitlines()
    return lines[0].rstrip(":") if lines else "no detail"


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "null" if value is None else type(value).__name__
