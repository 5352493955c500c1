"""The bundled sample API: a small software catalog (teams, services, incidents) behind a
bearer token, with offset pagination (`?offset=&limit=`) and a `total` in every page.

    GET /api/v1/teams       {"teams": [...], "total": 3}
    GET /api/v1/services    {"services": [...], "total": 7}    (?include_archived=true adds 1)
    GET /api/v1/incidents   {"data": [...], "total": 5}

`sample_api/port-app-config.yml` maps it; `sample_api/demo.py` previews it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sample_api.server import FakeApi, Received, Reply

PREFIX = "/api/v1"
DEMO_TOKEN = "demo-token-" + "7f3a9c1e5b" * 3  # a dummy credential: shows redaction at work

TEAMS: list[dict[str, Any]] = [
    {"id": "platform", "name": "Platform", "slack_channel": "#platform"},
    {"id": "payments", "name": "Payments", "slack_channel": "#payments"},
    {"id": "growth", "name": "Growth", "slack_channel": None},
]
SERVICES: list[dict[str, Any]] = [
    {"id": 101, "name": "api-gateway", "team_id": "platform", "tier": "tier-1", "language": "Go"},
    {"id": 102, "name": "auth", "team_id": "platform", "tier": "tier-1", "language": "Go"},
    {"id": 103, "name": "billing", "team_id": "payments", "tier": "tier-1", "language": "Java"},
    {"id": 104, "name": "invoices", "team_id": "payments", "tier": "tier-2", "language": "Java"},
    {"id": 105, "name": "checkout", "team_id": "payments", "tier": "tier-1", "language": "TS"},
    {"id": 106, "name": "recommender", "team_id": "growth", "tier": "tier-3", "language": "Py"},
    {"id": 107, "name": "newsletter", "team_id": "growth", "tier": "tier-3", "language": "Py"},
]
ARCHIVED: list[dict[str, Any]] = [
    {"id": 99, "name": "legacy-cron", "team_id": "platform", "archived": True}
]
INCIDENTS: list[dict[str, Any]] = [
    {"id": "INC-1", "title": "Checkout 5xx", "service_id": 105, "status": "resolved"},
    {"id": "INC-2", "title": "Slow invoices", "service_id": 104, "status": "investigating"},
    {"id": "INC-3", "title": "Login errors", "service_id": 102, "status": "open"},
    {"id": "INC-4", "title": "Billing retries", "service_id": 103, "status": "resolved"},
    {"id": "INC-5", "title": "Gateway latency", "service_id": 101, "status": "open"},
]


def offset_page(key: str, items: list[dict[str, Any]], request: Received) -> Reply:
    """One page of `items` as `{key: [...], "total": n}`, honouring offset and limit."""
    try:
        offset = int(request.query.get("offset", "0"))
        limit = min(int(request.query.get("limit", "100")), 100)
    except ValueError:
        return Reply(400, {"error": "offset and limit must be integers"})
    return Reply(json_body={key: items[offset : offset + limit], "total": len(items)})


def _services(request: Received) -> Reply:
    archived = request.query.get("include_archived") == "true"
    return offset_page("services", SERVICES + (ARCHIVED if archived else []), request)


ROUTES: dict[str, Callable[[Received], Reply]] = {
    "/teams": lambda request: offset_page("teams", TEAMS, request),
    "/services": _services,
    "/incidents": lambda request: offset_page("data", INCIDENTS, request),
}


def serve_catalog(api: FakeApi, token: str = DEMO_TOKEN) -> FakeApi:
    """Install the catalog's routes on `api`; every route wants `Authorization: Bearer`."""
    for path, handler in ROUTES.items():
        api.route("GET", PREFIX + path, _authenticated(handler, token))
    return api


def _authenticated(handler: Callable[[Received], Reply], token: str) -> Callable[..., Reply]:
    def guarded(request: Received) -> Reply:
        if request.headers.get("authorization") != f"Bearer {token}":
            return Reply(401, {"error": "missing or invalid bearer token"})
        return handler(request)

    return guarded
