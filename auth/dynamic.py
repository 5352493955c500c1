"""The token lifecycle shared by every auth type that logs in at run time.

    first API request ──► login (yielded through the same client) ──► request with the token
    token near expiry ──► one login, then the request
    API answers 401   ──► one login, one resend; a second 401 raises AuthenticationError

The login request is *yielded* from the httpx auth flow, never sent by a second client: it goes
through the same transport stack as every API call (retries for 429/5xx and connection errors,
the integration-wide limiter, TLS settings, the client's timeout). One lock serialises logins:
requests that find the token stale, or get a 401 together, cause one login between them, and
when that login fails they all fail with its error instead of each trying again.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable, Generator, Iterable
from typing import Any

import httpx
from loguru import logger

from auth.static import ScopedAuth
from connection.auth_template import describe_shape
from core.errors import AuthenticationError, OceanCustomError
from core.redaction import Redactor, excerpt
from core.redirects import REDIRECT_STATUSES
from transport.stack import RETRYABLE, STATS

# A token is renewed ahead of expiry by 10 % of its lifetime, at most a minute: a 1-hour token
# 60 s early, a 30 s token 3 s early (a fixed 60 s margin would log in before every request).
MAX_RENEW_MARGIN = 60.0
RENEW_MARGIN_SHARE = 0.1


def renew_margin(lifetime: float) -> float:
    return min(MAX_RENEW_MARGIN, RENEW_MARGIN_SHARE * lifetime)


class TokenAuth(ScopedAuth):
    """Base class: subclasses say how to log in, what a login returns and how to use it."""

    requires_request_body = True  # a body template merges into the request's JSON
    requires_response_body = True  # the login response is parsed
    config_keys = "authType"  # the settings to check, named in error messages

    def __init__(
        self,
        api_origins: Iterable[str],
        redact: Redactor,
        login_url: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(api_origins)
        self.login_url = login_url
        self._redact, self._clock = redact, clock
        self._lock = asyncio.Lock()
        self._has_token = False
        self._renew_at: float | None = None  # None: no known expiry, renewed on a 401 only
        self._logins = 0  # completed login attempts, successful or not
        self._failure: OceanCustomError | None = None  # the last attempt's error, if it failed

    # --- what a subclass provides ------------------------------------------------------------

    def login_request(self) -> httpx.Request:
        raise NotImplementedError

    def accept_login(self, response: httpx.Response) -> float | None:
        """Take the credential out of a 2xx login response; return its lifetime in seconds
        (None when unknown). Register every secret it holds with the redactor. Raise an
        OceanCustomError when the response holds no usable credential."""
        raise NotImplementedError

    def authorize(self, request: httpx.Request) -> httpx.Request:
        """A copy of `request` carrying the current credential (the original stays clean)."""
        raise NotImplementedError

    # --- the flow ----------------------------------------------------------------------------

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("token auth needs an httpx.AsyncClient")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if not self.in_scope(request):  # another origin: no login, no credential
            yield request
            return
        await request.aread()
        rejected_login: int | None = None  # the login whose token the API answered 401 to
        for _ in range(2):
            seen = self._logins if rejected_login is None else rejected_login
            async with self._lock:
                if self._must_login(seen, rejected_login):
                    login = self._prepare_login(request)
                    started = self._clock()
                    try:
                        login_response = yield login
                    except GeneratorExit:  # the send raised (timeout, connection) or was cancelled
                        self._record_failure(self._incomplete(login))
                        raise
                    await login_response.aread()
                    self._complete_login(login_response, started)
                used = self._logins
                authorized = self.authorize(request)
            response = yield authorized
            if response.status_code != 401:
                return
            rejected_login = used
            logger.info(f"{self._where(request)} returned 401: logging in again, then resending")
        await response.aread()
        raise self._rejected(response)

    def _must_login(self, seen: int, rejected_login: int | None) -> bool:
        if self._logins != seen and self._failure is not None:
            # Another request's login failed while this one waited: fail alike, don't retry.
            raise type(self._failure)(str(self._failure))
        if rejected_login is not None and self._logins == rejected_login:
            return True  # nobody logged in since the API rejected our token
        if not self._has_token:
            return True
        return self._renew_at is not None and self._clock() >= self._renew_at

    def _prepare_login(self, request: httpx.Request) -> httpx.Request:
        login = self.login_request()
        # The client's timeout travels in the request's extensions; the login takes it (and the
        # endpoint's retry counters). A login is retried on 429/5xx like a read: repeating it
        # changes nothing that matters on the server.
        carried = {k: v for k, v in request.extensions.items() if k in ("timeout", STATS)}
        login.extensions = {**login.extensions, **carried, RETRYABLE: True}
        if "user-agent" in request.headers:
            login.headers.setdefault("User-Agent", request.headers["user-agent"])
        logger.info(f"{type(self).__name__}: logging in at {login.method} {self._show(login.url)}")
        return login

    def _complete_login(self, response: httpx.Response, started: float) -> None:
        try:
            self._check_login_status(response)
            lifetime = self.accept_login(response)
        except OceanCustomError as error:
            self._record_failure(error)
            raise
        self._logins += 1
        self._failure, self._has_token = None, True
        if lifetime is None:
            self._renew_at = None
            logger.info("Logged in; the token has no stated lifetime: renewed on a 401")
            return
        margin = renew_margin(lifetime)
        self._renew_at = started + lifetime - margin
        logger.info(f"Logged in; token valid for {lifetime:g}s, renewed {margin:g}s ahead")

    def _record_failure(self, error: OceanCustomError) -> None:
        self._logins += 1
        self._failure, self._has_token = error, False

    def _check_login_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        where = f"The login {response.request.method} {self._show(response.request.url)}"
        body = excerpt(response.text, self._redact)
        if status in REDIRECT_STATUSES:
            location = self._redact(response.headers.get("location", "?"))
            raise AuthenticationError(
                f"{where} answered {status}, a redirect to {location}. Logins are not followed "
                f"across redirects (the credentials would go along): point {self.config_keys} "
                "at the final URL",
                status_code=status,
            )
        hint = (
            f"the credentials were refused: check {self.config_keys}"
            if status in (400, 401, 403)
            else "the login endpoint failed" + (" after retries" if status >= 500 else "")
        )
        raise AuthenticationError(
            f"{where} returned {status} ({hint}). Response: {body}", status_code=status
        )

    def _incomplete(self, login: httpx.Request) -> AuthenticationError:
        return AuthenticationError(
            f"The login {login.method} {self._show(login.url)} did not complete (timeout, "
            f"connection error or cancellation; see the error above). Check {self.config_keys}"
        )

    def _rejected(self, response: httpx.Response) -> AuthenticationError:
        return AuthenticationError(
            f"{self._where(response.request)} returned 401 again right after a fresh login at "
            f"{self._show(self.login_url)}: the API does not accept the credential. Check "
            f"{self.config_keys} (where the token goes and its permissions). "
            f"Response: {excerpt(response.text, self._redact)}",
            status_code=401,
        )

    def _where(self, request: httpx.Request) -> str:
        return f"{request.method} {self._show(request.url)}"

    def _show(self, url: httpx.URL | str) -> str:
        return self._redact(str(url))

    def _token_answer(
        self, response: httpx.Response, key: str, answer_name: str, hint: str
    ) -> tuple[Any, str]:
        """The decoded login answer (every string of it masked from now on) and the token under
        `key`; AuthenticationError naming the answer's shape and `hint` when there is none."""
        answer = decode_login(response)
        self._redact.rotate("token", *string_values(answer))
        token = answer.get(key) if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise AuthenticationError(
                f"The {answer_name} response of {self._show(self.login_url)} holds no {key}; "
                f"{describe_shape(answer)}. {hint}"
            )
        return answer, token


def rebuild(
    request: httpx.Request,
    *,
    url: httpx.URL | None = None,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> httpx.Request:
    """A copy of `request` with another URL, extra headers or another body."""
    new_headers = httpx.Headers(request.headers)
    new_headers.update(headers or {})
    if content is not None:  # the new Request sets Content-Length for the new body
        new_headers.pop("content-length", None)
        new_headers.pop("transfer-encoding", None)
    return httpx.Request(
        request.method,
        url or request.url,
        headers=new_headers,
        content=request.content if content is None else content,
        extensions=request.extensions,
    )


def decode_login(response: httpx.Response) -> Any:
    """The login response as JSON, or its text when it is not JSON (some logins answer with
    the bare token)."""
    try:
        return json.loads(response.content)
    except ValueError:
        return response.text


def string_values(value: Any) -> list[str]:
    """Every string in a decoded JSON value: what a login response may hold as a secret."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in string_values(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in string_values(item)]
    return [value] if isinstance(value, str) else []


def expires_in(body: Any) -> float | None:
    """RFC 6749's `expires_in` (seconds; a number or a numeric string), when positive."""
    raw = body.get("expires_in") if isinstance(body, dict) else None
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None
