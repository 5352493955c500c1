"""2xx responses whose body is an error: the selector's `error_when`, and the default shapes.

Some APIs answer failures with 200 and say so in the body — Slack's
`{"ok": false, "error": "invalid_auth"}`, GraphQL's `{"errors": [...]}`. Read as data, such a
page has no items, so the endpoint would look empty and Ocean would delete its entities.

    selector:
      error_when: .ok == false          # any truthy output marks the page as an error
      error_message_path: .error        # optional: the API's own message, quoted in ours

Without configuration, `check_default_errors` fails a page whose data_path selected nothing
and whose body has one of the common error shapes (`pages/error_envelope.py`), and a GraphQL
response with `errors`, even beside data. `error_when: "false"` turns both off.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from connection.endpoint import Endpoint
from core.errors import ApiReportedError, ResponseFormatError
from jq_paths.response_paths import jq_outputs
from pages.data_path import extract_items
from pages.error_envelope import api_message, error_shape, graphql_errors, is_graphql_request

MESSAGE_LIMIT = 300
DEFAULTS_OFF = "false"  # the error_when that turns the default error shapes off


def check_page_body(
    body: Any,
    endpoint: Endpoint,
    response: httpx.Response,
    where: str,
    redact: Callable[[str], str],
    items: list[dict[str, Any]],
    text: str | None = None,
) -> None:
    """The error verdict of one 2xx page, in one call: `error_when`, then the common shapes.
    `items`: what data_path selected on it ([] when it failed on it); `text`: for jq."""
    check_error_body(body, endpoint.error_when, endpoint.error_message_path, where, redact, text)
    check_default_errors(body, endpoint, response, where, redact, items)


def check_error_body(
    body: Any,
    error_when: str | None,
    error_message_path: str | None,
    where: str,
    redact: Callable[[str], str],
    text: str | None = None,
) -> None:
    """Raise ApiReportedError when `error_when` holds for this page's body (decoded from
    `text`, when at hand: jq reads it as is)."""
    if error_when is None:
        return
    try:
        outputs = jq_outputs(error_when, body, text)
    except ValueError as error:
        raise ResponseFormatError(
            f"{where}: error_when {error_when!r} failed on the response: {error}. "
            "Guard the expression for bodies of another shape, e.g. .ok? == false"
        ) from None
    if not any(output is not None and output is not False for output in outputs):
        return
    message = _api_message(body, error_message_path)
    raise ApiReportedError(
        f"{where}: the response matched error_when {error_when!r}; the API says: "
        f"{_quoted(message, redact)}. Fix what the API reports "
        "(credentials, scopes, parameters), or adjust selector.error_when if this is data"
    )


def check_default_errors(
    body: Any,
    endpoint: Endpoint,
    response: httpx.Response,
    where: str,
    redact: Callable[[str], str],
    items: list[dict[str, Any]] | None = None,
) -> None:
    """Raise ApiReportedError for a 2xx body that is an error in a common shape.

    - A GraphQL operation (`is_graphql_request`) whose response has a non-empty `errors`
      fails, whether or not `data` is there: partial data is not complete data.
    - Any other body fails when it has an error shape (`error_shape`) and data_path selected
      nothing — or there is no data_path, so the body object itself would be the one item.
    `items`: what data_path selected on this body ([] when it failed on it); None: not
    extracted yet (a streamed response's decode), so it is extracted here, only for a body
    that has an error shape. Off with `error_when: "false"`."""
    if not isinstance(body, dict) or (endpoint.error_when or "").strip() == DEFAULTS_OFF:
        return
    if graphql_errors(body) and _sent_graphql(response.request):
        raise ApiReportedError(_graphql_message(body, where, redact))
    shape = error_shape(body)
    if shape is None:
        return
    if items is None:
        try:
            items = extract_items(body, endpoint.data_path, where)
        except ResponseFormatError:  # data_path failing on an error body: report the error
            items = []
    if items and endpoint.data_path is not None:
        return  # the page has data: an `error` key beside it is the items' business
    selected = (
        f"data_path {endpoint.data_path!r} selected nothing"
        if endpoint.data_path is not None
        else "there is no data_path, so it would be the one item"
    )
    raise ApiReportedError(
        f"{where}: the API answered {response.status_code} with an error in the body "
        f"({shape}), and {selected}; the API says: {_quoted(api_message(body), redact)}. "
        "The resync fails and nothing is deleted. Fix what the API reports (credentials, "
        "scopes, parameters); if such a body is data for this endpoint, set "
        "selector.error_when: 'false' to turn this check off"
    )


def _sent_graphql(request: httpx.Request) -> bool:
    """Whether the request that got this response was a GraphQL operation. What was sent is
    read, not the selector: a body filled per page (pagination in the body) still counts."""
    try:
        content = request.content
    except httpx.RequestNotRead:  # a streamed request body: not one the selector builds
        return False
    return is_graphql_request(request.method, content)


def _graphql_message(body: dict[str, Any], where: str, redact: Callable[[str], str]) -> str:
    errors, data = body["errors"], body.get("data")
    beside = " beside partial data" if data not in (None, {}) else ""
    return (
        f"{where}: the GraphQL response holds {len(errors)} error(s){beside}; the API says: "
        f"{_quoted(api_message({'errors': errors}), redact)}. Partial data is not complete "
        "data: the resync fails and nothing is deleted. Fix the query, its variables or the "
        "token's scopes; selector.error_when: 'false' turns this check off"
    )


def _quoted(message: str, redact: Callable[[str], str]) -> str:
    """The API's text in one line, secrets masked before it is cut (a cut secret would not
    match its mask)."""
    flat = " ".join(redact(message).split())
    return flat if len(flat) <= MESSAGE_LIMIT else flat[:MESSAGE_LIMIT] + "…"


def _api_message(body: Any, error_message_path: str | None) -> str:
    """The API's own message at `error_message_path`, else the whole body as text."""
    if error_message_path is not None:
        try:
            outputs = jq_outputs(error_message_path, body)
        except ValueError:
            outputs = []
        found = [output for output in outputs if output is not None]
        if found:
            return ", ".join(_text(output) for output in found)
    return _text(body)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)
