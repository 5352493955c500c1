"""RFC 8288 `Link` headers: the target of the entry with a given rel (header_link pagination)."""

from __future__ import annotations

import httpx


def find_link(headers: httpx.Headers, rel: str) -> str | None:
    """The target of the first Link header entry whose rel list contains `rel`."""
    for value in headers.get_list("link"):
        for entry in _split_link_entries(value):
            target, _, attributes = entry.partition(">")
            for attribute in attributes.split(";"):
                name, _, rels = attribute.strip().partition("=")
                if (
                    name.strip().lower() == "rel"
                    and rel.lower() in rels.strip('" ').lower().split()
                ):
                    return target.strip().lstrip("<").strip()
    return None


def _split_link_entries(value: str) -> list[str]:
    """Split on commas outside `<...>` and quotes: URLs may hold commas."""
    entries: list[str] = []
    current: list[str] = []
    in_url = in_quotes = False
    for char in value:
        if char == "<" and not in_quotes:
            in_url = True
        elif char == ">" and not in_quotes:
            in_url = False
        elif char == '"' and not in_url:
            in_quotes = not in_quotes
        elif char == "," and not in_url and not in_quotes:
            entries.append("".join(current))
            current = []
            continue
        current.append(char)
    entries.append("".join(current))
    return [entry.strip() for entry in entries if entry.strip()]
