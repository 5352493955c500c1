"""One pydantic validation problem of the settings as one line a user can act on: the
camelCase key, what is wrong, the value given (unless it is sensitive) and what is allowed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic.alias_generators import to_camel

# What a value of each basic type may look like, for pydantic's parsing errors.
_EXPECTED_BY_ERROR = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
}


def describe_value_problem(
    problem: Any, location: list[str], given: Mapping[str, Any], sensitive: frozenset[str]
) -> str:
    """`pageSize: Input should be ...; got 0` for the problem at `location` (not empty)."""
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    key = to_camel(location[0])
    kind = problem.get("type")
    allowed = _EXPECTED_BY_ERROR.get(str(kind), "")
    if kind == "literal_error":
        expected = str(problem.get("ctx", {}).get("expected", "")).replace("'", "")
        message, allowed = "not an allowed value", expected.replace(" or ", ", ")
    # A sensitive value is never echoed, even when it is the invalid one.
    value = given.get(location[0], given.get(key))
    if key == "baseUrl" and isinstance(value, str):  # its query string may hold an API key
        value = value.split("?", 1)[0] + ("?[REDACTED]" if "?" in value else "")
    got = "" if key in sensitive else f"; got {value!r}"
    return f"{key}: {message}{got}" + (f"; allowed: {allowed}" if allowed else "")
