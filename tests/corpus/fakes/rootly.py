"""Rootly REST API v1 (JSON:API) for corpus A8: incidents, services, teams, users.

Documented behaviour followed here (https://docs.rootly.com/api-reference/overview ,
JSON:API pagination https://jsonapi.org/format/#fetching-pagination):
- `Authorization: Bearer <api key>`; a bad key is 401 with a JSON:API error document
  `{"errors": [{"title": "Unauthorized", "status": "401"}]}`.
- Pages are chosen by `page[number]` (1-based) and `page[size]`; other names (`page`, `size`)
  are ignored, so such a request gets page 1 again.
- `{"data": [{"id", "type", "attributes", "relationships"}], "links": {"self", "first",
  "prev", "next", "last"}, "meta": {"current_page", "next_page", "prev_page", "total_count",
  "total_pages"}}`, content type `application/vnd.api+json`. Links are built from the page
  parameters, not echoed from the request.
"""

from __future__ import annotations

import math
from typing import Any

from sample_api.server import FakeApi, Received, Reply

DENIED = Reply(401, {"errors": [{"title": "Unauthorized", "status": "401"}]})
COUNTS = {"incidents": 250, "services": 30, "teams": 12, "users": 250}


def _record(kind: str, n: int) -> dict[str, Any]:
    attributes: dict[str, Any] = {"name": f"{kind} {n}", "slug": f"{kind}-{n}"}
    if kind == "incidents":
        attributes = {
            "title": f"Incident {n}",
            "status": "resolved" if n % 3 else "started",
            "severity": {"data": {"id": "sev1", "attributes": {"severity": "high"}}},
            "started_at": "2025-01-01T00:00:00Z",
            "url": f"https://rootly.com/account/incidents/{n}",
        }
    if kind == "users":
        attributes = {"email": f"user{n}@example.com", "full_name": f"User {n}", "role": "user"}
    return {"id": f"{kind[:3]}-{n:05d}", "type": kind, "attributes": attributes}


def _listing(kind: str, host: str) -> Any:
    items = [_record(kind, n) for n in range(COUNTS[kind])]

    def handler(request: Received) -> Reply:
        number = int(request.query.get("page[number]") or 1)
        size = int(request.query.get("page[size]") or 20)
        last = max(1, math.ceil(len(items) / size))

        def link(page: int | None) -> str | None:
            if page is None:
                return None
            return f"{host}/v1/{kind}?page%5Bnumber%5D={page}&page%5Bsize%5D={size}"

        nxt = number + 1 if number < last else None
        prev = number - 1 if number > 1 else None
        body = {
            "data": items[(number - 1) * size : number * size],
            "links": {
                "self": link(number),
                "first": link(1),
                "prev": link(prev),
                "next": link(nxt),
                "last": link(last),
            },
            "meta": {
                "current_page": number,
                "next_page": nxt,
                "prev_page": prev,
                "total_count": len(items),
                "total_pages": last,
            },
        }
        return Reply(json_body=body, headers={"Content-Type": "application/vnd.api+json"})

    return handler


def install(api: FakeApi, token: str) -> None:
    for kind in COUNTS:
        handler = _listing(kind, "https://api.rootly.com")

        def checked(request: Received, handler: Any = handler) -> Reply:
            if request.headers.get("authorization") != f"Bearer {token}":
                return DENIED
            return handler(request)  # type: ignore[no-any-return]

        api.route("GET", f"/v1/{kind}", checked)


EXPECTED: dict[str, set[str]] = {
    f"rootly-{kind.removesuffix('s')}": {_record(kind, n)["id"] for n in range(count)}
    for kind, count in COUNTS.items()
}
