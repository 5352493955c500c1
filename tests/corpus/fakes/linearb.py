"""LinearB public API, Measurements V2, for corpus A10: `POST /api/v2/measurements`.

Documented behaviour followed here (https://docs.linearb.io/api-measurements-v2/):
- Authentication: the API token in the `x-api-key` header (header names are case-insensitive:
  the integration's default `X-API-Key` is the same header); without it, 401.
- Request: a JSON object body; `requested_metrics` (at least one `{name, agg?}`) and
  `time_ranges` (at least one `{after, before}`, dates `YYYY-MM-DD`) are required; `group_by`
  is one of organization (default), team, contributor, repository, label; `roll_up` 1d, 1w,
  1mo or custom; `return_no_data`. A body that is not such an object is a 400.
- Response (`roll_up: custom`): a top-level **array**, one element per time range,
  `[{"after", "before", "metrics": [{...one object per group...}]}]`; a metric's key is its
  name, with `:<agg>` when an aggregation was asked (`"branch.computed.cycle_time:avg"`);
  grouped by team, each object carries `team_id` and `team_name`.
"""

from __future__ import annotations

import re
from typing import Any

from sample_api.server import FakeApi, Received, Reply

PATH = "/api/v2/measurements"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
GROUPS = ("organization", "team", "contributor", "repository", "label")
ORGANIZATION_ID = 4242
# Names with spaces, punctuation and capitals: the page's mapping slugs them into identifiers.
TEAMS = [
    (100 + n, f"{('Platform', 'Web & Mobile', 'Data/ML', 'SRE')[n % 4]} Squad {n}")
    for n in range(40)
]


def slug(name: str) -> str:
    """The page's `ascii_downcase | gsub("[^a-z0-9]+"; "-") | ltrimstr("-") | rtrimstr("-")`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def install(api: FakeApi, key: str) -> None:
    def handler(request: Received) -> Reply:
        if request.headers.get("x-api-key") != key:
            return Reply(401, {"detail": "Unauthorized"})
        body, problem = _request_body(request)
        if problem:
            return Reply(400, {"detail": problem})
        keys = [
            m["name"] + (f":{m['agg']}" if m.get("agg") else "") for m in body["requested_metrics"]
        ]
        groups = _groups(body.get("group_by", "organization"))
        return Reply(
            json_body=[
                {
                    "after": span["after"],
                    "before": span["before"],
                    "metrics": [
                        group | {k: 10.0 + i for i, k in enumerate(keys)} for group in groups
                    ],
                }
                for span in body["time_ranges"]
            ]
        )

    api.route("POST", PATH, handler)


def _groups(group_by: str) -> list[dict[str, Any]]:
    if group_by == "team":
        return [{"team_id": team_id, "team_name": name} for team_id, name in TEAMS]
    return [{"organization_id": ORGANIZATION_ID}]


def _request_body(request: Received) -> tuple[dict[str, Any], str | None]:
    try:
        body = request.json()
    except ValueError:
        return {}, "body must be JSON"
    if not isinstance(body, dict):
        return {}, f"body must be an object, got {type(body).__name__}"
    metrics, spans = body.get("requested_metrics"), body.get("time_ranges")
    if not (
        isinstance(metrics, list)
        and metrics
        and all(isinstance(m, dict) and "name" in m for m in metrics)
    ):
        return {}, "requested_metrics: at least one {name} is required"
    if not (isinstance(spans, list) and spans):
        return {}, "time_ranges: at least one {after, before} is required"
    dates = [span.get(edge) for span in spans for edge in ("after", "before")]
    if not all(isinstance(d, str) and DATE.fullmatch(d) for d in dates):
        return {}, "time_ranges: after and before must be YYYY-MM-DD dates"
    if body.get("group_by", "organization") not in GROUPS:
        return {}, f"group_by must be one of {', '.join(GROUPS)}"
    return body, None
