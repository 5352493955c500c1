"""A setting that is a JSON object: given as one (YAML, Helm values) or as its text (an
environment variable, Port's form)."""

from __future__ import annotations

import json
from typing import Any


def json_object(value: Any, what: str, example: str) -> dict[str, Any]:
    """`value` as a dict; ValueError saying what was expected — never the value itself, which
    may hold a credential."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError(f"expected a JSON object of {what}, e.g. {example}") from None
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object of {what}, got a {type(value).__name__}")
    return value
