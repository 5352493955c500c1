"""HubSpot CRM v3 for corpus C5: contacts, companies, deals and a custom object.

Extends `tests/example_fakes/hubspot.py` (its `GET /crm/v3/objects/{object}` pager: `limit`
max 100, `after`, `properties`, `associations`, `{"results": [...], "paging": {"next":
{"after", "link"}}}` with no `paging` on the last page; Bearer private-app token, else 401
`INVALID_AUTHENTICATION` — https://developers.hubspot.com/docs/api/crm/understanding-the-crm)
with deals (https://developers.hubspot.com/docs/api/crm/deals) and a custom object
(https://developers.hubspot.com/docs/api/crm/crm-custom-objects : `/crm/v3/objects/2-<id>`).
A result carries `associations` only when it has some.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi
from tests.example_fakes import requires
from tests.example_fakes.hubspot import COMPANIES, CONTACTS, DEFAULT_PROPERTIES, DENIED, crm_list

DEFAULT_PROPERTIES.setdefault("deals", ["dealname", "amount", "dealstage"])
DEFAULT_PROPERTIES.setdefault("2-24903472", ["name"])
DEALS: list[dict[str, Any]] = [
    {
        "id": str(9_000_000 + n),
        "properties": {
            "dealname": f"Deal {n}",
            "amount": str(1000 + n),
            "dealstage": "appointmentscheduled",
            "pipeline": "default",
            "hs_object_id": str(9_000_000 + n),
        },
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-02-01T00:00:00.000Z",
        "archived": False,
        "company": None if n % 4 == 0 else COMPANIES[n % len(COMPANIES)]["id"],
    }
    for n in range(130)
]
FEATURE_REQUESTS: list[dict[str, Any]] = [
    {
        "id": str(77_000 + n),
        "properties": {
            "name": f"Feature {n}",
            "title": None if n % 3 else f"Title {n}",
            "status": "open",
            "hs_object_id": str(77_000 + n),
        },
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-02-01T00:00:00.000Z",
        "archived": False,
        "company": None,
    }
    for n in range(120)
]
OBJECTS = {
    "contacts": CONTACTS,
    "companies": COMPANIES,
    "deals": DEALS,
    "2-24903472": FEATURE_REQUESTS,
}


def install(api: FakeApi, token: str) -> None:
    auth = requires("Authorization", f"Bearer {token}", DENIED)
    for name, objects in OBJECTS.items():
        api.route("GET", f"/crm/v3/objects/{name}", auth(crm_list(name, objects)))


EXPECTED = {
    "ocean_hubspotContact": {c["id"] for c in CONTACTS},
    "ocean_hubspotCompany": {c["id"] for c in COMPANIES},
    "ocean_hubspotDeal": {d["id"] for d in DEALS},
    "ocean_hubspotFeatureRequest": {f["id"] for f in FEATURE_REQUESTS},
}
