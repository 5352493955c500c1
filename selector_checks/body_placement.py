"""`paginationLocation: body`, checked when the mapping loads, for each resource it applies to.

With `body`, the page values are merged into the selector's `body` at their dot paths
(`fetching/page_placement.py`), so that body must be a JSON object — or be left out — and the
method must be one that sends a body. A jq-string body (`selector_checks/request_body.py`) is run
first and its output judged. A resource that breaks either rule fails the mapping, naming
`resources[i].selector.body` or `.method`, before any request: Ocean then deletes nothing.

Which location: the resource's own `selector.pagination.paginationLocation` when it sets one;
else the default (`query`) when its pagination replaces the connection's (it sets
`paginationType`); else the connection's, when a running Ocean app loads the mapping. Outside
one (a unit test, the preview reading its file) the connection is unknown, and the request
itself is refused at run time with the same rule.
"""

from __future__ import annotations

from typing import Any

from connection.pagination_keys import PAGINATION_SPELLINGS, replaces_pagination
from connection.pagination_settings import PaginationSettings
from core.config_problem import ConfigProblem
from core.http_methods import NO_BODY_METHODS
from selector_checks.pagination_override import running_connection
from selector_checks.request_body import run_body_program

BODY_FIX = (
    "write body as a JSON object (the page values are set inside it, e.g. "
    '{"filter": {}} for start_cursor / page_size), or leave it out; or set '
    "paginationLocation: query"
)


class BodyPlacementError(ConfigProblem):
    """A resource whose pagination goes in the body but whose body or method cannot take it;
    `path` is the selector key at fault."""

    code = "body_pagination"


def check_body_placement(method: str, body: Any, pagination: dict[str, Any] | None) -> None:
    """Raise BodyPlacementError when this resource pages through its body but cannot."""
    if location_of(pagination) != "body":
        return
    if method.upper() in NO_BODY_METHODS:
        raise BodyPlacementError(
            path="method",
            detail=f"paginationLocation is body, but a {method.upper()} sends no body",
            fix="set selector.method to the method the API's search takes (usually POST)",
        )
    sent = run_body_program(body) if isinstance(body, str) else body
    if sent is not None and not isinstance(sent, dict):
        shown = "a jq program whose output is an array" if isinstance(body, str) else "an array"
        raise BodyPlacementError(
            path="body",
            detail=(
                f"paginationLocation is body, so the page values are merged into the body, "
                f"which is {shown}, not a JSON object"
            ),
            fix=BODY_FIX,
        )


def location_of(pagination: dict[str, Any] | None) -> str:
    """Where this resource's page values go (see the module docstring): in the pagination the
    resync will merge, when it is known here (selector.pagination was checked before)."""
    connection = running_connection()
    if connection is not None or (pagination and replaces_pagination(pagination)):
        base = connection.pagination if connection is not None else PaginationSettings()
        return (base.merged(pagination) if pagination else base).pagination_location
    # Outside a running app, a key-by-key override's own location is all that is known.
    for key, value in (pagination or {}).items():
        if PAGINATION_SPELLINGS.get(key) == "pagination_location" and value not in (None, ""):
            return str(value).strip().lower()
    return "query"
