"""Zendesk Support API v2 for corpus C7: users, tickets, organizations and ticket comments.

Extends `tests/example_fakes/zendesk.py` (its cursor pager: `page[size]` max 100,
`page[after]=<meta.after_cursor>`, `meta.has_more`, `links.next` —
https://developer.zendesk.com/api-reference/introduction/pagination/ ; basic auth
`{email}/token:{api_token}`, else 401 `{"error": "Couldn't authenticate you"}`) with:
- List organizations — https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/
- List comments — https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/ :
  `GET /api/v2/tickets/{ticket_id}/comments.json`, `{"comments": [{"id", "type": "Comment",
  "author_id", "body", "html_body", "plain_body", "public", "audit_id", "via": {"channel"},
  "created_at"}]}`, cursor-paginated like every list. A comment carries no ticket id.
"""

from __future__ import annotations

from base64 import b64encode
from typing import Any

from sample_api.server import FakeApi
from tests.example_fakes import requires
from tests.example_fakes.zendesk import DENIED, TICKETS, USERS, listing

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "id": 900_000 + n,
        "url": f"https://yourcompany.zendesk.com/api/v2/organizations/{900_000 + n}.json",
        "name": f"Org {n}",
        "created_at": "2023-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
    }
    for n in range(120)
]
COMMENTS: dict[int, list[dict[str, Any]]] = {
    ticket["id"]: [
        {
            "id": ticket["id"] * 10 + k,
            "type": "Comment",
            "author_id": USERS[(ticket["id"] + k) % len(USERS)]["id"],
            "body": f"Comment {k} on {ticket['id']}\nsecond line",
            "html_body": f"<p>Comment {k}</p>",
            "plain_body": f"Comment {k}",
            "public": k == 0,
            "audit_id": ticket["id"] * 100 + k,
            "via": {"channel": "web"},
            "created_at": "2024-02-10T12:00:00Z",
        }
        for k in range(2)
    ]
    for ticket in TICKETS
}


def basic(username: str, password: str) -> str:
    return "Basic " + b64encode(f"{username}:{password}".encode()).decode()


def install(api: FakeApi, username: str, password: str) -> None:
    auth = requires("Authorization", basic(username, password), DENIED)
    for path, key, items in (
        ("/api/v2/users.json", "users", USERS),
        ("/api/v2/tickets.json", "tickets", TICKETS),
        ("/api/v2/organizations.json", "organizations", ORGANIZATIONS),
    ):
        api.route("GET", path, auth(listing(path, key, items)))
    for ticket_id, comments in COMMENTS.items():
        path = f"/api/v2/tickets/{ticket_id}/comments.json"
        api.route("GET", path, auth(listing(path, "comments", comments)))


EXPECTED = {
    "zendesk_user": {str(u["id"]) for u in USERS},
    "zendesk_ticket": {str(t["id"]) for t in TICKETS},
    "zendesk_organization": {str(o["id"]) for o in ORGANIZATIONS},
    "zendesk_comment": {str(c["id"]) for cs in COMMENTS.values() for c in cs},
}
