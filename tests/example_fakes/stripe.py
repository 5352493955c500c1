"""Stripe API: customers and subscriptions, paged by `starting_after` = the last item's id.

Documented behaviour followed here:
- Pagination — https://docs.stripe.com/api/pagination : list objects
  `{"object": "list", "url": "/v1/customers", "has_more": true, "data": [...]}`, newest first;
  `limit` 1 to 100 (default 10); `starting_after` takes an object id — "the last object of the
  list you received" — and an unknown id is a 400 `resource_missing` error.
- List customers — https://docs.stripe.com/api/customers/list
- List subscriptions — https://docs.stripe.com/api/subscriptions/list : `status` defaults to
  leaving out canceled subscriptions; `status=all` includes them.
- Authentication — https://docs.stripe.com/api/authentication : bearer auth
  (`Authorization: Bearer sk_...` or a restricted `rk_...` key); a bad key gets 401 with an
  `invalid_request_error`.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, requires, size

TOKEN = "rk_test_REPLACE_ME_000000000000000000000000000000000000"
DENIED = Reply(
    401,
    {
        "error": {
            "message": "Invalid API Key provided: rk_test_****0000",
            "type": "invalid_request_error",
        }
    },
)
CUSTOMERS: list[dict[str, Any]] = [
    {
        "id": f"cus_Q{n:013d}",
        "object": "customer",
        "name": None if n % 6 == 0 else f"Customer {n}",
        "email": f"billing{n}@example.com",
        "currency": None if n % 7 == 0 else "usd",
        "delinquent": n % 11 == 0,
        "created": 1_717_000_000 - n * 60,
        "livemode": False,
    }
    for n in range(205)
]
STATUSES = ["active", "trialing", "past_due", "canceled", "unpaid", "incomplete"]
SUBSCRIPTIONS: list[dict[str, Any]] = [
    {
        "id": f"sub_1P{n:012d}",
        "object": "subscription",
        "customer": CUSTOMERS[n % len(CUSTOMERS)]["id"],
        "status": STATUSES[n % len(STATUSES)],
        "cancel_at_period_end": n % 5 == 0,
        "created": 1_716_000_000 - n * 60,
        "currency": "usd",
        "items": {
            "object": "list",
            "data": [{"id": f"si_{n:010d}", "price": {"id": f"price_{n % 3:08d}"}}],
            "has_more": False,
            "url": f"/v1/subscription_items?subscription=sub_1P{n:012d}",
        },
    }
    for n in range(110)
]


def stripe_list(url: str, objects: list[dict[str, Any]]) -> Any:
    def handler(request: Received) -> Reply:
        items = objects
        if url == "/v1/subscriptions" and request.query.get("status") != "all":
            items = [item for item in items if item["status"] != "canceled"]
        limit = size(request, "limit", 10, 100)
        start = 0
        if after := request.query.get("starting_after"):
            ids = [item["id"] for item in items]
            if after not in ids:
                return Reply(400, _missing(after))
            start = ids.index(after) + 1
        data = items[start : start + limit]
        body = {"object": "list", "url": url, "has_more": start + limit < len(items), "data": data}
        return Reply(json_body=body)

    return handler


def _missing(object_id: str) -> dict[str, Any]:
    return {
        "error": {
            "code": "resource_missing",
            "message": f"No such object: '{object_id}'",
            "param": "starting_after",
            "type": "invalid_request_error",
        }
    }


def install(api: FakeApi) -> Expected:
    auth = requires("Authorization", f"Bearer {TOKEN}", DENIED)
    for url, objects in (("/v1/customers", CUSTOMERS), ("/v1/subscriptions", SUBSCRIPTIONS)):
        api.route("GET", url, auth(stripe_list(url, objects)))
    return Expected(
        entities={
            "stripeCustomer": {str(customer["id"]) for customer in CUSTOMERS},
            "stripeSubscription": {str(sub["id"]) for sub in SUBSCRIPTIONS},  # status=all
        },
        auth_header="authorization",
        auth_value=f"Bearer {TOKEN}",
        requests=3 + 2,  # 205 customers and 110 subscriptions at limit=100
    )
