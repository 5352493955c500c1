"""Jira Cloud REST API v3: issues from the enhanced JQL search, paged by `nextPageToken`.

Documented behaviour followed here:
- Search for issues using JQL enhanced search (GET) —
  https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
  `jql`, `fields` (by default only issue ids are returned), `maxResults` (default 50; the API
  may return fewer per page when many fields are requested) and `nextPageToken`; the response is
  `{"issues": [...], "nextPageToken": "...", "isLast": false}`, with no `nextPageToken` on the
  last page. Unbounded JQL (no search restriction) is rejected with 400.
- It replaces the offset-paged `/rest/api/3/search`:
  https://developer.atlassian.com/changelog/#CHANGE-2046
- Authentication — https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/
"""

from __future__ import annotations

from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Any

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, requires, size
from tests.example_fakes.jira_cloud import BASIC, DENIED

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


def search_jql(request: Received) -> Reply:
    jql = request.query.get("jql", "")
    if not jql.upper().split("ORDER BY")[0].strip():
        return Reply(400, {"errorMessages": ["Unbounded JQL queries are not allowed here."]})
    limit = size(request, "maxResults", 50, 100)
    token = request.query.get("nextPageToken")
    start = int(urlsafe_b64decode(token).decode()) if token else 0
    wanted = [f for f in request.query.get("fields", "").split(",") if f]
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
    api.route("GET", "/rest/api/3/search/jql", requires("Authorization", BASIC, DENIED)(search_jql))
    return Expected(
        entities={"jiraIssue": {issue["key"] for issue in ISSUES}},
        auth_header="authorization",
        auth_value=BASIC,
        requests=3,  # 205 issues at 100 per page; the last page has no nextPageToken
    )
