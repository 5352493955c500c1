"""`customHeaders`: headers sent on every request to `baseUrl`'s origin.

The reference implementation reads a JSON object of headers and substitutes `${ENV_VAR}` in
its values, so a header can carry a credential without writing it into the configuration:
`{"X-Tenant": "acme", "Authorization": "Token ${MY_API_TOKEN}"}`. A variable that is not set
is an error naming the header (an empty credential would only fail later, as a 401).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connection.json_object import json_object
from connection.neutral_headers import NEUTRAL_HEADERS

ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def parse_custom_headers(value: Any, environ: Mapping[str, str]) -> dict[str, str]:
    """A JSON object (or its text) of header name → value, `${VAR}` filled from `environ`.

    Raises ValueError with user-facing text; it never contains a header's value."""
    value = json_object(value, "headers", '{"X-Tenant": "acme"}')
    headers: dict[str, str] = {}
    for name, raw in value.items():
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise ValueError(f"header {name!r}: expected a text value")
        headers[str(name)] = _substitute(str(name), str(raw), environ)
    return headers


def _substitute(name: str, text: str, environ: Mapping[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        variable = match.group(1)
        if variable not in environ:
            raise ValueError(f"header {name!r} refers to ${{{variable}}}, which is not set")
        return environ[variable]

    return ENV_REFERENCE.sub(fill, text)


def header_secrets(headers: Mapping[str, str]) -> list[str]:
    """The values to mask: every value but those of descriptive headers (Accept, ...)."""
    return [value for name, value in headers.items() if name.lower() not in NEUTRAL_HEADERS]
