"""`{{.jq}}` placeholders of `customAuthRequestTemplate`, filled from the login response.

    {"headers": {"Authorization": "Bearer {{.access_token}}"}}   → "Bearer eyJhbGciOi..."
    {"queryParams": {"api_key": "{{.token}}"}}                   → ?api_key=...
    {"body": {"session": "{{.session}}"}}                        → merged into JSON bodies

Each placeholder is a jq expression over the decoded auth response (a non-JSON response is one
string: `{{.}}`). Inside text, a non-string value is written as JSON (`{"a":1}`, `true`), never
as a Python repr. A body value that is exactly one placeholder keeps its JSON type, so a number
stays a number. Errors name the template key and list the response's top-level keys, never its
values: the response holds the credential.
"""

from __future__ import annotations

import json
import re
from typing import Any

from core.errors import ConfigurationError
from jq_paths.precise_jq import compile_jq
from jq_paths.response_paths import jq_outputs

PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}")
TEMPLATE_KEY = "customAuthRequestTemplate"
_MAX_KEYS_LISTED = 30


def check_template(value: Any, where: str) -> None:
    """Raise ValueError (naming `where`, e.g. headers.Authorization) for a placeholder that is
    empty or does not compile as jq. Recurses into objects and arrays."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_template(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_template(item, f"{where}[{index}]")
    elif isinstance(value, str):
        for expression in PLACEHOLDER.findall(value):
            _check_expression(expression, where)


def _check_expression(expression: str, where: str) -> None:
    hint = "placeholders are jq paths into the auth response, e.g. {{.access_token}}"
    if not expression:
        raise ValueError(f"{where}: an empty placeholder {{{{}}}}; {hint}")
    try:
        compile_jq(expression)
    except ValueError as error:
        raise ValueError(f"{where}: {error}; {hint}") from None


def render(
    value: Any,
    response: Any,
    where: str,
    *,
    keep_types: bool = False,
    found: list[Any] | None = None,
) -> Any:
    """`value` with every placeholder filled from `response`.

    `keep_types` (for the JSON body) lets a value that is exactly one placeholder take the
    resolved JSON value as is; elsewhere (headers, query) every value becomes text. Each
    resolved value is appended to `found`, so the caller can mask it.
    """
    found = [] if found is None else found
    if isinstance(value, dict):
        return {
            key: render(item, response, f"{where}.{key}", keep_types=keep_types, found=found)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            render(item, response, f"{where}[{index}]", keep_types=keep_types, found=found)
            for index, item in enumerate(value)
        ]
    if not isinstance(value, str):
        return value if keep_types else as_text(value)

    def fill(expression: str) -> Any:
        resolved = resolve(expression, response, where)
        found.append(resolved)
        return resolved

    whole = PLACEHOLDER.fullmatch(value)
    if keep_types and whole:
        return fill(whole.group(1))
    return PLACEHOLDER.sub(lambda match: as_text(fill(match.group(1))), value)


def resolve(expression: str, response: Any, where: str) -> Any:
    """The first non-empty output of `expression` over `response`; an error when none."""
    try:
        outputs = jq_outputs(expression, response)
    except ValueError:
        # jq's runtime messages quote the values they choke on: they must not reach a log.
        outputs = []
    found = next((out for out in outputs if out is not None and out != ""), None)
    if found is None:
        raise ConfigurationError(
            f"{TEMPLATE_KEY}.{where}: the placeholder {{{{{expression}}}}} resolved to nothing "
            f"in the auth response; {describe_shape(response)}. Point the placeholder at the "
            "field that holds the credential"
        )
    return found


def as_text(value: Any) -> str:
    """A resolved value as it goes into a header or query string: JSON for non-strings."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def describe_shape(response: Any) -> str:
    """What the auth response looks like, without any of its values."""
    if isinstance(response, dict):
        keys = [str(key) for key in response]
        listed = ", ".join(keys[:_MAX_KEYS_LISTED])
        more = f" (and {len(keys) - _MAX_KEYS_LISTED} more)" if len(keys) > _MAX_KEYS_LISTED else ""
        return f"its top-level keys are: {listed}{more}" if keys else "it is an empty object"
    if isinstance(response, list):
        return f"it is a JSON array of {len(response)} items, not an object"
    if isinstance(response, str):
        return "it is not JSON but text (use {{.}} for the whole text)"
    return f"it is a JSON {type(response).__name__}, not an object"
