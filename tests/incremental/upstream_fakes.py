"""Loopback fakes of three APIs' changed-since filters, honoured as their vendors document them.

Each fake serves a mutable `Upstream`: `change(ids, at)` gives items a new title and update
time, as an edit upstream would, and `failing` makes every call answer 500.

- GitHub "List repository issues" —
  https://docs.github.com/en/rest/issues/issues#list-repository-issues :
  `since` (ISO 8601 `YYYY-MM-DDTHH:MM:SSZ`) returns only issues updated at or after it; `sort`
  (`created` default, `updated`, `comments`) and `direction` (`desc` default); `state`
  (`open` default, `all`); `per_page` (default 30, max 100) and `page`, with the next page in the
  `Link` header (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api).
- Zendesk "Incremental Ticket Export, Time Based" (developer.zendesk.com):
  /api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-export-time-based
  and /documentation/ticketing/managing-tickets/using-the-incremental-export-api :
  `start_time` (epoch seconds, required) returns tickets changed on or after it, except those
  changed within the minute before the request; each page has `tickets`, `end_time`,
  `next_page` (the same URL with `start_time=end_time`) and `end_of_stream`.
- Jira Cloud "Search for issues using JQL enhanced search (GET)" (developer.atlassian.com):
  /cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get :
  `jql`, `maxResults`, `nextPageToken`; a page has `issues`, `nextPageToken` while more remain and
  `isLast`; an unbounded JQL is refused with 400. JQL dates (`updated >= "yyyy-MM-dd HH:mm"`) are
  read in the user's time zone (https://support.atlassian.com/jira-software-cloud/docs/jql-fields/#Updated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import origin, size

OLD = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
SERVER_ERROR = Reply(500, {"message": "Server Error"})
JIRA_USER_ZONE = ZoneInfo("Europe/Berlin")


@dataclass
class Upstream:
    """Items with `id`, `title` and `updated` (an aware datetime), oldest change first."""

    items: list[dict[str, Any]]
    failing: bool = False
    calls: list[Received] = field(default_factory=list)

    @classmethod
    def of(cls, count: int) -> Upstream:
        items = [
            {"id": 1000 + n, "title": f"Item {n}", "updated": OLD + timedelta(minutes=n)}
            for n in range(count)
        ]
        return cls(items)

    def change(self, ids: list[int], at: datetime) -> None:
        for item in self.items:
            if item["id"] in ids:
                item["title"] = f"{item['title']} (edited)"
                item["updated"] = at

    def newest_first(self) -> list[dict[str, Any]]:
        return sorted(self.items, key=lambda item: (item["updated"], item["id"]), reverse=True)


def github(api: FakeApi, upstream: Upstream, path: str = "/repos/acme/app/issues") -> None:
    def handler(request: Received) -> Reply:
        upstream.calls.append(request)
        if upstream.failing:
            return SERVER_ERROR
        items = list(upstream.items)
        if since := request.query.get("since"):
            moment = datetime.strptime(since, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            items = [item for item in items if item["updated"] >= moment]
        key = "updated" if request.query.get("sort") == "updated" else "id"
        items.sort(key=lambda item: item[key], reverse=request.query.get("direction") != "asc")
        per_page, page = size(request, "per_page", 30, 100), int(request.query.get("page", "1"))
        body = [_github_issue(item) for item in items[(page - 1) * per_page : page * per_page]]
        headers = {}
        if page * per_page < len(items):
            query = urlencode({**request.query, "page": page + 1})
            headers["Link"] = f'<{origin(request)}{path}?{query}>; rel="next"'
        return Reply(json_body=body, headers=headers)

    api.route("GET", path, handler)


def _github_issue(item: dict[str, Any]) -> dict[str, Any]:
    stamp = item["updated"].strftime("%Y-%m-%dT%H:%M:%SZ")
    number = item["id"] - 999
    return {"id": item["id"], "number": number, "title": item["title"], "updated_at": stamp}


def zendesk(api: FakeApi, upstream: Upstream, per_page: int = 100) -> None:
    path = "/api/v2/incremental/tickets.json"

    def handler(request: Received) -> Reply:
        upstream.calls.append(request)
        if upstream.failing:
            return SERVER_ERROR
        if "start_time" not in request.query:
            return Reply(400, {"error": "InvalidValue", "description": "start_time is required"})
        start = datetime.fromtimestamp(int(request.query["start_time"]), UTC)
        visible_until = datetime.now(UTC) - timedelta(minutes=1)
        changed = [i for i in upstream.items if start <= i["updated"] <= visible_until]
        changed.sort(key=lambda item: (item["updated"], item["id"]))
        page = changed[:per_page]
        end = page[-1]["updated"] if page else start
        next_query = urlencode({"start_time": int(end.timestamp())})
        body = {
            "tickets": [
                {"id": i["id"], "subject": i["title"], "updated_at": i["updated"].isoformat()}
                for i in page
            ],
            "count": len(page),
            "end_time": int(end.timestamp()),
            "next_page": f"{origin(request)}{path}?{next_query}",
            "end_of_stream": len(changed) <= per_page,
        }
        return Reply(json_body=body)

    api.route("GET", path, handler)


_JQL = re.compile(
    r'^project = (?P<project>\w+)(?: AND updated >= "(?P<since>\d{4}-\d\d-\d\d \d\d:\d\d)")?'
    r" ORDER BY updated DESC$"
)


def jira(api: FakeApi, upstream: Upstream) -> None:
    path = "/rest/api/3/search/jql"

    def handler(request: Received) -> Reply:
        upstream.calls.append(request)
        if upstream.failing:
            return SERVER_ERROR
        match = _JQL.match(request.query.get("jql", ""))
        if match is None:
            message = (
                "Unbounded JQL queries are not allowed here. "
                "Please add a search restriction to your query."
            )
            return Reply(400, {"errorMessages": [message], "errors": {}})
        items = upstream.newest_first()
        if since := match.group("since"):
            local = datetime.strptime(since, "%Y-%m-%d %H:%M").replace(tzinfo=JIRA_USER_ZONE)
            items = [item for item in items if item["updated"] >= local]
        start = int(request.query.get("nextPageToken") or 0)
        count = size(request, "maxResults", 50, 100)
        page = items[start : start + count]
        body: dict[str, Any] = {
            "issues": [
                {
                    "id": str(item["id"]),
                    "key": f"KIT-{item['id']}",
                    "fields": {
                        "summary": item["title"],
                        "updated": item["updated"].strftime("%Y-%m-%dT%H:%M:%S.000%z"),
                    },
                }
                for item in page
            ],
            "isLast": start + count >= len(items),
        }
        if not body["isLast"]:
            body["nextPageToken"] = str(start + count)
        return Reply(json_body=body)

    api.route("GET", path, handler)
