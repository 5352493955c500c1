"""PagerDuty REST API v2: teams and services, classic offset pagination (`offset`/`limit`/`more`).

Documented behaviour followed here:
- Pagination — https://developer.pagerduty.com/docs/pagination : classic pagination with
  `offset` (default 0) and `limit` (default 25, max 100); each response echoes `offset` and
  `limit`, says `more` (false on the last page) and has `total: null` unless `total=true`.
- List services — https://developer.pagerduty.com/api-reference/e960cca205c0f-list-services :
  `{"services": [...], ...}`; `escalation_policy` is a reference (`id`, `summary`) unless
  `include[]=escalation_policies` asks for the full object (with `name`); `teams` are references.
- List teams — https://developer.pagerduty.com/api-reference/0138639504311-list-teams
- Authentication — https://developer.pagerduty.com/docs/authentication :
  `Authorization: Token token=<api key>`.
- Versioning — https://developer.pagerduty.com/docs/versioning :
  `Accept: application/vnd.pagerduty+json;version=2`.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, requires, size

API_KEY = "u+REPLACE_ME_000000000000000000"
HEADER_VALUE = f"Token token={API_KEY}"
DENIED = Reply(401, {"error": {"message": "Unauthorized"}})
TEAMS: list[dict[str, Any]] = [
    {
        "id": f"PT{n:05d}",
        "type": "team",
        "name": f"Team {n}",
        "summary": f"Team {n}",
        "description": None if n % 2 else f"Owns area {n}",
        "html_url": f"https://acme.pagerduty.com/teams/PT{n:05d}",
    }
    for n in range(14)
]
POLICIES: list[dict[str, Any]] = [
    {"id": f"PE{n:05d}", "name": f"Escalation {n}", "summary": f"Escalation {n}"} for n in range(5)
]
SERVICES: list[dict[str, Any]] = [
    {
        "id": f"PS{n:05d}",
        "type": "service",
        "name": f"Service {n}",
        "summary": f"Service {n}",
        "description": None if n % 3 == 0 else f"Runs part {n}",
        "status": ["active", "warning", "critical", "maintenance", "disabled"][n % 5],
        "html_url": f"https://acme.pagerduty.com/service-directory/PS{n:05d}",
        "created_at": "2023-04-01T10:20:30-04:00",
        "incident_urgency_rule": {"type": "constant", "urgency": "high" if n % 2 else "low"},
        "escalation_policy": POLICIES[n % len(POLICIES)],
        "teams": [{"id": TEAMS[n % len(TEAMS)]["id"], "type": "team_reference", "summary": "Team"}],
    }
    for n in range(205)
]


def classic(key: str, items: list[dict[str, Any]]) -> Any:
    def handler(request: Received) -> Reply:
        offset = int(request.query.get("offset", "0"))
        limit = size(request, "limit", 25, 100)
        page = [_included(item, request) for item in items[offset : offset + limit]]
        total = len(items) if request.query.get("total") == "true" else None
        more = offset + len(page) < len(items)
        body = {key: page, "limit": limit, "offset": offset, "more": more, "total": total}
        return Reply(json_body=body)

    return handler


def _included(item: dict[str, Any], request: Received) -> dict[str, Any]:
    if "escalation_policy" not in item or request.query.get("include[]") == "escalation_policies":
        return item
    policy = item["escalation_policy"]
    reference = {
        "id": policy["id"],
        "type": "escalation_policy_reference",
        "summary": policy["summary"],
    }
    return {**item, "escalation_policy": reference}


def install(api: FakeApi) -> Expected:
    auth = requires("Authorization", HEADER_VALUE, DENIED)
    api.route("GET", "/teams", auth(classic("teams", TEAMS)))
    api.route("GET", "/services", auth(classic("services", SERVICES)))
    return Expected(
        entities={
            "pagerdutyTeam": {str(team["id"]) for team in TEAMS},
            "pagerdutyService": {str(service["id"]) for service in SERVICES},
        },
        auth_header="authorization",
        auth_value=HEADER_VALUE,
        # 14 teams and 205 services at limit=100; "more": false stops. After the full first
        # services page, parallel pages (the default) ask ahead: how many requests go past
        # the last page depends on which answer comes first (window - 1 at most).
        requests=1 + 3,
        past_the_end=9,
    )
