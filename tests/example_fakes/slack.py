"""Slack Web API: `users.list` and `conversations.list`, paged by `response_metadata.next_cursor`.

Documented behaviour followed here:
- Pagination — https://api.slack.com/apis/pagination : `limit` and `cursor`; each response
  carries `response_metadata.next_cursor`, an empty string when there are no more pages;
  "fewer than the requested number of items may be returned, even if the end of the list
  hasn't been reached" (here: archived channels are filtered after the page is cut).
- users.list — https://api.slack.com/methods/users.list : `{"ok": true, "members": [...],
  "cache_ts", "response_metadata": {"next_cursor": "dXNlcjpVMEc5V0ZYTlo="}}`; the list holds
  deleted users, bots and `USLACKBOT`, which the example's selector query leaves out.
- conversations.list — https://api.slack.com/methods/conversations.list : `types`,
  `exclude_archived`; `{"ok": true, "channels": [...], "response_metadata": {...}}`.
- Authentication and errors — https://api.slack.com/web#authentication ,
  https://api.slack.com/web#evaluating_responses : `Authorization: Bearer xoxb-...`; an error
  is HTTP 200 with `{"ok": false, "error": "invalid_auth"}`.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from typing import Any

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, requires, size

TOKEN = "xoxb-REPLACE-ME-000000000000-000000000000-000000000000000000000000"
DENIED = Reply(200, {"ok": False, "error": "invalid_auth"})
MEMBERS: list[dict[str, Any]] = [
    {
        "id": "USLACKBOT" if n == 0 else f"U{n:06d}",
        "team_id": "T0000001",
        "name": "slackbot" if n == 0 else f"user{n}",
        "deleted": n % 23 == 0 and n > 0,
        "real_name": "Slackbot" if n == 0 else f"User {n}",
        "tz": "Europe/Amsterdam",
        "is_admin": n % 50 == 1,
        "is_bot": n % 31 == 0 and n > 0,
        "profile": {"title": "" if n % 2 else "Engineer", "email": f"user{n}@example.com"},
    }
    for n in range(250)
]
CHANNELS: list[dict[str, Any]] = [
    {
        "id": f"C{n:06d}",
        "name": f"team-{n}",
        "is_channel": True,
        "is_private": n % 4 == 0,
        "is_archived": n % 9 == 0,
        "created": 1_700_000_000 + n * 3600,
        "num_members": n % 40,
        "topic": {"value": f"Topic {n}", "creator": "U000001", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }
    for n in range(215)
]


def cursor_list(key: str, items: list[dict[str, Any]], prefix: str) -> Any:
    def handler(request: Received) -> Reply:
        limit = size(request, "limit", 100, 1000)
        cursor = request.query.get("cursor", "")
        start = int(b64decode(cursor).decode().removeprefix(prefix)) if cursor else 0
        page = items[start : start + limit]
        if request.query.get("exclude_archived") == "true":
            page = [item for item in page if not item.get("is_archived")]
        end = start + limit
        next_cursor = b64encode(f"{prefix}{end}".encode()).decode() if end < len(items) else ""
        body = {"ok": True, key: page, "response_metadata": {"next_cursor": next_cursor}}
        return Reply(json_body=body)

    return handler


def install(api: FakeApi) -> Expected:
    auth = requires("Authorization", f"Bearer {TOKEN}", DENIED)
    api.route("GET", "/api/users.list", auth(cursor_list("members", MEMBERS, "user:")))
    api.route("GET", "/api/conversations.list", auth(cursor_list("channels", CHANNELS, "chan:")))
    people = [m for m in MEMBERS if not (m["deleted"] or m["is_bot"] or m["id"] == "USLACKBOT")]
    return Expected(
        entities={
            "slackUser": {str(member["id"]) for member in people},
            "slackChannel": {str(c["id"]) for c in CHANNELS if not c["is_archived"]},
        },
        auth_header="authorization",
        auth_value=f"Bearer {TOKEN}",
        requests=2 + 2,  # 250 members and 215 channels at limit=200
    )
