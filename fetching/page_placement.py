"""Where a page's pagination values go: the one helper that applies `paginationLocation`.

A paginator decides *what* the next page's values are (`NextPage.params`, in their JSON types);
this module decides *where* they go: placement is data applied here, not a paginator class per
placement:

- `query` (the default): each value becomes a query parameter, over the kind's query string
  and the selector's `query_params` (a name they share is the paginator's) — `?cursor=c2&limit=100`;
- `body`: each name is a dot path into the selector's JSON body, merged into a copy of it, the
  values keeping their JSON types — Notion's `{"page_size": 100, "start_cursor": "c2"}`,
  GraphQL's `{"query": "...", "variables": {"first": 100, "after": "Y3Vy"}}`, Elasticsearch's
  `{"size": 100, "search_after": [1700000000, "id-9"]}` (a jq `cursorPath` yielding an array
  sends that array). The body must be an object (or absent: `{}`), and the method one that
  carries a body; otherwise the run fails naming `selector.body` / `selector.method`.

A request whose values went into the body is labelled with them (`request_label`): the loop
guard and the per-page log see `POST https://h/query body {"start_cursor": "c2"}`, so the same
URL with another page value is not a repeat, and the same URL with the same body is.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from core.errors import ConfigurationError
from core.http_methods import NO_BODY_METHODS
from pagination import NextPage

PAGE_BODY = "ocean_custom.page_body"  # request extension: the values placed in the body, as JSON


def query_text(value: Any) -> str:
    """A pagination value as a query parameter: `true`/`false` for booleans, JSON for an
    array or object cursor, the plain text of anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def place(
    step: NextPage,
    settings: PaginationSettings,
    endpoint: Endpoint,
    query: httpx.QueryParams,
) -> tuple[httpx.QueryParams, Any]:
    """The query parameters and the body of the request for `step` (not a whole-URL step).
    `query`: the kind's and the selector's parameters; `endpoint.body` is never changed."""
    if settings.pagination_location != "body":
        values = {name: query_text(value) for name, value in step.params.items()}
        return query.merge(values), endpoint.body
    return query, body_with(step.params, endpoint)


def body_with(values: dict[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    """A copy of the endpoint's body with each value set at its dot path (only the objects
    along a path are copied: the rest is shared with the body every page sends)."""
    where = f"[{endpoint.kind}] paginationLocation body"
    if endpoint.method in NO_BODY_METHODS:
        raise ConfigurationError(
            f"{where}: selector.method is {endpoint.method}, which sends no body; set the "
            "method the API's search takes (usually POST)"
        )
    if endpoint.body is not None and not isinstance(endpoint.body, dict):
        raise ConfigurationError(
            f"{where}: selector.body is {type(endpoint.body).__name__}; the pagination values "
            "are merged into it, so it must be a JSON object (or left out)"
        )
    body: dict[str, Any] = dict(endpoint.body or {})
    for path, value in values.items():
        _set_path(body, path, value, where)
    return body


def _set_path(body: dict[str, Any], path: str, value: Any, where: str) -> None:
    *parents, leaf = path.split(".")
    node = body
    for depth, name in enumerate(parents):
        child = node.get(name)
        if child is None:
            child = {}
        elif not isinstance(child, dict):
            at = ".".join(parents[: depth + 1])
            raise ConfigurationError(
                f"{where}: {path!r} goes through selector.body.{at}, which is "
                f"{type(child).__name__}, not an object; fix paginationParam / sizeParam or "
                "the body"
            )
        copied = dict(child)  # a copy: the configured body stays as written
        node[name] = copied
        node = copied
    node[leaf] = value


def mark_body_values(request: httpx.Request, step: NextPage, settings: PaginationSettings) -> None:
    """Label a request whose pagination values went into its body (see `request_label`)."""
    if settings.pagination_location == "body" and step.url is None:
        request.extensions[PAGE_BODY] = json.dumps(step.params, default=str)


def request_label(request: httpx.Request) -> str:
    """What identifies a page request, for the loop guard and the page log: its URL, and the
    pagination values it carries in its body (the rest of the body is the same on every page
    of a run)."""
    placed = request.extensions.get(PAGE_BODY)
    return f"{request.url} body {placed}" if placed else str(request.url)
