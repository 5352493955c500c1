"""Notion API: the workspace's users (GET) and the rows of one database (POST query), both paged
by `start_cursor` / `page_size` — in the query string of the GET, in the JSON body of the POST.

Documented behaviour followed here:
- Pagination — https://developers.notion.com/reference/pagination : `start_cursor` (opaque
  string; absent: from the beginning) and `page_size` (number, default and maximum 100); "for
  endpoints using the HTTP GET method, these parameters are accepted in the request query
  string. For endpoints using the HTTP POST method, these parameters are accepted in the request
  body" — so a POST's query string is not read. Responses are
  `{"object": "list", "results": [...], "next_cursor": "...", "has_more": true,
  "type": "page_or_database", "page_or_database": {}}`; `next_cursor` is null on the last page.
- Query a database — https://developers.notion.com/reference/post-database-query :
  `POST /v1/databases/{database_id}/query` with optional `filter` and `sorts`; a database not
  shared with the integration is a 404 `object_not_found` (the 2022-06-28 version; from
  2025-09-03 the same query is `POST /v1/data_sources/{id}/query`).
- List all users — https://developers.notion.com/reference/get-users : people and bots;
  `person.email` with the "read user information including email addresses" capability.
- Versioning — https://developers.notion.com/reference/versioning : the `Notion-Version`
  header is required; without it a 400 `missing_version`.
- Status codes — https://developers.notion.com/reference/status-codes : errors are
  `{"object": "error", "status": 401, "code": "unauthorized", "message": "API token is
  invalid."}`; a body that does not match the schema (page_size "100" as a string) is a 400
  `validation_error`.
- Authentication — https://developers.notion.com/reference/authentication :
  `Authorization: Bearer <integration secret>`.
"""

from __future__ import annotations

import json
from typing import Any

from sample_api.server import FakeApi, Handler, Received, Reply
from tests.example_fakes import Expected, requires

TOKEN = "ntn_REPLACE_ME_0000000000000000000000000000000000000000"
VERSION = "2022-06-28"
DATABASE_ID = "668d797c76fa49349b05ad288df2d136"
QUERY_PATH = f"/v1/databases/{DATABASE_ID}/query"
STATUSES = ["Active", "Planned", "Retired", "Active", "Deprecated"]


def error(status: int, code: str, message: str) -> Reply:
    body = {"object": "error", "status": status, "code": code, "message": message}
    return Reply(status, {**body, "request_id": "6a2b1c1e-3f0d-4a57-9c55-0d5c1b7e2f10"})


DENIED = error(401, "unauthorized", "API token is invalid.")


def _uuid(n: int, prefix: str) -> str:
    return f"{prefix}{n:04x}-0000-4000-8000-{n:012x}"


def _rich_text(text: str) -> list[dict[str, Any]]:
    head, _, tail = text.partition(" ")
    return [
        {"type": "text", "text": {"content": part}, "plain_text": part}
        for part in (head + " ", tail)
    ]


USERS: list[dict[str, Any]] = [
    {
        "object": "user",
        "id": _uuid(n, "a1b2"),
        "type": "bot" if n % 10 == 9 else "person",
        "name": f"Person {n}",
        "avatar_url": None,
        **({"bot": {}} if n % 10 == 9 else {"person": {"email": f"person{n}@example.com"}}),
    }
    for n in range(130)
]
PEOPLE = [user for user in USERS if user["type"] == "person"]
PAGES: list[dict[str, Any]] = [
    {
        "object": "page",
        "id": _uuid(n, "c3d4"),
        "created_time": f"2024-02-{1 + n % 28:02d}T10:{n % 60:02d}:00.000Z",
        "last_edited_time": "2024-06-01T08:30:00.000Z",
        "archived": False,
        "in_trash": False,
        "url": f"https://www.notion.so/Service-{n}-{n:032x}",
        "parent": {"type": "database_id", "database_id": "668d797c-76fa-4934-9b05-ad288df2d136"},
        "properties": {
            "Name": {"id": "title", "type": "title", "title": _rich_text(f"Service {n}")},
            "Status": {"id": "s%3Aa", "type": "status", "status": {"name": STATUSES[n % 5]}},
            "Tier": {"id": "t%3Ab", "type": "select", "select": {"name": f"Tier {1 + n % 3}"}},
            "Tags": {
                "id": "g%3Ac",
                "type": "multi_select",
                "multi_select": [{"name": "backend"}] if n % 2 else [],
            },
            "Owner": {
                "id": "o%3Ad",
                "type": "people",
                "people": [] if n % 7 == 0 else [{"object": "user", "id": PEOPLE[n % 50]["id"]}],
            },
        },
    }
    for n in range(263)
]


def listing(items: list[dict[str, Any]], cursor: Any, size: Any, kind: str) -> Reply:
    """One page of `items` after the item whose id is `cursor`, as Notion pages its lists."""
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 100:
        return error(400, "validation_error", f"body failed validation: page_size {size!r}")
    ids = [item["id"] for item in items]
    if cursor is not None and (not isinstance(cursor, str) or cursor not in ids):
        return error(400, "validation_error", f"start_cursor should be a valid uuid: {cursor!r}")
    start = ids.index(cursor) if cursor is not None else 0
    page = items[start : start + size]
    more = start + size < len(items)
    body: dict[str, Any] = {
        "object": "list",
        "results": page,
        "next_cursor": ids[start + size] if more else None,
        "has_more": more,
        "type": kind,
        kind: {},
    }
    return Reply(json_body=body)


def versioned(handler: Handler) -> Handler:
    def checked(request: Received) -> Reply:
        if "notion-version" not in request.headers:
            return error(400, "missing_version", "Notion-Version header should be defined.")
        return handler(request)

    return checked


def list_users(request: Received) -> Reply:
    size = request.query.get("page_size", "100")
    number = int(size) if size.isdigit() else size
    return listing(USERS, request.query.get("start_cursor"), number, "user")


def query_database(request: Received) -> Reply:
    """Reads the body only: a `start_cursor` in the query string is not looked at."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return error(400, "invalid_json", "Error parsing JSON body.")
    if not isinstance(body, dict):
        return error(400, "validation_error", "body failed validation: body should be an object")
    if "start_cursor" in body and not isinstance(body["start_cursor"], str):
        # Notion's schema: a string or left out (`null` is not "the first page").
        return error(400, "validation_error", "body.start_cursor should be a string")
    rows = PAGES
    if (condition := body.get("filter")) is not None:
        if condition != {"property": "Status", "status": {"does_not_equal": "Retired"}}:
            return error(400, "validation_error", f"this fake knows one filter, not {condition}")
        rows = [row for row in PAGES if row["properties"]["Status"]["status"]["name"] != "Retired"]
    return listing(rows, body.get("start_cursor"), body.get("page_size", 100), "page_or_database")


def install(api: FakeApi) -> Expected:
    authenticated = requires("Authorization", f"Bearer {TOKEN}", DENIED)
    api.route("GET", "/v1/users", authenticated(versioned(list_users)))
    api.route("POST", QUERY_PATH, authenticated(versioned(query_database)))
    current = [row for row in PAGES if row["properties"]["Status"]["status"]["name"] != "Retired"]
    return Expected(
        entities={
            "notionUser": {user["id"] for user in PEOPLE},
            "notionService": {row["id"] for row in current},
        },
        auth_header="authorization",
        auth_value=f"Bearer {TOKEN}",
        # 130 users at 100 per page; 263 rows minus 53 retired = 210 at 100 per page.
        requests=2 + 3,
    )
