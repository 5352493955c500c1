"""Microsoft Graph v1.0: users and groups, paged by `@odata.nextLink`.

Documented behaviour followed here:
- Paging — https://learn.microsoft.com/en-us/graph/paging : a page that is not the last has an
  `@odata.nextLink` property holding the absolute URL of the next page (with a `$skiptoken`),
  to be used as is; the last page has none. `$top` sets the page size; the next link keeps it
  and the other query options.
- List users — https://learn.microsoft.com/en-us/graph/api/user-list?view=graph-rest-1.0 :
  `{"@odata.context": ..., "@odata.nextLink": ..., "value": [...]}`; `$top` 1 to 999, default
  100; `$select` returns only the selected properties.
- List groups — https://learn.microsoft.com/en-us/graph/api/group-list?view=graph-rest-1.0
- Authentication — https://learn.microsoft.com/en-us/graph/auth-v2-service :
  `Authorization: Bearer <access token>`; otherwise 401 `InvalidAuthenticationToken`.
- Client credentials flow —
  https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow :
  `POST https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`, form-encoded
  `client_id`, `scope=https://graph.microsoft.com/.default`, `client_secret`,
  `grant_type=client_credentials`; answers `{"token_type": "Bearer", "expires_in": 3599,
  "ext_expires_in": 3599, "access_token": ...}`; a wrong secret gets 401 `invalid_client`
  (AADSTS7000215), another scope 400 `invalid_scope`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, origin, requires, size

TENANT = "00000000-0000-0000-0000-000000000000"  # as in the example's oauthTokenUrl
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
CLIENT_SECRET = "REPLACE_ME~client-secret-value-0000000000"
TOKEN_PATH = f"/{TENANT}/oauth2/v2.0/token"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.app-only-graph-token.000000000000000000"
DENIED = Reply(
    401,
    {
        "error": {
            "code": "InvalidAuthenticationToken",
            "message": "Access token validation failure. Invalid audience.",
            "innerError": {"date": "2024-06-01T10:00:00", "request-id": "0000"},
        }
    },
)
USERS: list[dict[str, Any]] = [
    {
        "id": f"{n:08x}-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "displayName": f"Adele {n}",
        "userPrincipalName": f"adele{n}@contoso.onmicrosoft.com",
        "mail": None if n % 9 == 0 else f"adele{n}@contoso.com",
        "jobTitle": None if n % 2 else "Engineer",
        "department": "Platform",
        "accountEnabled": n % 10 != 0,
        "businessPhones": [],
        "officeLocation": None,
    }
    for n in range(205)
]
GROUPS: list[dict[str, Any]] = [
    {
        "id": f"{n:08x}-aaaa-4bbb-8ccc-dddddddddddd",
        "displayName": f"Group {n}",
        "description": None if n % 3 == 0 else f"Members of group {n}",
        "mail": f"group{n}@contoso.com" if n % 2 else None,
        "securityEnabled": n % 2 == 0,
        "groupTypes": ["Unified"] if n % 2 else [],
        "createdDateTime": "2023-09-12T14:30:00Z",
        "visibility": "Private",
    }
    for n in range(45)
]


def odata_list(entity_set: str, items: list[dict[str, Any]]) -> Any:
    def handler(request: Received) -> Reply:
        top = size(request, "$top", 100, 999)
        start = int(request.query.get("$skiptoken", "0") or "0")
        selected = [name for name in request.query.get("$select", "").split(",") if name]
        page = [
            {name: item[name] for name in selected} if selected else item
            for item in items[start : start + top]
        ]
        body: dict[str, Any] = {
            "@odata.context": f"https://graph.microsoft.com/v1.0/$metadata#{entity_set}",
            "value": page,
        }
        if start + top < len(items):
            query = {name: value for name, value in request.query.items() if name != "$skiptoken"}
            next_query = urlencode({**query, "$top": top, "$skiptoken": start + top})
            body["@odata.nextLink"] = f"{origin(request)}/v1.0/{entity_set}?{next_query}"
        return Reply(json_body=body)

    return handler


def token_endpoint(request: Received) -> Reply:
    form = {name: values[-1] for name, values in parse_qs(request.body.decode()).items()}
    if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
        return Reply(401, _token_error("invalid_client", "AADSTS7000215: Invalid client secret."))
    if form.get("grant_type") != "client_credentials":
        return Reply(400, _token_error("unsupported_grant_type", "AADSTS70003"))
    if form.get("scope") != "https://graph.microsoft.com/.default":
        return Reply(400, _token_error("invalid_scope", "AADSTS1002012: scope is not valid."))
    token = {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599}
    return Reply(json_body={**token, "access_token": TOKEN})


def _token_error(code: str, description: str) -> dict[str, Any]:
    return {"error": code, "error_description": description, "error_codes": [7000215]}


def install(api: FakeApi) -> Expected:
    api.route("POST", TOKEN_PATH, token_endpoint)
    auth = requires("Authorization", f"Bearer {TOKEN}", DENIED)
    api.route("GET", "/v1.0/users", auth(odata_list("users", USERS)))
    api.route("GET", "/v1.0/groups", auth(odata_list("groups", GROUPS)))
    return Expected(
        entities={
            "entraUser": {str(user["id"]) for user in USERS},
            "entraGroup": {str(group["id"]) for group in GROUPS},
        },
        auth_header="authorization",
        auth_value=f"Bearer {TOKEN}",
        requests=1 + 3 + 1,  # one token; 205 users (3 pages) and 45 groups (1 page) at $top=100
        login_path=TOKEN_PATH,
    )
