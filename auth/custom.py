"""`authType: custom` — a login request of your own, and templates that put its answer on every
API request, in the shape Port documents:

    customAuthRequest:  {"endpoint": "/auth/login", "body": {"username": "u", "password": "p"}}
    customAuthRequestTemplate:  {"headers": {"Authorization": "Bearer {{.access_token}}"}}

The login goes only to `customAuthRequest.endpoint` (a path joined to baseUrl, or an absolute
URL). The templated headers, query parameters and body go only to the origin of baseUrl. The
token is renewed `reauthenticateIntervalSeconds` after a login or at the response's
`expires_in`, whichever is sooner (minus a margin, see `auth/dynamic.py`), and after a 401.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from auth.dynamic import TokenAuth, decode_login, expires_in, rebuild, string_values
from connection.auth_config import CustomAuthRequest, CustomAuthTemplate, auth_url, with_url_forms
from connection.auth_template import as_text, render
from connection.settings import ConnectionSettings
from core.errors import ConfigurationError
from core.redaction import Redactor

FORM = "application/x-www-form-urlencoded"


class CustomLoginAuth(TokenAuth):
    config_keys = "customAuthRequest / customAuthRequestTemplate"

    def __init__(
        self,
        base_url: str,
        login: CustomAuthRequest,
        template: CustomAuthTemplate,
        redact: Redactor,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__([base_url], redact, auth_url(base_url, login.endpoint), clock=clock)
        self._login, self._template = login, template
        self._headers: dict[str, str] = {}
        self._params: dict[str, str] = {}
        self._body: dict[str, Any] = {}
        redact.add(*login.secret_values(), *template.secret_values())

    def login_request(self) -> httpx.Request:
        headers = httpx.Headers({"Accept": "application/json"})
        headers.update(self._login.headers)
        params = {name: as_text(value) for name, value in self._login.query_params.items()}
        if self._login.body_form is not None:
            # Sent as written: the documented value is an already-encoded form string.
            if "content-type" not in headers:
                headers["Content-Type"] = FORM
            return httpx.Request(
                self._login.method,
                self.login_url,
                params=params,
                headers=headers,
                content=self._login.body_form.encode(),
            )
        return httpx.Request(
            self._login.method,
            self.login_url,
            params=params,
            headers=headers,
            json=self._login.body,
        )

    def accept_login(self, response: httpx.Response) -> float | None:
        answer = decode_login(response)
        # The whole answer is treated as secret: a session id or refresh token is as sensitive
        # as the access token, and the template may use any of them.
        found: list[Any] = []  # every value a placeholder resolved to, masked as written
        headers = render(self._template.headers, answer, "headers", found=found)
        params = render(self._template.query_params, answer, "queryParams", found=found)
        body = render(self._template.body, answer, "body", keep_types=True, found=found)
        rendered = with_url_forms([as_text(value) for value in found])
        self._redact.rotate("login", *string_values(answer), *rendered)
        self._headers, self._params, self._body = headers, params, body
        lifetimes = [self._login.reauthenticate_interval_seconds, expires_in(answer)]
        known = [float(seconds) for seconds in lifetimes if seconds is not None]
        return min(known) if known else None

    def authorize(self, request: httpx.Request) -> httpx.Request:
        url = request.url.copy_merge_params(self._params) if self._params else None
        return rebuild(request, url=url, headers=self._headers, content=self._merged_body(request))

    def _merged_body(self, request: httpx.Request) -> bytes | None:
        """The body template merged into a JSON object body; None (unchanged) otherwise: a GET
        has no body to carry it, and a non-object body has nowhere to put it."""
        if not self._body or "json" not in request.headers.get("content-type", ""):
            return None
        try:
            current = json.loads(request.content)
        except ValueError:
            return None
        if not isinstance(current, dict):
            return None
        merged = {**current, **self._body}
        return json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode()


def build_custom_auth(settings: ConnectionSettings, redact: Redactor) -> CustomLoginAuth:
    login, template = settings.custom_auth_request, settings.custom_auth_request_template
    if login is None or template is None:
        raise ConfigurationError(
            "authType 'custom' needs both customAuthRequest and customAuthRequestTemplate"
        )
    return CustomLoginAuth(settings.base_url, login, template, redact)
