"""Jira Cloud REST API v3: projects paged by offset (`startAt`/`maxResults`), and issues from the
enhanced JQL search paged by `nextPageToken`.

Documented behaviour followed here:
- Pagination — https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#pagination :
  `startAt` (0-based) and `maxResults`; each page carries `startAt`, `maxResults`, `total` and
  `isLast`; the server may return fewer items than `maxResults`.
- Get projects paginated —
  https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
  `{"self", "nextPage", "maxResults", "startAt", "total", "isLast", "values": [...]}`
  (`nextPage` absent on the last page; maxResults defaults to 50); `expand=description,lead`.
- Search for issues using JQL enhanced search (GET) —
  https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
  `jql`, `fields` (by default only issue ids are returned), `maxResults` (default 50; the API
  may return fewer per page when many fields are requested) and `nextPageToken`; the response is
  `{"issues": [...], "nextPageToken": "...", "isLast": false}`, with no `nextPageToken` on the
  last page. Unbounded JQL (no search restriction) is rejected with 400. It replaces the
  offset-paged `/rest/api/3/search`: https://developer.atlassian.com/changelog/#CHANGE-2046
- Search for issues using JQL enhanced search (POST) —
  https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post
  the same search with a JSON body `{"jql", "nextPageToken", "maxResults", "fields": [...],
  ...}` ("if the JQL query expression is too large to be encoded as a query parameter, use
  the POST version"); `maxResults` is a number and `fields` an array; the response is the
  GET's. The example uses this form: its query string is not read.
- Authentication — https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/ :
  basic auth with the account email and an API token; otherwise 401.
"""

from __future__ import annotations

import json
from base64 import b64encode, urlsafe_b64decode, urlsafe_b64encode
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
STATUSES = [("To Do", "To Do"), ("In Progress", "In Progress"), ("Done", "Done")]
ISSUES: list[dict[str, Any]] = [
    {
        "id": str(20000 + n),
        "key": f"P{n % 4:03d}-{n + 1}",
        "self": f"https://your-domain.atlassian.net/rest/api/3/issue/{20000 + n}",
        "fields": {
            "summary": f"Issue number {n}",
            "status": {
                "name": STATUSES[n % 3][0],
                "statusCategory": {"name": STATUSES[n % 3][1]},
            },
            "issuetype": {"name": ["Bug", "Task", "Story"][n % 3]},
            "priority": {"name": ["High", "Medium", "Low"][n % 3]},
            "assignee": None if n % 5 == 0 else {"displayName": f"Dev {n % 7}"},
            "project": {"id": str(10000 + n % 4), "key": f"P{n % 4:03d}"},
            "created": "2024-03-05T11:22:33.456+0000",
            "updated": "2024-05-06T09:08:07.000+0000",
        },
    }
    for n in range(205)
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


def search_jql(request: Received) -> Reply:
    """The GET form: everything in the query string."""
    raw_size = request.query.get("maxResults")
    return _search(
        jql=request.query.get("jql", ""),
        limit=int(raw_size) if raw_size else 50,
        token=request.query.get("nextPageToken"),
        wanted=[f for f in request.query.get("fields", "").split(",") if f],
    )


def search_jql_post(request: Received) -> Reply:
    """The POST form: everything in the JSON body; the query string is not read."""
    try:
        body = json.loads(request.body)
    except ValueError:
        return Reply(
            400,
            {
                "errorMessages": [
                    "Invalid request payload. Refer to the REST API documentation and try again."
                ]
            },
        )
    limit, fields = body.get("maxResults", 50), body.get("fields", [])
    if not isinstance(limit, int) or isinstance(limit, bool) or not isinstance(fields, list):
        return Reply(
            400,
            {
                "errorMessages": [
                    "Invalid request payload. Refer to the REST API documentation and try again."
                ]
            },
        )
    return _search(body.get("jql", ""), limit, body.get("nextPageToken"), fields)


def _search(jql: str, limit: int, token: str | None, wanted: list[str]) -> Reply:
    if not jql.upper().split("ORDER BY")[0].strip():
        return Reply(400, {"errorMessages": ["Unbounded JQL queries are not allowed here."]})
    limit = min(limit, 100)
    start = int(urlsafe_b64decode(token).decode()) if token else 0
    issues = [_with_fields(issue, wanted) for issue in ISSUES[start : start + limit]]
    end = start + len(issues)
    body: dict[str, Any] = {"issues": issues, "isLast": end >= len(ISSUES)}
    if end < len(ISSUES):
        body["nextPageToken"] = urlsafe_b64encode(str(end).encode()).decode()
    return Reply(json_body=body)


def _with_fields(issue: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
    if not wanted:
        return {"id": issue["id"]}
    fields = {name: value for name, value in issue["fields"].items() if name in wanted}
    return {**issue, "fields": fields}


def install(api: FakeApi) -> Expected:
    authenticated = requires("Authorization", BASIC, DENIED)
    api.route("GET", "/rest/api/3/project/search", authenticated(project_search))
    api.route("GET", "/rest/api/3/search/jql", authenticated(search_jql))
    api.route("POST", "/rest/api/3/search/jql", authenticated(search_jql_post))
    return Expected(
        entities={
            "jiraProject": {project["key"] for project in PROJECTS},
            "jiraIssue": {issue["key"] for issue in ISSUES},
        },
        auth_header="authorization",
        auth_value=BASIC,
        # 117 projects at 50 per page, the third saying isLast: true; 205 issues at 100 per
        # page (POST), the third without a nextPageToken.
        requests=6,
    )
