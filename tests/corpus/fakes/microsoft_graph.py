"""Microsoft Graph v1.0 for corpus A5: users, groups, applications and service principals.

Reuses the `@odata.nextLink` pager of `tests/example_fakes/microsoft_graph.py` (it follows
https://learn.microsoft.com/en-us/graph/paging : `$top` up to 999, an absolute next link with
an opaque `$skiptoken`, none on the last page) and its 401 `InvalidAuthenticationToken` error,
behind the corpus's own dummy bearer token, over a tenant large enough that `$top=999` is
several pages. Entities follow
https://learn.microsoft.com/en-us/graph/api/resources/user ,
https://learn.microsoft.com/en-us/graph/api/resources/group (`$expand=members($select=id)`
adds `members: [{"@odata.type", "id"}]`),
https://learn.microsoft.com/en-us/graph/api/resources/application and
https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal .
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi
from tests.example_fakes import requires
from tests.example_fakes.microsoft_graph import DENIED, odata_list


def _guid(prefix: int, n: int) -> str:
    return f"{n:08x}-{prefix:04x}-4e5f-8a9b-0c1d2e3f4a5b"


USERS: list[dict[str, Any]] = [
    {
        "id": _guid(1, n),
        "displayName": f"Adele {n}",
        "userPrincipalName": f"adele{n}@contoso.com",
        "givenName": "Adele",
        "surname": f"V{n}",
        "mail": f"adele{n}@contoso.com",
        "jobTitle": None,
        "department": "Platform",
        "officeLocation": None,
        "accountEnabled": True,
        "createdDateTime": "2023-09-12T14:30:00Z",
    }
    for n in range(1001)
]
GROUPS: list[dict[str, Any]] = [
    {
        "id": _guid(2, n),
        "displayName": f"Group {n}",
        "description": None,
        "groupTypes": [],
        "mailEnabled": False,
        "securityEnabled": True,
        "createdDateTime": "2023-09-12T14:30:00Z",
        "members": [{"@odata.type": "#microsoft.graph.user", "id": USERS[n]["id"]}],
    }
    for n in range(30)
]
APPLICATIONS: list[dict[str, Any]] = [
    {
        "id": _guid(3, n),
        "appId": _guid(4, n),
        "displayName": f"App {n}",
        "publisherDomain": "contoso.com",
        "signInAudience": "AzureADMyOrg",
        "createdDateTime": "2024-01-01T00:00:00Z",
    }
    for n in range(20)
]
SERVICE_PRINCIPALS: list[dict[str, Any]] = [
    {
        "id": _guid(5, n),
        "appId": _guid(6, n),
        "displayName": f"SP {n}",
        "appOwnerOrganizationId": _guid(7, 0),
        "accountEnabled": True,
        "appRoleAssignmentRequired": False,
        "createdDateTime": "2024-01-01T00:00:00Z",
    }
    for n in range(40)
]
SETS: dict[str, list[dict[str, Any]]] = {
    "users": USERS,
    "groups": GROUPS,
    "applications": APPLICATIONS,
    "servicePrincipals": SERVICE_PRINCIPALS,
}


def install(api: FakeApi, token: str) -> None:
    auth = requires("Authorization", f"Bearer {token}", DENIED)
    for name, items in SETS.items():
        api.route("GET", f"/v1.0/{name}", auth(odata_list(name, items)))


EXPECTED: dict[str, set[str]] = {
    "entra-id-user": {str(u["id"]) for u in USERS},
    "entra-id-group": {str(g["id"]) for g in GROUPS},
    "entra-id-application": {str(a["id"]) for a in APPLICATIONS},
    "entra-id-service-principal": {str(s["id"]) for s in SERVICE_PRINCIPALS},
}
