"""Reading a map the way Port's Helm chart writes it into a ConfigMap.

The chart's configmap renders each `integration.config.<key>` with sprig's `quote`, which
prints a map as Go's `fmt` does: `map[cursor_path:.paging.next.after limit:100]` — keys
sorted, values unquoted, nested maps as `map[...]`, lists as `[a b]`. Port's HubSpot guide
sets `integration.config.pagination.<key>` that way. (Its secret template JSON-encodes maps;
JSON is read as JSON before this is tried.) Every value comes back as text, as env values
are: the settings parse them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, MutableMapping
from typing import Any

KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*:")


def parse_go_map(text: str) -> dict[str, Any] | None:
    """The map printed as `map[...]`, or None when `text` is not one (or is ambiguous)."""
    text = text.strip()
    if not text.startswith("map[") or not text.endswith("]"):
        return None
    try:
        value, end = _map(text, 4)
    except ValueError:
        return None
    return value if end == len(text) else None


def _map(text: str, at: int) -> tuple[dict[str, Any], int]:
    """Entries from `at` (just after `map[`) to the matching `]`; returns (map, index after)."""
    entries: dict[str, Any] = {}
    while True:
        if text[at] == "]":
            return entries, at + 1
        match = KEY.match(text, at)
        if match is None:
            raise ValueError("no key")
        key, at = match.group()[:-1], match.end()
        if text.startswith("map[", at):
            entries[key], at = _map(text, at + 4)
        else:
            entries[key], at = _scalar(text, at)
        if text[at] == " ":
            at += 1


def _scalar(text: str, at: int) -> tuple[str, int]:
    """Text up to the next ` key:` or the `]` closing the map; brackets inside it (`page[after]`)
    must balance."""
    depth, start = 0, at
    while at < len(text):
        char = text[at]
        if char == "[":
            depth += 1
        elif char == "]":
            if depth == 0:
                return text[start:at], at
            depth -= 1
        elif char == " " and depth == 0 and KEY.match(text, at + 1):
            return text[start:at], at
        at += 1
    raise ValueError("unterminated map")


def normalise_helm_maps(environ: MutableMapping[str, str], names: Iterable[str]) -> list[str]:
    """Rewrite, in `environ`, each `OCEAN__INTEGRATION__CONFIG__<NAME>` of an object setting that
    holds Go map text as the JSON Ocean's config model reads; returns the variables rewritten.

    Ocean validates its config model before the integration's own code runs, and refuses such
    text for an `object` setting, echoing it (credentials included) in its error. It imports
    integration.py first, which calls this. JSON and anything unparsable are left alone."""
    rewritten = []
    for name in names:
        variable = f"OCEAN__INTEGRATION__CONFIG__{name.upper()}"
        text = environ.get(variable)
        if text is None or not text.lstrip().startswith("map["):
            continue
        if (parsed := parse_go_map(text)) is not None:
            environ[variable] = json.dumps(parsed)
            rewritten.append(variable)
    return rewritten
