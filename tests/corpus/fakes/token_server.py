"""A generic login/token endpoint and API for corpus B4/C2d (custom authentication).

The token responses are the "expected auth response" shapes Port's custom-authentication page
prints for each of its examples (docs.port.io .../self-hosted/custom-authentication):
`{"access_token", "token_type", "expires_in"}` (OAuth2 client credentials, RFC 6749 §4.4 and
§5.1: form body, `grant_type=client_credentials`), `{"apiKey", "userId"}`, `{"jwt", "version",
"expiresAt"}`, `{"status", "data": {"token", "sessionId"}}`. Port's own API (C2d) answers
`POST /v1/auth/access_token` with `{"ok": true, "accessToken", "expiresIn", "tokenType"}`
(https://docs.port.io/api-reference/get-an-access-token). The token endpoint checks the
credentials it is sent; a wrong one gets 401 `{"error": "invalid_client"}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from sample_api.server import Received, Reply

DENIED = Reply(401, {"error": "invalid_client"})


def form(request: Received) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(request.body.decode()).items()}


def token_endpoint(
    check: Callable[[Received], bool], answer: dict[str, Any]
) -> Callable[[Received], Reply]:
    def handler(request: Received) -> Reply:
        return Reply(json_body=answer) if check(request) else DENIED

    return handler


def json_body_is(expected: dict[str, Any]) -> Callable[[Received], bool]:
    def check(request: Received) -> bool:
        try:
            return bool(json.loads(request.body) == expected)
        except ValueError:
            return False

    return check


def form_has(expected: dict[str, str]) -> Callable[[Received], bool]:
    return lambda request: all(form(request).get(k) == v for k, v in expected.items())
