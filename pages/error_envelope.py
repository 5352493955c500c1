"""The common shapes of an error sent with a 2xx status, recognised without any configuration.

Several APIs answer a failure with HTTP 200 and say so only in the body. Read as data, such a
page has no items, the endpoint looks empty, and Ocean deletes its entities. These shapes are
recognised by default (`error_body.check_default_errors` decides when they apply):

- `ok: false` — Slack Web API, `{"ok": false, "error": "invalid_auth"}` with 200
  (https://api.slack.com/web#evaluating_responses).
- `success: false` — Pipedrive, `{"success": false, "error": "...", "error_info": "...",
  "data": null}` (https://pipedrive.readme.io/docs/core-api-concepts-responses).
- a non-empty `errors` — GraphQL, `{"errors": [{"message": ...}], "data": null}`, served with
  200 over HTTP (https://spec.graphql.org/October2021/#sec-Response-Format); JSON:API.
- `error` — Slack's string; OAuth 2 `error` + `error_description` (RFC 6749 section 5.2);
  Google's and Stripe's `{"error": {"message": ..., "code"/"type": ...}}`.
- `errorMessages` — Jira's ErrorCollection, `{"errorMessages": [...], "errors": {}}`
  (https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes).
- `error_message` — APIs that name their message so.
- `errorMessage` (with `errorType`, `stackTrace`) — AWS Lambda's error object
  (https://docs.aws.amazon.com/lambda/latest/api/API_ErrorObject.html), which API Gateway
  answers with `200 OK` by default for a Lambda custom integration
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html).
- `fault` — APIs behind Apigee (Salesforce Marketing Cloud and others), `{"fault":
  {"faultstring": ..., "detail": {"errorcode": ...}}}`
  (https://docs.apigee.com/api-platform/fundamentals/fault-handling).

A key counts only when its value says "error": `ok`/`success` exactly `false`, the others any
truthy value, so `{"errors": [], "data": [...]}`, `{"error": null}` and `{"ok": true}` are not
errors. The functions here are pure: they look at a decoded body and never raise.
"""

from __future__ import annotations

import json
from typing import Any

# Keys whose truthy value marks an error, in the order their text is quoted.
ERROR_KEYS = ("error", "errors", "errorMessages", "errorMessage", "error_message", "fault")
# Keys that only add detail to a message found under ERROR_KEYS (or stand in for one).
DETAIL_KEYS = ("error_description", "error_info", "message", "detail", "errorType")
# Keys of an object inside `errors` / `error` / `fault` that hold its human text.
TEXT_KEYS = ("message", "faultstring", "error_description", "detail", "title", "description")
CODE_KEYS = ("code", "errorcode", "errorCode", "status", "type")
MAX_ENTRIES = 3  # of a list of errors, the first few are quoted


def error_shape(body: Any) -> str | None:
    """The error shape `body` carries (`ok: false`, `errors`, ...), or None for a body that
    does not look like an error. Only a JSON object can."""
    if not isinstance(body, dict):
        return None
    if body.get("ok") is False:
        return "ok: false"
    if body.get("success") is False:
        return "success: false"
    for key in ERROR_KEYS:
        if body.get(key):
            return key
    return None


def graphql_errors(body: Any) -> bool:
    """Whether a GraphQL response holds a non-empty top-level `errors` list. The spec has
    `errors` absent on success and non-empty when present; `data` may still hold a partial
    result, which is not the complete one."""
    return isinstance(body, dict) and isinstance(body.get("errors"), list) and bool(body["errors"])


def is_graphql_request(method: str, content: bytes) -> bool:
    """A POST whose JSON body is an object with a `query` string: a GraphQL operation."""
    if method != "POST" or not content.lstrip().startswith(b"{"):
        return False
    try:
        sent = json.loads(content)
    except ValueError:
        return False
    return isinstance(sent, dict) and isinstance(sent.get("query"), str)


def api_message(body: Any) -> str:
    """The API's own words in an error body: the message texts under the error keys, then the
    detail keys, each list cut to its first entries; the whole body as JSON when none is
    text. Not yet redacted or truncated (the caller does both)."""
    if not isinstance(body, dict):
        return _json(body)
    parts = [text for key in (*ERROR_KEYS, *DETAIL_KEYS) for text in _texts(body.get(key))]
    unique = list(dict.fromkeys(part for part in parts if part))
    return "; ".join(unique) if unique else _json(body)


def _texts(value: Any) -> list[str]:
    """The human text of one value: a string as is, the first entries of a list, an object's
    message (with its code), else nothing."""
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, list):
        return [text for entry in value[:MAX_ENTRIES] for text in _texts(entry)]
    if isinstance(value, dict):
        return [_object_text(value)] if value else []
    return []


def _object_text(value: dict[str, Any]) -> str:
    """`{"message": "Bad credentials", "code": 401}` → "Bad credentials (401)"; an object with
    no text key (Jira's per-field `errors`) is quoted as JSON."""
    text: str | None = next(
        (value[key] for key in TEXT_KEYS if isinstance(value.get(key), str)), None
    )
    detail = value.get("detail")
    code = next((value[key] for key in CODE_KEYS if isinstance(value.get(key), str | int)), None)
    if code is None and isinstance(detail, dict):  # Apigee: detail.errorcode
        code = next((detail[key] for key in CODE_KEYS if key in detail), None)
    if text is None:
        return _json(value)
    if code is None or isinstance(code, bool):
        return text.strip()
    return f"{text.strip()} ({code})"


def _json(value: Any) -> str:
    return json.dumps(value, default=str)
