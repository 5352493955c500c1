"""`Page`: one response, read once, as the paginator, the guards and the checks see it.

Built by `pages/page_reader.py` for every page, the whole-body one and the streamed one
alike. What a page says about pagination — a value at a settings path (`hasMorePath`,
`cursorPath`, `nextLinkPath`, `totalPath`, `header:<name>`) or a `Link` header entry — is read
on first asking and kept, so the paginator, the completeness check and the page window read
each signal of a page once between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from jq_paths.response_paths import ResponsePath
from pages.link_header import LinkEntry, find_link_entry
from pages.pagination_signals import FirstPresent

Items = list[dict[str, Any]]


@dataclass(frozen=True)
class Page:
    """The page just fetched. `item_count`: its items, which `items` holds for a page read
    whole; a streamed page's items went out in chunks and `items` is empty (`body` is None)."""

    url: httpx.URL
    headers: httpx.Headers
    body: Any
    item_count: int
    items: Items = field(default_factory=list, repr=False)
    status: int = 200
    content: bytes = field(default=b"", repr=False)  # for the repeated-page guard's digest
    where: str = ""  # the page as errors name it: endpoint, request, page number
    _values: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _links: dict[str, LinkEntry | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def value(self, path: ResponsePath | FirstPresent) -> Any:
        """The value at `path` in this page (body or header), or MISSING; read once."""
        if isinstance(path, FirstPresent):
            return path.find_with(self.value)
        if path.spec not in self._values:
            self._values[path.spec] = path.find(self.body, self.headers)
        return self._values[path.spec]

    def link(self, rel: str) -> LinkEntry | None:
        """The first `Link` header entry with this rel; parsed once."""
        key = rel.lower()
        if key not in self._links:
            self._links[key] = find_link_entry(self.headers, rel)
        return self._links[key]
