"""Cursor Admin API `POST /teams/daily-usage-data`, as Port's Cursor page calls it.

Documented behaviour followed here (https://docs.cursor.com/account/teams/admin-api):
- Authentication: HTTP Basic with the API key as the username and an empty password; anything
  else is 401.
- Request: a JSON body `{"startDate": <epoch ms>, "endDate": <epoch ms>}`, numbers, with a range
  of at most 90 days; a malformed body is 400 (so the JSON *string* the earlier implementation
  sent for a jq body is refused, as the real API refuses it).
- Response: `{"data": [...one record per user and day...], "period": {startDate, endDate}}`;
  records carry `date` (epoch ms), `email`, `isActive`, `totalLinesAdded`, ....
"""

from __future__ import annotations

from base64 import b64encode
from typing import Any

from sample_api.server import FakeApi, Received, Reply

API_KEY = "key_" + "c0rs0r" * 10  # long: Ocean's substring masking cannot hide a leak by luck
PATH = "/teams/daily-usage-data"
DAY_MS = 86_400_000
MAX_RANGE_MS = 90 * DAY_MS
EMAILS = [f"dev{n}@example.com" for n in range(4)]


def basic_header(key: str = API_KEY) -> str:
    return "Basic " + b64encode(f"{key}:".encode()).decode()


def install(api: FakeApi, days: int = 3) -> None:
    """One record per user for each of the `days` days that end at the request's endDate."""

    def handler(request: Received) -> Reply:
        if request.headers.get("authorization") != basic_header():
            return Reply(401, {"error": "Unauthorized"})
        problem, start, end = _range(request)
        if problem:
            return Reply(400, {"error": "Bad Request", "message": problem})
        first_day = end - end % DAY_MS - (days - 1) * DAY_MS
        data = [
            {"date": first_day + d * DAY_MS, "email": email, "isActive": True}
            | {"totalLinesAdded": 10 * d + n, "acceptedLinesAdded": d}
            for d in range(days)
            for n, email in enumerate(EMAILS)
        ]
        return Reply(json_body={"data": data, "period": {"startDate": start, "endDate": end}})

    api.route("POST", PATH, handler)


def _range(request: Received) -> tuple[str | None, int, int]:
    try:
        body: Any = request.json()
    except ValueError:
        return "body must be JSON", 0, 0
    if not isinstance(body, dict):
        return f"body must be an object, got {type(body).__name__}", 0, 0
    start, end = body.get("startDate"), body.get("endDate")
    if not (type(start) is int and type(end) is int):  # a bool is not a date
        return "startDate and endDate must be epoch milliseconds", 0, 0
    if not 0 <= end - start <= MAX_RANGE_MS:
        return "date range must be between 0 and 90 days", 0, 0
    return None, start, end


def record_ids(received: Received, days: int = 3) -> set[str]:
    """The identifiers the test's mapping gives the records served for `received`."""
    return record_ids_ending(received.json()["endDate"], days)


def record_ids_ending(end: int, days: int = 3) -> set[str]:
    """`email@date` of the records served for a range ending at `end` (epoch ms)."""
    first_day = end - end % DAY_MS - (days - 1) * DAY_MS
    return {f"{email}@{first_day + d * DAY_MS}" for d in range(days) for email in EMAILS}
