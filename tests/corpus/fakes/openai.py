"""OpenAI API for corpus A4: `GET /v1/models` and the legacy, undocumented `GET /v1/usage`.

Documented behaviour followed here:
- Models — https://platform.openai.com/docs/api-reference/models/list : `{"object": "list",
  "data": [{id, object: "model", created, owned_by}]}`, every model in one response (no
  pagination); no `permission` field any more.
- Legacy usage — undocumented; its shape as users report it
  (https://community.openai.com/t/check-usage-limit-using-api/174970): `?date=YYYY-MM-DD` →
  `{"object": "list", "data": [{aggregation_timestamp, n_requests, operation, snapshot_id,
  n_context, n_context_tokens_total, n_generated, n_generated_tokens_total}], "ft_data": [],
  "dalle_api_data": [], "whisper_api_data": [], ...}`; a `date` that is not a date is refused.
- Authentication and errors — https://platform.openai.com/docs/api-reference/authentication
  and https://platform.openai.com/docs/guides/error-codes : `Authorization: Bearer <key>`;
  errors are `{"error": {"message", "type", "param", "code"}}`, 401 `invalid_api_key`, 400
  `invalid_request_error`.
"""

from __future__ import annotations

import re
from typing import Any

from sample_api.server import FakeApi, Handler, Received, Reply
from tests.example_fakes import requires

DENIED = Reply(
    401,
    {
        "error": {
            "message": "Incorrect API key provided. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    },
)
MODELS: list[dict[str, Any]] = [
    {"id": f"gpt-test-{n}", "object": "model", "created": 1_700_000_000 + n, "owned_by": owner}
    for n, owner in ((n, ("openai", "system", "org-corpus")[n % 3]) for n in range(60))
]
USAGE: list[dict[str, Any]] = [
    {
        "aggregation_timestamp": 1_735_000_000 + 300 * n,
        "n_requests": 1 + n % 4,
        "operation": "completion",
        "snapshot_id": ("gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18")[n % 2],
        "n_context": 1 + n % 4,
        "n_context_tokens_total": 100 * (n + 1),
        "n_generated": 1 + n % 4,
        "n_generated_tokens_total": 30 * (n + 1),
    }
    for n in range(24)
]
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def models(_request: Received) -> Reply:
    return Reply(json_body={"object": "list", "data": MODELS})


def usage(request: Received) -> Reply:
    date = request.query.get("date", "")
    if not DATE.fullmatch(date):
        return Reply(
            400,
            {
                "error": {
                    "message": f"Invalid date: {date!r}; expected YYYY-MM-DD.",
                    "type": "invalid_request_error",
                    "param": "date",
                    "code": None,
                }
            },
        )
    empty: list[Any] = []
    return Reply(
        json_body={"object": "list", "data": USAGE}
        | {key: empty for key in ("ft_data", "dalle_api_data", "whisper_api_data")}
    )


def install(api: FakeApi, key: str) -> None:
    auth = requires("Authorization", f"Bearer {key}", DENIED)
    routes: dict[str, Handler] = {"/v1/models": models, "/v1/usage": usage}
    for path, handler in routes.items():
        api.route("GET", path, auth(handler))


EXPECTED_MODELS: dict[str, set[str]] = {"openai_model": {str(m["id"]) for m in MODELS}}
