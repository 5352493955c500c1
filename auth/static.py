"""Static authentication as small `httpx.Auth` classes, scoped to the API's origin.

Credentials go only to the origins this installation trusts (the origin of `baseUrl`). A request
to any other origin — a next link or Link header pointing elsewhere, a redirect — passes through
with no credential added, so a token is never handed to a third party.
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Generator, Iterable

import httpx


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
