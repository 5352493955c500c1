"""Each pagination style of the benchmark API: its route, our connection settings for it, and
the hand-written plain-httpx loop that fetches the same pages (the physical baseline)."""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass, field
from typing import Any

import httpx

ADDRESSABLE = ("offset", "page")


@dataclass(frozen=True)
class Style:
    name: str
    path: str
    data_path: str | None
    settings: dict[str, Any] = field(default_factory=dict)

    def page_url(self, base: str, number: int, size: int) -> str:
        """URL of page `number` (0-based), for the addressable styles only."""
        if self.name == "offset":
            return f"{base}{self.path}?offset={number * size}&limit={size}"
        if self.name == "page":
            return f"{base}{self.path}?page={number + 1}&size={size}"
        raise ValueError(f"{self.name} pages are not addressable")


STYLES: dict[str, Style] = {
    "offset": Style(
        "offset", "/offset", ".data", {"pagination_type": "offset", "has_more_path": "has_more"}
    ),
    "page": Style(
        "page", "/page", ".data", {"pagination_type": "page", "has_more_path": "has_more"}
    ),
    "cursor": Style(
        "cursor",
        "/cursor",
        ".data",
        {"pagination_type": "cursor", "cursor_path": "meta.next_cursor"},
    ),
    # nextLinkPath defaults to @odata.nextLink; the server's page size applies (no size param).
    "next_link": Style("next_link", "/next_link", ".value", {"pagination_type": "next_link"}),
    "header_link": Style("header_link", "/header_link", None, {"pagination_type": "header_link"}),
}


def plain_client(concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(limits=limits, timeout=120)


def _items(style: Style, body: Any) -> list[Any]:
    if style.data_path is None:
        return list(body)
    return list(body[style.data_path.removeprefix(".")])


def _next_url(
    style: Style, base: str, response: httpx.Response, body: Any, state: dict[str, int]
) -> str | None:
    if style.name in ADDRESSABLE:
        if not body["has_more"]:
            return None
        state["page"] += 1
        return style.page_url(base, state["page"], state["size"])
    if style.name == "cursor":
        cursor = body["meta"]["next_cursor"]
        return f"{base}{style.path}?cursor={cursor}&limit={state['size']}" if cursor else None
    if style.name == "next_link":
        link = body.get("@odata.nextLink")
        return str(link) if link else None
    return response.links.get("next", {}).get("url")


async def fetch_sequential(http: httpx.AsyncClient, base: str, style: Style, size: int) -> int:
    """One request after another, each decoded once; returns the item count."""
    state = {"page": 0, "size": size}
    url: str | None = {
        "cursor": f"{base}{style.path}?limit={size}",
        "next_link": f"{base}{style.path}",
        "header_link": f"{base}{style.path}",
    }.get(style.name) or style.page_url(base, 0, size)
    count = 0
    while url:
        response = await http.get(url)
        response.raise_for_status()
        body = json.loads(response.content)
        count += len(_items(style, body))
        url = _next_url(style, base, response, body, state)
    return count


async def fetch_concurrent(
    http: httpx.AsyncClient, base: str, style: Style, size: int, total: int, concurrency: int
) -> int:
    """Exactly the pages a known total needs, `concurrency` of them in flight at once."""
    pages = math.ceil(total / size)
    next_page = iter(range(pages))
    count = 0

    async def worker() -> None:
        nonlocal count
        for number in next_page:  # shared iterator: each page is taken by one worker
            response = await http.get(style.page_url(base, number, size))
            response.raise_for_status()
            count += len(_items(style, json.loads(response.content)))

    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, pages)):
            group.create_task(worker())
    return count
