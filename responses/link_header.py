"""RFC 8288 `Link` headers: the target of the entry with a given rel (header_link pagination)."""

from __future__ import annotations

import re

import httpx

# One entry: `<target>` then its parameters, up to the comma that ends the entry. Commas inside
# the target or inside a quoted parameter value (title="a, b") do not end it; a quote left open
# runs to the end of the header, so `rel="next` (a server's typo) still names the next page.
_ENTRY = re.compile(r'<([^>]*)>((?:[^,"<]|"[^"]*"?)*)')


def find_link(headers: httpx.Headers, rel: str) -> str | None:
    """The target of the first Link header entry whose rel list contains `rel`."""
    wanted = rel.lower()
    for value in headers.get_list("link"):
        for entry in _ENTRY.finditer(value):
            for attribute in entry.group(2).split(";"):
                name, _, rels = attribute.strip().partition("=")
                if name.strip().lower() == "rel" and wanted in rels.strip('" ').lower().split():
                    return entry.group(1).strip()
    return None
