"""Slack Web API for corpus A9: users.list, conversations.list and usergroups.list.

Reuses `tests/example_fakes/slack.py` (its members, channels and `next_cursor` pager, which
follow https://api.slack.com/apis/pagination) behind the corpus's own dummy token, and adds:
- usergroups.list — https://api.slack.com/methods/usergroups.list : not paginated;
  `{"ok": true, "usergroups": [...]}`, each group's `users` array only with `include_users=true`.
- Errors — https://api.slack.com/web#evaluating_responses : a bad token is HTTP **200** with
  `{"ok": false, "error": "invalid_auth"}` and no data key.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import requires
from tests.example_fakes.slack import CHANNELS, DENIED, MEMBERS, cursor_list

GROUPS: list[dict[str, Any]] = [
    {
        "id": f"S{n:06d}",
        "team_id": "T0000001",
        "is_usergroup": True,
        "name": f"Group {n}",
        "handle": f"group-{n}",
        "description": f"Group number {n}",
        "is_external": False,
        "date_create": 1_700_000_000 + n,
        "date_update": 1_700_100_000 + n,
        "updated_by": "U000001",
        "user_count": 3,
        "users_when_included": [f"U{n * 3 + k + 1:06d}" for k in range(3)],
    }
    for n in range(12)
]


def usergroups(request: Received) -> Reply:
    include = request.query.get("include_users") == "true"
    groups = [
        {
            **{k: v for k, v in g.items() if k != "users_when_included"},
            **({"users": g["users_when_included"]} if include else {}),
        }
        for g in GROUPS
    ]
    return Reply(json_body={"ok": True, "usergroups": groups})


def install(api: FakeApi, token: str) -> None:
    """Serve the three methods under `/api`, accepting only `Authorization: Bearer <token>`."""
    auth = requires("Authorization", f"Bearer {token}", DENIED)
    api.route("GET", "/api/users.list", auth(cursor_list("members", MEMBERS, "user:")))
    api.route("GET", "/api/conversations.list", auth(cursor_list("channels", CHANNELS, "chan:")))
    api.route("GET", "/api/usergroups.list", auth(usergroups))


EXPECTED: dict[str, set[str]] = {
    "slack-user": {str(m["id"]) for m in MEMBERS},
    "slack-channel": {str(c["id"]) for c in CHANNELS},
    "slack-user-group": {str(g["id"]) for g in GROUPS},
}
