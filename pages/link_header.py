"""RFC 8288 `Link` headers: the entry with a given rel, its target and its parameters
(header_link pagination)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import httpx

# One entry: `<target>` then its parameters, up to the comma that ends the entry. Commas inside
# the target or inside a quoted parameter value (title="a, b") do not end it; a quote left open
# runs to the end of the header, so `rel="next` (a server's typo) still names the next page.
_ENTRY = re.compile(r'<([^>]*)>((?:[^,"<]|"[^"]*"?)*)')


@dataclass(frozen=True)
class LinkEntry:
    target: str
    params: dict[str, str] = field(default_factory=dict)  # lower-cased names, unquoted values

    @property
    def says_no_results(self) -> bool:
        """Sentry's `results="false"`: the link is always sent, and this parameter says whether
        anything is there (https://docs.sentry.io/api/pagination/)."""
        return self.params.get("results", "").strip().lower() == "false"


def find_link_entry(headers: httpx.Headers, rel: str) -> LinkEntry | None:
    """The first Link header entry whose rel list contains `rel`."""
    wanted = rel.lower()
    for value in headers.get_list("link"):
        for entry in _ENTRY.finditer(value):
            params = _params(entry.group(2))
            if wanted in params.get("rel", "").lower().split():
                return LinkEntry(entry.group(1).strip(), params)
    return None


def find_link(headers: httpx.Headers, rel: str) -> str | None:
    """The target of the first Link header entry whose rel list contains `rel`."""
    entry = find_link_entry(headers, rel)
    return entry.target if entry is not None else None


def _params(text: str) -> dict[str, str]:
    """`; rel="next"; results="false"` → {"rel": "next", "results": "false"}; the first of a
    repeated name wins (RFC 8288 §3.3 for rel)."""
    params: dict[str, str] = {}
    for attribute in text.split(";"):
        name, _, value = attribute.strip().partition("=")
        name = name.strip().lower()
        if name and name not in params:
            params[name] = value.strip().strip('"').strip()
    return params
