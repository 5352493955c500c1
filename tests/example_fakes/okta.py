"""Okta Management API: users and groups, top-level JSON arrays paged by the `Link` header.

Documented behaviour followed here:
- Pagination — https://developer.okta.com/docs/api/#pagination : `limit`, and `Link` headers
  `<https://{yourOktaDomain}/api/v1/users?limit=200>; rel="self"` and, when more exist,
  `<https://{yourOktaDomain}/api/v1/users?after=00ubfjQEMYBLRUWIEDKK&limit=200>; rel="next"`;
  the `after` cursor is opaque and the absence of `rel="next"` ends the list. Okta sends the two
  links as two `Link` header fields; this fake folds them into one comma-separated field,
  which RFC 9110 §5.3 defines as equivalent.
- List users —
  https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
  `limit` max 200; without a filter, DEPROVISIONED users are not returned.
- List groups —
  https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/listGroups
- API tokens — https://developer.okta.com/docs/guides/create-an-api-token/main/ :
  `Authorization: SSWS <token>`; otherwise 401 with `errorCode` `E0000011`
  ("Invalid token provided").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, origin, requires, size

API_KEY = "SSWS 00REPLACE_ME_000000000000000000000000000"
DENIED = Reply(
    401,
    {
        "errorCode": "E0000011",
        "errorSummary": "Invalid token provided",
        "errorLink": "E0000011",
        "errorId": "oae0000000000000000000000",
        "errorCauses": [],
    },
)
STATUSES = ["ACTIVE", "ACTIVE", "PROVISIONED", "SUSPENDED", "LOCKED_OUT", "DEPROVISIONED"]
USERS: list[dict[str, Any]] = [
    {
        "id": f"00u{n:017d}",
        "status": STATUSES[n % len(STATUSES)],
        "created": "2023-08-01T12:00:00.000Z",
        "lastLogin": None if n % 7 == 0 else "2024-06-01T07:45:00.000Z",
        "profile": {
            "firstName": f"Isaac{n}",
            "lastName": "Brock",
            "email": f"isaac{n}@example.org",
            "login": f"isaac{n}@example.org",
        },
        "_links": {"self": {"href": f"https://your-org.okta.com/api/v1/users/00u{n:017d}"}},
    }
    for n in range(260)
]
LISTED_USERS = [user for user in USERS if user["status"] != "DEPROVISIONED"]
GROUPS: list[dict[str, Any]] = [
    {
        "id": f"00g{n:017d}",
        "type": "BUILT_IN" if n == 0 else ("APP_GROUP" if n % 5 == 0 else "OKTA_GROUP"),
        "profile": {
            "name": "Everyone" if n == 0 else f"Group {n}",
            "description": None if n % 2 else f"People of area {n}",
        },
    }
    for n in range(64)
]


def link_listed(path: str, items: list[dict[str, Any]], max_limit: int) -> Any:
    def handler(request: Received) -> Reply:
        limit = size(request, "limit", max_limit, max_limit)
        after = request.query.get("after")
        ids = [item["id"] for item in items]
        start = ids.index(after) + 1 if after else 0
        page = items[start : start + limit]
        here = f"{origin(request)}{path}"
        links = [f'<{here}?{request.raw_query}>; rel="self"']
        if start + limit < len(items):
            query = urlencode({"after": page[-1]["id"], "limit": limit})
            links.append(f'<{here}?{query}>; rel="next"')
        return Reply(json_body=page, headers={"Link": ", ".join(links)})

    return handler


def install(api: FakeApi) -> Expected:
    auth = requires("Authorization", API_KEY, DENIED)
    api.route("GET", "/api/v1/users", auth(link_listed("/api/v1/users", LISTED_USERS, 200)))
    api.route("GET", "/api/v1/groups", auth(link_listed("/api/v1/groups", GROUPS, 10_000)))
    return Expected(
        entities={
            "oktaUser": {str(user["id"]) for user in LISTED_USERS},
            "oktaGroup": {str(group["id"]) for group in GROUPS},
        },
        auth_header="authorization",
        auth_value=API_KEY,
        requests=2 + 1,  # 217 listed users at limit=200; 64 groups fit one page
    )
