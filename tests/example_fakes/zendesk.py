"""Zendesk Support API: tickets and agents, cursor pagination (`page[size]`, `page[after]`).

Documented behaviour followed here:
- Pagination — https://developer.zendesk.com/api-reference/introduction/pagination/ :
  cursor pagination starts with `page[size]` (max 100) and continues with
  `page[after]=<meta.after_cursor>`; every page carries `meta.has_more`, `meta.after_cursor`,
  `meta.before_cursor` and `links.next`/`links.prev`; `has_more: false` is the stop signal
  (the cursors are still there). Without `page[size]` the endpoint answers with offset
  pagination (`next_page`, `previous_page`, `count`) instead.
- List tickets — https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#list-tickets
- List users — https://developer.zendesk.com/api-reference/ticketing/users/users/#list-users :
  `role` filter (`end-user`, `agent`, `admin`).
- API token authentication —
  https://developer.zendesk.com/api-reference/introduction/security-and-auth/#api-token :
  basic auth with `{email_address}/token:{api_token}`; otherwise 401
  `{"error": "Couldn't authenticate you"}`.
"""

from __future__ import annotations

from base64 import b64encode, urlsafe_b64decode, urlsafe_b64encode
from typing import Any
from urllib.parse import urlencode

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, origin, requires, size

USERNAME = "agent@example.com/token"
API_TOKEN = "REPLACE_ME_zendesk_api_token_0000000000000000"
BASIC = "Basic " + b64encode(f"{USERNAME}:{API_TOKEN}".encode()).decode()
DENIED = Reply(401, {"error": "Couldn't authenticate you"})
USERS: list[dict[str, Any]] = [
    {
        "id": 360_000_000 + n,
        "name": f"Person {n}",
        "email": f"person{n}@example.com",
        "role": "agent" if n % 5 < 2 else "end-user",
        "active": n % 13 != 0,
        "created_at": "2023-11-02T09:15:00Z",
    }
    for n in range(260)
]
AGENTS = [user for user in USERS if user["role"] == "agent"]
TICKETS: list[dict[str, Any]] = [
    {
        "id": 35_000 + n,
        "url": f"https://your-subdomain.zendesk.com/api/v2/tickets/{35_000 + n}.json",
        "subject": f"Cannot log in ({n})",
        "status": ["new", "open", "pending", "hold", "solved", "closed"][n % 6],
        "priority": [None, "low", "normal", "high", "urgent"][n % 5],
        "type": [None, "problem", "incident", "question", "task"][n % 5],
        "tags": ["login"] if n % 2 else [],
        "assignee_id": None if n % 4 == 0 else AGENTS[n % len(AGENTS)]["id"],
        "created_at": "2024-02-10T12:00:00Z",
        "updated_at": "2024-02-11T08:00:00Z",
    }
    for n in range(205)
]


def listing(path: str, key: str, everything: list[dict[str, Any]]) -> Any:
    def handler(request: Received) -> Reply:
        items = everything
        if role := request.query.get("role"):
            items = [item for item in items if item.get("role") == role]
        if "page[size]" not in request.query:  # offset pagination, 100 per page
            page = int(request.query.get("page", "1"))
            body = {key: items[(page - 1) * 100 : page * 100], "count": len(items)}
            return Reply(json_body={**body, "next_page": None, "previous_page": None})
        page_size = size(request, "page[size]", 100, 100)
        after = request.query.get("page[after]")
        start = int(urlsafe_b64decode(after).decode()) if after else 0
        end = min(start + page_size, len(items))
        after_cursor = urlsafe_b64encode(str(end).encode()).decode()
        before_cursor = urlsafe_b64encode(str(start).encode()).decode()
        here = f"{origin(request)}{path}"
        filters = {name: value for name, value in request.query.items() if "page[" not in name}
        next_query = urlencode({**filters, "page[after]": after_cursor, "page[size]": page_size})
        prev_query = urlencode({**filters, "page[before]": before_cursor, "page[size]": page_size})
        body = {
            key: items[start:end],
            "meta": {
                "has_more": end < len(items),
                "after_cursor": after_cursor,
                "before_cursor": before_cursor,
            },
            "links": {"next": f"{here}?{next_query}", "prev": f"{here}?{prev_query}"},
        }
        return Reply(json_body=body)

    return handler


def install(api: FakeApi) -> Expected:
    auth = requires("Authorization", BASIC, DENIED)
    api.route(
        "GET", "/api/v2/tickets.json", auth(listing("/api/v2/tickets.json", "tickets", TICKETS))
    )
    api.route("GET", "/api/v2/users.json", auth(listing("/api/v2/users.json", "users", USERS)))
    return Expected(
        entities={
            "zendeskTicket": {str(ticket["id"]) for ticket in TICKETS},
            "zendeskAgent": {str(agent["id"]) for agent in AGENTS},
        },
        auth_header="authorization",
        auth_value=BASIC,
        requests=3 + 2,  # 205 tickets and 104 agents at page[size]=100
    )
