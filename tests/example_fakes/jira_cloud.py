"""Jira Cloud REST API v3: paginated project search, offset style (`startAt`/`maxResults`).

Documented behaviour followed here:
- Pagination — https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#pagination :
  `startAt` (0-based) and `maxResults`; each page carries `startAt`, `maxResults`, `total` and
  `isLast`; the server may return fewer items than `maxResults`.
- Get projects paginated —
  https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
  `{"self", "nextPage", "maxResults", "startAt", "total", "isLast", "values": [...]}`
  (`nextPage` absent on the last page; maxResults defaults to 50); `expand=description,lead`.
- Authentication — https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/ :
  basic auth with the account email and an API token; otherwise 401.
"""

from __future__ import annotations

from base64 import b64encode
from typing import Any
from urllib.parse import urlencode

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, origin, requires, size

EMAIL = "you@example.com"
API_TOKEN = "ATATT3xFfGF0REPLACE_ME_000000000000000000000000"
BASIC = "Basic " + b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
DENIED = Reply(
    401,
    body=b"Client must be authenticated to access this resource.",
    headers={"Content-Type": "text/plain;charset=UTF-8"},
)
PROJECTS: list[dict[str, Any]] = [
    {
        "id": str(10000 + n),
        "key": f"P{n:03d}",
        "name": f"Project {n}",
        "self": f"https://your-domain.atlassian.net/rest/api/3/project/{10000 + n}",
        "projectTypeKey": ["software", "business", "service_desk"][n % 3],
        "simplified": n % 2 == 1,
        "style": "next-gen" if n % 2 else "classic",
        "isPrivate": False,
    }
    for n in range(117)
]


def project_search(request: Received) -> Reply:
    start = int(request.query.get("startAt", "0"))
    limit = size(request, "maxResults", 50, 100)
    expand = request.query.get("expand", "").split(",")
    values = [_expanded(project, expand) for project in PROJECTS[start : start + limit]]
    is_last = start + len(values) >= len(PROJECTS)
    here = f"{origin(request)}/rest/api/3/project/search"
    body: dict[str, Any] = {
        "self": f"{here}?{request.raw_query}",
        "maxResults": limit,
        "startAt": start,
        "total": len(PROJECTS),
        "isLast": is_last,
        "values": values,
    }
    if not is_last:
        query = {**request.query, "startAt": start + len(values), "maxResults": limit}
        body["nextPage"] = f"{here}?{urlencode(query)}"
    return Reply(json_body=body)


def _expanded(project: dict[str, Any], expand: list[str]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if "description" in expand:
        extra["description"] = f"All work of {project['name']}"
    if "lead" in expand:
        extra["lead"] = {"accountId": "5b10a2844c20165700ede21g", "displayName": "Mia Krystof"}
    return {**project, **extra}


def install(api: FakeApi) -> Expected:
    api.route(
        "GET",
        "/rest/api/3/project/search",
        requires("Authorization", BASIC, DENIED)(project_search),
    )
    return Expected(
        entities={"jiraProject": {project["key"] for project in PROJECTS}},
        auth_header="authorization",
        auth_value=BASIC,
        requests=3,  # 117 projects at 50 per page; the third page says isLast: true
    )
