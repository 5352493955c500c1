"""The generic APIs of Port's own pages (sections B and C), shaped as those pages print them.

No vendor stands behind `api.yourcompany.com`, so each response shape here is the one Port's
documentation itself prints, cited per builder below (by page and corpus ID):
- `builder_page`: the interactive builder's default sample response, `{"data": [{id, name,
  email, role}], "meta": {"total", "page"}}` (docs.port.io .../self-hosted/build-your-integration,
  B5).
- `meta_cursor_page`: the configuration page's cursor example, `{"data": [...], "meta":
  {"after_cursor": "xyz123", "has_more": true}}` (.../ocean-custom-integration/configuration, B3).
- `readme_cursor_page`: the reference README's "expected response" for cursor pagination,
  `{"data": [...], "pagination": {"next_cursor": "xyz123", "has_more": true}}` (C1).
- `spring_page`: the README's Spring harness, `{"data": {"content": [...], "last": false,
  "number": 0}}` (C1; Spring Data's `Page` puts `content`, `last`, `number` there).
- `keyed_page`: the overview's `{"users": [...]}` / `{"data": {"projects": [...]}}` (B3, C1).

Paging follows what a plain REST API does with the documented parameters: a page past the end
is an empty list, an absent size parameter gives a default of 20, sizes are capped at 100, and
a cursor is opaque (base64 of the next offset). A request without the credential gets 401.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from collections.abc import Callable
from typing import Any

from sample_api.server import Handler, Received, Reply
from tests.example_fakes import requires, size

DEFAULT_SIZE, MAX_SIZE = 20, 100
DENIED = Reply(401, {"error": "unauthorized", "message": "missing or invalid credentials"})
Body = Callable[[list[dict[str, Any]], int, int, int], dict[str, Any]]  # page, start, end, total


def people(count: int, prefix: str = "u") -> list[dict[str, Any]]:
    """Items in the builder's default sample shape, with the extra fields B3/C1 map."""
    return [
        {
            "id": f"{prefix}{n:04d}",
            "name": f"Person {n}",
            "email": f"person{n}@example.com",
            "role": ["admin", "member", "viewer"][n % 3],
            "department": "engineering",
            "is_active": n % 7 != 0,
            "created_at": "2024-03-01T10:00:00Z",
        }
        for n in range(count)
    ]


def encode_cursor(offset: int) -> str:
    return b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    return int(b64decode(cursor).decode().removeprefix("offset:"))


def by_page(items: list[dict[str, Any]], body: Body, page: str, per: str, first: int) -> Handler:
    """`?<page>=n&<per>=k`, pages numbered from `first`."""

    def handler(request: Received) -> Reply:
        count = size(request, per, DEFAULT_SIZE, MAX_SIZE)
        number = int(request.query.get(page, str(first))) - first
        start = max(number, 0) * count
        end = min(start + count, len(items))
        return Reply(json_body=body(items[start:end], start, end, len(items)))

    return handler


def by_offset(items: list[dict[str, Any]], body: Body, offset: str, limit: str) -> Handler:
    """`?<offset>=n&<limit>=k`."""

    def handler(request: Received) -> Reply:
        count = size(request, limit, DEFAULT_SIZE, MAX_SIZE)
        start = int(request.query.get(offset, "0"))
        end = min(start + count, len(items))
        return Reply(json_body=body(items[start:end], start, end, len(items)))

    return handler


def by_cursor(items: list[dict[str, Any]], body: Body, cursor: str, limit: str) -> Handler:
    """`?<cursor>=<opaque>&<limit>=k`; the first page has no cursor."""

    def handler(request: Received) -> Reply:
        count = size(request, limit, DEFAULT_SIZE, MAX_SIZE)
        given = request.query.get(cursor)
        start = decode_cursor(given) if given else 0
        end = min(start + count, len(items))
        return Reply(json_body=body(items[start:end], start, end, len(items)))

    return handler


def builder_page(page: list[dict[str, Any]], start: int, end: int, total: int) -> dict[str, Any]:
    number = start // max(len(page), 1) + 1 if page else 0
    return {"data": page, "meta": {"total": total, "page": number}}


def meta_cursor_page(
    page: list[dict[str, Any]], start: int, end: int, total: int
) -> dict[str, Any]:
    more = end < total
    return {
        "data": page,
        "meta": {"after_cursor": encode_cursor(end) if more else None, "has_more": more},
    }


def readme_cursor_page(
    page: list[dict[str, Any]], start: int, end: int, total: int
) -> dict[str, Any]:
    more = end < total
    cursor = encode_cursor(end) if more else None
    return {"data": page, "pagination": {"next_cursor": cursor, "has_more": more}}


def spring_page(page: list[dict[str, Any]], start: int, end: int, total: int) -> dict[str, Any]:
    number = start // max(end - start, 1) if page else 0
    return {"data": {"content": page, "last": end >= total, "number": number}}


def keyed_page(*path: str) -> Body:
    """`{"users": page}` for ("users",), `{"data": {"projects": page}}` for ("data", "projects")."""

    def body(page: list[dict[str, Any]], start: int, end: int, total: int) -> dict[str, Any]:
        nested: dict[str, Any] = {path[-1]: page}
        for key in reversed(path[:-1]):
            nested = {key: nested}
        return nested

    return body


def whole(items: Any) -> Handler:
    """An unpaginated endpoint: the same document on every call."""
    return lambda _request: Reply(json_body=items)


def guarded(header: str, value: str) -> Callable[[Handler], Handler]:
    return requires(header, value, DENIED)
