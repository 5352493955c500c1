"""Cursor Admin API and AI Code Tracking API for corpus A2 (the four endpoints Port's page calls).

Extends `tests/cursor_fake.py` (daily-usage-data; its Basic-auth header and 90-day rule are
reused) with the other three endpoints, behind the corpus's dummy key. Documented behaviour:
- Auth — https://docs.cursor.com/account/teams/admin-api : HTTP Basic, the API key as the
  username and an empty password; anything else is 401 `{"error": "Unauthorized"}`.
- `POST /teams/daily-usage-data` — body `{startDate, endDate}` (epoch ms, at most 90 days) →
  `{"data": [{date (epoch ms), email, isActive, totalLinesAdded, acceptedLinesAdded, ...}],
  "period": {startDate, endDate}}`, one record per user and day; not paginated.
- `POST /teams/filtered-usage-events` — body `{startDate, endDate, page, pageSize}` →
  `{totalUsageEventsCount, pagination: {numPages, currentPage, pageSize, hasNextPage,
  hasPreviousPage}, usageEvents: [{timestamp, model, kind, kindLabel, tokenUsage, userEmail}],
  period}`; events have no `id`.
- `GET /analytics/ai-code/commits` and `/changes` —
  https://cursor.com/docs/account/teams/ai-code-tracking-api : query `startDate`/`endDate`
  (ISO date, `now`, or relative days `7d`), `page` (1-based), `pageSize` (default 100, max
  1000) → `{"items": [...], "totalCount", "page", "pageSize"}`; commits carry `commitHash`,
  `userEmail`, `repoName`, line counts, `commitTs`, `createdAt`; changes are per accepted
  change (`changeId`, `source` TAB|COMPOSER, `model`, line counts, `createdAt`, `metadata`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sample_api.server import FakeApi, Handler, Received, Reply
from tests.cursor_fake import DAY_MS, MAX_RANGE_MS, basic_header

DENIED = Reply(401, {"error": "Unauthorized"})
RELATIVE = re.compile(r"now|\d+d|\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?")
USERS = [f"dev{n}@example.com" for n in range(10)]


@dataclass
class Cursor:
    """A team's data: USERS over 30 days, and `commits` / `changes` AI-tracking records."""

    key: str
    commits: int = 80
    changes: int = 90
    events: int = 140

    def install(self, api: FakeApi) -> None:
        routes: dict[tuple[str, str], Handler] = {
            ("POST", "/teams/daily-usage-data"): self.daily_usage,
            ("POST", "/teams/filtered-usage-events"): self.usage_events,
            ("GET", "/analytics/ai-code/commits"): self._tracking(self.commit_items()),
            ("GET", "/analytics/ai-code/changes"): self._tracking(self.change_items()),
        }
        for (method, path), handler in routes.items():
            api.route(method, path, self._authorised(handler))

    def _authorised(self, handler: Handler) -> Handler:
        def serve(request: Received) -> Reply:
            if request.headers.get("authorization") != basic_header(self.key):
                return DENIED
            return handler(request)

        return serve

    def daily_usage(self, request: Received) -> Reply:
        body, problem = _dated_body(request)
        if problem:
            return Reply(400, {"error": "Bad Request", "message": problem})
        end = body["endDate"] - body["endDate"] % DAY_MS
        data = [
            {"date": end - d * DAY_MS, "email": email, "isActive": True}
            | {"totalLinesAdded": d + n, "acceptedLinesAdded": d, "mostUsedModel": "gpt-5"}
            for d in range(30)
            for n, email in enumerate(USERS)
        ]
        period = {"startDate": body["startDate"], "endDate": body["endDate"]}
        return Reply(json_body={"data": data, "period": period})

    def usage_events(self, request: Received) -> Reply:
        body, problem = _dated_body(request)
        if problem:
            return Reply(400, {"error": "Bad Request", "message": problem})
        page, size = int(body.get("page", 1)), int(body.get("pageSize", 10))
        events = [
            {"timestamp": str(body["endDate"] - n * 60_000), "model": "claude-4-sonnet"}
            | {"kind": "Included in Business", "kindLabel": "Included", "userEmail": USERS[n % 10]}
            | {"tokenUsage": {"inputTokens": 100 + n, "outputTokens": n, "totalCents": 0.5}}
            for n in range(self.events)
        ]
        pages = -(-len(events) // size)
        return Reply(
            json_body={
                "totalUsageEventsCount": len(events),
                "pagination": {"numPages": pages, "currentPage": page, "pageSize": size}
                | {"hasNextPage": page < pages, "hasPreviousPage": page > 1},
                "usageEvents": events[(page - 1) * size : page * size],
                "period": {"startDate": body["startDate"], "endDate": body["endDate"]},
            }
        )

    def commit_items(self) -> list[dict[str, Any]]:
        return [
            {"commitHash": f"{n:040x}", "userId": f"user_{n % 10:04d}", "userEmail": USERS[n % 10]}
            | {"repoName": f"repo-{n % 4}", "branchName": "main", "isPrimaryBranch": True}
            | {"totalLinesAdded": 10 + n, "totalLinesDeleted": n, "tabLinesAdded": 3}
            | {"message": f"change {n}", "commitTs": f"2025-11-{1 + n % 28:02d}T10:00:00.000Z"}
            | {"createdAt": f"2025-11-{1 + n % 28:02d}T10:00:{n % 60:02d}.000Z"}
            for n in range(self.commits)
        ]

    def change_items(self) -> list[dict[str, Any]]:
        return [
            {"changeId": f"chg_{n:05d}", "userId": f"user_{n % 10:04d}", "userEmail": USERS[n % 10]}
            | {"source": ("TAB", "COMPOSER")[n % 2], "model": "gpt-5", "totalLinesAdded": n}
            | {
                "totalLinesDeleted": 1,
                "createdAt": f"2025-11-20T{n // 60:02d}:{n % 60:02d}:00.000Z",
            }
            | {"metadata": [{"fileName": f"f{n}.py", "fileExtension": "py", "linesAdded": n}]}
            for n in range(self.changes)
        ]

    @staticmethod
    def _tracking(items: list[dict[str, Any]]) -> Handler:
        def serve(request: Received) -> Reply:
            dates = [request.query.get(name, "now") for name in ("startDate", "endDate")]
            if not all(RELATIVE.fullmatch(d) for d in dates):
                return Reply(400, {"error": "Bad Request", "message": "invalid startDate/endDate"})
            page = int(request.query.get("page") or 1)
            size = min(int(request.query.get("pageSize") or 100), 1000)
            chunk = items[(page - 1) * size : page * size]
            total = {"totalCount": len(items), "page": page, "pageSize": size}
            return Reply(json_body={"items": chunk} | total)

        return serve


def _dated_body(request: Received) -> tuple[dict[str, Any], str | None]:
    """The Admin API's POST body: an object with epoch-ms startDate/endDate, <= 90 days."""
    try:
        body: Any = request.json()
    except ValueError:
        return {}, "body must be JSON"
    if not isinstance(body, dict):
        return {}, f"body must be an object, got {type(body).__name__}"
    start, end = body.get("startDate"), body.get("endDate")
    if not (type(start) is int and type(end) is int):  # a bool is not a date
        return {}, "startDate and endDate must be epoch milliseconds"
    if not 0 <= end - start <= MAX_RANGE_MS:
        return {}, "date range must be between 0 and 90 days"
    return body, None
