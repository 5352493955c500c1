"""HubSpot CRM API v3: companies and contacts, paged by `paging.next.after`.

Documented behaviour followed here:
- CRM objects, list and paging — https://developers.hubspot.com/docs/api/crm/contacts and
  https://developers.hubspot.com/docs/api/crm/companies : `GET /crm/v3/objects/{object}` with
  `limit` (default 10, max 100), `after`, `properties` (comma-separated; without it only a
  default set comes back) and `associations`; the response is `{"results": [...], "paging":
  {"next": {"after": "<opaque>", "link": "..."}}}`, with no `paging` on the last page. Each
  result is `{"id", "properties": {...}, "createdAt", "updatedAt", "archived"}`;
  associations come as `{"companies": {"results": [{"id", "type"}]}}`, one entry per
  association type (so the same company can appear twice).
- Private app access tokens — https://developers.hubspot.com/docs/api/private-apps :
  `Authorization: Bearer <token>`; otherwise 401 with `"category": "INVALID_AUTHENTICATION"`.
"""

from __future__ import annotations

from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Any

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, requires, size

TOKEN = "pat-na1-REPLACE0-0000-0000-0000-000000000000"
DENIED = Reply(
    401,
    {
        "status": "error",
        "message": "Authentication credentials not found.",
        "category": "INVALID_AUTHENTICATION",
    },
)
DEFAULT_PROPERTIES = {
    "contacts": ["email", "firstname", "lastname"],
    "companies": ["name", "domain"],
}
ALWAYS = ["createdate", "hs_object_id", "lastmodifieddate"]
COMPANIES: list[dict[str, Any]] = [
    {
        "id": str(5_000_000 + n),
        "properties": {
            "name": f"Company {n}",
            "domain": f"company{n}.example",
            "industry": None if n % 4 == 0 else "COMPUTER_SOFTWARE",
            "createdate": "2023-01-10T10:00:00.000Z",
            "hs_object_id": str(5_000_000 + n),
            "lastmodifieddate": "2024-01-10T10:00:00.000Z",
        },
        "createdAt": "2023-01-10T10:00:00.000Z",
        "updatedAt": "2024-01-10T10:00:00.000Z",
        "archived": False,
    }
    for n in range(60)
]
CONTACTS: list[dict[str, Any]] = [
    {
        "id": str(100 + n),
        "properties": {
            "email": f"contact{n}@example.com",
            "firstname": f"First{n}",
            "lastname": None if n % 8 == 0 else f"Last{n}",
            "jobtitle": None if n % 3 else "CTO",
            "lifecyclestage": ["lead", "customer", "subscriber"][n % 3],
            "createdate": "2023-05-01T09:00:00.000Z",
            "hs_object_id": str(100 + n),
            "lastmodifieddate": "2024-05-01T09:00:00.000Z",
        },
        "createdAt": "2023-05-01T09:00:00.000Z",
        "updatedAt": "2024-05-01T09:00:00.000Z",
        "archived": False,
        "company": None if n % 5 == 0 else COMPANIES[n % len(COMPANIES)]["id"],
    }
    for n in range(205)
]


def crm_list(object_type: str, objects: list[dict[str, Any]]) -> Any:
    def handler(request: Received) -> Reply:
        limit = size(request, "limit", 10, 100)
        after = request.query.get("after")
        start = int(urlsafe_b64decode(after).decode()) if after else 0
        wanted = (
            request.query.get("properties", "").split(",")
            if "properties" in request.query
            else DEFAULT_PROPERTIES[object_type]
        )
        associations = request.query.get("associations", "").split(",")
        results = [_shaped(item, wanted, associations) for item in objects[start : start + limit]]
        body: dict[str, Any] = {"results": results}
        if start + limit < len(objects):
            cursor = urlsafe_b64encode(str(start + limit).encode()).decode()
            body["paging"] = {"next": {"after": cursor, "link": f"?after={cursor}"}}
        return Reply(json_body=body)

    return handler


def _shaped(item: dict[str, Any], wanted: list[str], associations: list[str]) -> dict[str, Any]:
    properties = {k: v for k, v in item["properties"].items() if k in wanted or k in ALWAYS}
    shaped = {k: v for k, v in item.items() if k != "company"} | {"properties": properties}
    if "companies" in associations and item.get("company"):
        links = [
            {"id": item["company"], "type": "contact_to_company"},
            {"id": item["company"], "type": "contact_to_company_unlabeled"},
        ]
        shaped["associations"] = {"companies": {"results": links}}
    return shaped


def install(api: FakeApi) -> Expected:
    auth = requires("Authorization", f"Bearer {TOKEN}", DENIED)
    api.route("GET", "/crm/v3/objects/companies", auth(crm_list("companies", COMPANIES)))
    api.route("GET", "/crm/v3/objects/contacts", auth(crm_list("contacts", CONTACTS)))
    return Expected(
        entities={
            "hubspotCompany": {company["id"] for company in COMPANIES},
            "hubspotContact": {contact["id"] for contact in CONTACTS},
        },
        auth_header="authorization",
        auth_value=f"Bearer {TOKEN}",
        requests=1 + 3,  # 60 companies (1 page) and 205 contacts (3 pages) at limit=100
    )
