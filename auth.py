"""Static authentication as small `httpx.Auth` classes, scoped to the API's origin.

Credentials go only to the origins this installation trusts (the origin of `baseUrl`). A request
to any other origin — a next link or Link header pointing elsewhere, a redirect — passes through
with no credential added, so a token is never handed to a third party.
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Generator, Iterable
from typing import get_args

import httpx

from errors import ConfigurationError
from redaction import Redactor
from settings import AuthType, ConnectionSettings


def origin_of(url: httpx.URL | str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the default port made explicit, as RFC 6454 compares them."""
    parsed = httpx.URL(url)
    default = {"http": 80, "https": 443}.get(parsed.scheme)
    return parsed.scheme, parsed.host, parsed.port or default


class ScopedAuth(httpx.Auth):
    """Adds credentials only to requests whose origin is in `allowed_origins`."""

    def __init__(self, allowed_origins: Iterable[str]) -> None:
        self._origins = {origin_of(url) for url in allowed_origins}

    def in_scope(self, request: httpx.Request) -> bool:
        return origin_of(request.url) in self._origins

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.in_scope(request):
            self.apply(request)
        yield request

    def apply(self, request: httpx.Request) -> None:
        raise NotImplementedError


class NoAuth(ScopedAuth):
    def apply(self, request: httpx.Request) -> None:
        return None


class HeaderAuth(ScopedAuth):
    """One fixed header: `Authorization: Bearer <token>` or `<apiKeyHeader>: <key>`."""

    def __init__(self, allowed_origins: Iterable[str], name: str, value: str) -> None:
        super().__init__(allowed_origins)
        self._name, self._value = name, value

    def apply(self, request: httpx.Request) -> None:
        request.headers[self._name] = self._value


class BasicAuth(ScopedAuth):
    """RFC 7617 basic auth; the password may be empty (token-as-username APIs)."""

    def __init__(self, allowed_origins: Iterable[str], username: str, password: str) -> None:
        super().__init__(allowed_origins)
        token = b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._header = f"Basic {token}"

    def apply(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = self._header


def build_auth(settings: ConnectionSettings, redact: Redactor | None = None) -> ScopedAuth:
    """Map `authType` to its auth object. An unknown name is a configuration error.

    `redact` is the installation's redactor: token auth registers every token it fetches there,
    so logs and errors mask it. Pass the same instance the client reports errors with.
    """
    origins = [settings.base_url]
    match settings.auth_type:
        case "none":
            return NoAuth(origins)
        case "bearer_token":
            return HeaderAuth(origins, "Authorization", f"Bearer {settings.api_token}")
        case "api_key":
            return HeaderAuth(origins, settings.api_key_header, settings.api_key or "")
        case "basic":
            return BasicAuth(origins, settings.username or "", settings.password or "")
        # Imported here: the token auth modules build on ScopedAuth from this module.
        case "custom":
            from auth_custom import build_custom_auth

            return build_custom_auth(settings, redact or Redactor(settings.secrets))
        case "oauth2_client_credentials":
            from auth_oauth2 import build_oauth2_auth

            return build_oauth2_auth(settings, redact or Redactor(settings.secrets))
    raise ConfigurationError(
        f"authType: {settings.auth_type!r} is not supported; "
        f"allowed: {', '.join(get_args(AuthType))}"
    )
