"""`error_when`: a selector's jq predicate that marks a 2xx response body as an error.

Some APIs answer failures with 200 and say so in the body — Slack's
`{"ok": false, "error": "invalid_auth"}`, GraphQL's `{"errors": [...]}`. Read as data, such a
page has no items, so the endpoint would look empty and Ocean would delete its entities.

    selector:
      error_when: .ok == false          # any truthy output marks the page as an error
      error_message_path: .error        # optional: the API's own message, quoted in ours
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from errors import ApiReportedError, ResponseFormatError
from response_paths import jq_outputs

MESSAGE_LIMIT = 300


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
        f"{' '.join(redact(message).split())[:MESSAGE_LIMIT]}. Fix what the API reports "
        "(credentials, scopes, parameters), or adjust selector.error_when if this is data"
    )


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
