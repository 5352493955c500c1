"""How often one page's way enters `pages/error_body.py` and `jq_paths/` (issue 20 part 3).

    .venv/bin/python -m bench.page_entries

A profiler counts the calls that enter each of the two from outside it, over a few endpoint
runs against a loopback `FakeApi`, and prints them with their callers. Counts, not timings: they
say how many times a page is examined, which README "The way of one page" quotes.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from types import FrameType
from typing import Any

from client import ApiClient
from connection.call_fields import CallFields
from connection.endpoint import Endpoint
from connection.settings import load_settings
from connection.urls import join_url
from core.redaction import Redactor
from fetching.http_factory import build_http_client
from sample_api.server import FakeApi, Received, Reply

ITEMS = [{"id": number} for number in range(6)]
entries: Counter[str] = Counter()


def _area(module: str) -> str | None:
    if module == "pages.error_body":
        return "error_body"
    return "selection" if module.startswith("selection.") else None


def _profile(frame: FrameType, event: str, _arg: Any) -> None:
    area = _area(frame.f_globals.get("__name__", "")) if event == "call" else None
    caller = frame.f_back
    if area is None or caller is None or _area(caller.f_globals.get("__name__", "")) == area:
        return
    entries[f"{area} <- {caller.f_globals.get('__name__')}.{caller.f_code.co_name}"] += 1


def _offset(request: Received) -> Reply:
    offset, limit = int(request.query["offset"]), int(request.query["limit"])
    page = ITEMS[offset : offset + limit]
    return Reply(json_body={"items": page, "meta": {"total": len(ITEMS)}})


def _cursor(request: Received) -> Reply:
    start = int(request.query.get("cursor", "0"))
    body: dict[str, Any] = {"items": ITEMS[start : start + 2]}
    if start + 2 < len(ITEMS):
        body["next_cursor"] = str(start + 2)
    return Reply(json_body=body)


SCENARIOS: list[tuple[str, Any, dict[str, Any], dict[str, str]]] = [
    ("offset + totalPath", _offset, {}, {"pagination_type": "offset", "total_path": "meta.total"}),
    ("cursor, documented defaults", _cursor, {}, {"pagination_type": "cursor"}),
    ("none, short body (streamed path)", lambda _r: Reply(json_body={"items": ITEMS}), {}, {}),
    (
        "none, error_when (read whole)",
        lambda _r: Reply(json_body={"ok": True, "items": ITEMS}),
        {"error_when": ".ok == false"},
        {},
    ),
]


async def _run(route: Any, selector: dict[str, Any], raw: dict[str, str]) -> int:
    with FakeApi() as api:
        api.route("GET", "/items", route)
        settings = load_settings({"base_url": api.url, "page_size": "2", **raw})
        redact = Redactor(settings.secrets)
        target = Endpoint(
            kind="/items",
            url=join_url(api.url, "/items"),
            call=CallFields(data_path=".items"),
            pagination=settings.pagination,
            **selector,
        )
        async with build_http_client(settings, redact, inside_ocean=False) as http:
            client = ApiClient(http, settings, redact)
            sys.setprofile(_profile)
            try:
                pages = [page async for page in client.iter_items(target, quiet=True)]
            finally:
                sys.setprofile(None)
    return len(pages)


def main() -> None:
    for name, route, selector, raw in SCENARIOS:
        entries.clear()
        pages = asyncio.run(_run(route, selector, raw))
        print(f"{name}: {pages} page(s) with items")
        for where, count in sorted(entries.items()):
            print(f"  {count:4d}  {where}")


if __name__ == "__main__":
    main()
