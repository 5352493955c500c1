"""Helpers for the dynamic auth tests: a login server on a real FakeApi, a hand-driven clock,
and clients built as in production (our transport, limiter and retries) around a token auth."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
from loguru import logger

from auth.dynamic import TokenAuth
from client import ApiClient
from connection.endpoint import Endpoint
from connection.settings import ConnectionSettings, load_settings
from connection.urls import join_url
from core.redaction import Redactor
from fetching.http_factory import build_http_client
from sample_api.server import FakeApi, Handler, Received, Reply
from tests.client_kit import FROM_CONNECTION, KitClient, with_call

# Long dummy secrets, unlike anything else in a message, so a leak cannot hide.
PASSWORD = "pw-" + "Hq4Zt8Wn2Kx6" * 4
CLIENT_SECRET = "cs-" + "Vb3Jr7Pd1Lm5" * 4
# Query-unsafe characters, so the URL-encoded form of a token is exercised too.
TOKEN_TAIL = "+/=Yc9Gs2Na6Fe1" * 3


def token_number(number: int) -> str:
    return f"tok-{number}-{TOKEN_TAIL}"


class Clock:
    """A monotonic clock moved by hand: expiry without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def bearer(request: Received) -> str | None:
    value = request.headers.get("authorization", "")
    return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None


class LoginServer:
    """Issues a new token per login and guards API routes with the tokens still valid."""

    def __init__(
        self,
        api: FakeApi,
        path: str = "/oauth/token",
        *,
        expires_in: Any = None,
        shape: Callable[[str], dict[str, Any]] | None = None,
        delay: float = 0.0,
    ) -> None:
        self.api, self.path, self.expires_in, self.delay = api, path, expires_in, delay
        self.shape = shape or (lambda token: {"access_token": token, "token_type": "Bearer"})
        self.issued: list[str] = []
        self.valid: set[str] = set()
        self._lock = threading.Lock()
        api.route("POST", path, self.login)

    def login(self, _request: Received) -> Reply:
        with self._lock:
            token = token_number(len(self.issued) + 1)
            self.issued.append(token)
            self.valid.add(token)
        body = self.shape(token)
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        return Reply(json_body=body, delay=self.delay)

    def revoke_all(self) -> None:
        with self._lock:
            self.valid.clear()

    @property
    def logins(self) -> list[Received]:
        return self.api.requests_to(self.path)

    def guard(self, payload: Any, credential: Callable[[Received], str | None] = bearer) -> Handler:
        """A route answering `payload` to a valid token, 401 to anything else."""

        def handle(request: Received) -> Reply:
            if credential(request) in self.valid:
                return Reply(json_body=payload)
            return Reply(401, {"error": "invalid or expired token"})

        return handle


def custom_settings(base_url: str, login: Any, template: Any, **raw: Any) -> ConnectionSettings:
    return load_settings(
        {
            "base_url": base_url,
            "auth_type": "custom",
            "custom_auth_request": login,
            "custom_auth_request_template": template,
            **raw,
        }
    )


@asynccontextmanager
async def http_client(
    settings: ConnectionSettings, auth: TokenAuth | None = None, redact: Redactor | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The production client (minus Ocean's class); `auth` replaces the built one, e.g. to
    give it a hand-driven clock."""
    redact = redact or Redactor(settings.secrets)
    async with build_http_client(settings, redact, inside_ocean=False) as http:
        if auth is not None:
            http.auth = auth
        yield http


@asynccontextmanager
async def api_client(settings: ConnectionSettings) -> AsyncIterator[tuple[ApiClient, Redactor]]:
    redact = Redactor(settings.secrets)
    async with http_client(settings, redact=redact) as http:
        yield KitClient(http, settings, redact), redact


def endpoint(base_url: str, kind: str = "/items", **selector: Any) -> Endpoint:
    selector.setdefault("pagination", FROM_CONNECTION)
    return Endpoint(kind=kind, url=join_url(base_url, kind), **with_call(selector))


async def items_of(client: ApiClient, target: Endpoint) -> list[dict[str, Any]]:
    return [item async for page in client.iter_items(target) for item in page]


@contextmanager
def all_logs() -> Iterator[list[str]]:
    """Every log record at every level: message, extras and exception text, as Ocean's own
    sinks would render them (diagnose off: no local variables in tracebacks)."""
    lines: list[str] = []
    sink = logger.add(
        lambda message: lines.append(str(message)),
        level=0,
        format="{level} {name}:{function} {message} | {extra}\n{exception}",
        diagnose=False,
        backtrace=False,
    )
    try:
        yield lines
    finally:
        logger.remove(sink)
