"""Slack Web API for corpus C3/C4 (the reference's Slack examples): users, channels, team.info.

Extends `fakes/slack.py` (members, channels and the `response_metadata.next_cursor` pager of
https://api.slack.com/apis/pagination) with:
- team.info — https://api.slack.com/methods/team.info : not paginated; `{"ok": true, "team":
  {"id", "name", "domain", "email_domain", "icon": {"image_132", ...}}}`.
- An unknown method — https://api.slack.com/web#evaluating_responses : HTTP 200 with
  `{"ok": false, "error": "unknown_method"}` ("This method does not exist"), served here for the
  doubled paths `/api/api/<method>` that C4's `base_url .../api` + kind `/api/...` produce.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi, Reply
from tests.example_fakes import requires
from tests.example_fakes.slack import CHANNELS, DENIED, MEMBERS, cursor_list

METHODS = ("users.list", "conversations.list", "team.info")
TEAM: dict[str, Any] = {
    "id": "T0000001",
    "name": "Corpus Workspace",
    "domain": "corpus",
    "email_domain": "example.com",
    "icon": {
        "image_34": "https://a.slack-edge.com/34.png",
        "image_132": "https://a.slack-edge.com/132.png",
    },
}
UNKNOWN = Reply(200, {"ok": False, "error": "unknown_method"})


def install(api: FakeApi, token: str) -> None:
    auth = requires("Authorization", f"Bearer {token}", DENIED)
    api.route("GET", "/api/users.list", auth(cursor_list("members", MEMBERS, "user:")))
    api.route("GET", "/api/conversations.list", auth(cursor_list("channels", CHANNELS, "chan:")))
    api.route("GET", "/api/team.info", auth(lambda _r: Reply(json_body={"ok": True, "team": TEAM})))
    for method in METHODS:
        api.route("GET", f"/api/api/{method}", lambda _r: UNKNOWN)


def expected(user: str, channel: str, workspace: str) -> dict[str, set[str]]:
    return {
        user: {str(m["id"]) for m in MEMBERS},
        channel: {str(c["id"]) for c in CHANNELS},
        workspace: {TEAM["id"]},
    }
