"""Loopback fakes of the servers that check signed JWTs, following their vendors' docs.

- `AssertionIdp`: an OAuth2 token endpoint that verifies RFC 7523 assertions as Okta (client
  authentication, private_key_jwt) and Google (the JWT bearer grant) document it: the signature
  with the registered public key, iss / sub / aud, exp and iat, and a jti used only once.
- `FakeGitHubApp`: GitHub's installation-token exchange with GitHub's JWT rules.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs

import jwt

from sample_api.server import FakeApi, Received, Reply
from tests.auth.key_kit import Tokens


class AssertionIdp:
    """An RFC 7523 token endpoint. `mode` "client" is client authentication (private_key_jwt,
    Okta's /oauth2/v1/token: iss = sub = client id, aud = the token URL, exp at most an hour,
    a jti never reused); "grant" is the JWT bearer grant (Google's oauth2.googleapis.com/token:
    iss = the service account, aud = the token URL, a scope claim, exp at most an hour after
    iat). Failures answer as those servers do: 401 invalid_client, 400 invalid_grant."""

    def __init__(
        self,
        api: FakeApi,
        public_key: bytes,
        tokens: Tokens,
        *,
        mode: str,
        client_id: str,
        algorithm: str = "RS256",
        path: str = "/oauth2/v1/token",
        scope: str | None = None,
        subject: str | None = None,
    ) -> None:
        self.api, self.public_key, self.tokens, self.mode = api, public_key, tokens, mode
        self.client_id, self.algorithm, self.path = client_id, algorithm, path
        self.scope, self.subject = scope, subject
        self.seen_jti: set[str] = set()
        self.assertions: list[str] = []
        self.in_flight = self.peak_in_flight = 0
        self._lock = threading.Lock()
        api.route("POST", path, self.token)

    @property
    def url(self) -> str:
        return self.api.url + self.path

    def token(self, request: Received) -> Reply:
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            time.sleep(0.05)  # a real round trip: overlapping renewals would show here
            problem = self._check(parse_qs(request.body.decode()))
        finally:
            with self._lock:
                self.in_flight -= 1
        if problem:
            error = "invalid_client" if self.mode == "client" else "invalid_grant"
            status = 401 if self.mode == "client" else 400
            return Reply(status, {"error": error, "error_description": problem})
        token = self.tokens.issue()
        return Reply(
            json_body={
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.tokens.lifetime,
            }
        )

    def _check(self, form: dict[str, list[str]]) -> str | None:
        one = {name: values[0] for name, values in form.items()}
        if self.mode == "client":
            if one.get("grant_type") != "client_credentials":
                return "grant_type must be client_credentials"
            if (
                one.get("client_assertion_type")
                != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            ):
                return "client_assertion_type is missing or wrong"
            assertion = one.get("client_assertion", "")
        else:
            if one.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
                return "Invalid grant_type"
            assertion = one.get("assertion", "")
        self.assertions.append(assertion)
        return self._verify(assertion)

    def _verify(self, assertion: str) -> str | None:
        try:
            claims = jwt.decode(
                assertion,
                self.public_key,
                algorithms=[self.algorithm],
                audience=self.url,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            )
        except jwt.PyJWTError as error:
            return f"The client_assertion token is invalid: {type(error).__name__}"
        if claims["iss"] != self.client_id:
            return "iss does not match the client"
        expected_sub = self.client_id if self.mode == "client" else self.subject
        if claims.get("sub") != expected_sub:
            return "sub does not match"
        if claims["exp"] - time.time() > 3600 or claims["exp"] - claims["iat"] > 3600:
            return "The exp claim is too far in the future"
        if self.scope is not None and claims.get("scope") != self.scope:
            return "Invalid OAuth scope or ID token audience provided."
        with self._lock:
            if claims["jti"] in self.seen_jti:
                return "The client_assertion token has already been used (jti reused)"
            self.seen_jti.add(claims["jti"])
        return None


class FakeGitHubApp:
    """POST /app/installations/{id}/access_tokens as GitHub documents it ("Generating a JSON Web
    Token (JWT) for a GitHub App", "Generating an installation access token"): an RS256 JWT
    whose iss is the app id, iat not in the future, exp at most 10 minutes ahead; 401 with
    GitHub's message otherwise; 201 with {token, expires_at} on success."""

    def __init__(
        self,
        api: FakeApi,
        app_public_key: bytes,
        tokens: Tokens,
        *,
        app_id: str,
        installation_id: str,
        prefix: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api, self.public_key, self.tokens = api, app_public_key, tokens
        self.app_id, self.clock = app_id, clock
        self.path = f"{prefix}/app/installations/{installation_id}/access_tokens"
        self.app_jwts: list[str] = []
        self.in_flight = self.peak_in_flight = 0
        self._lock = threading.Lock()
        api.route("POST", self.path, self.exchange)

    @property
    def exchanges(self) -> list[Received]:
        return self.api.requests_to(self.path)

    def exchange(self, request: Received) -> Reply:
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            time.sleep(0.05)
            problem = self._check(request.headers.get("authorization", ""))
        finally:
            with self._lock:
                self.in_flight -= 1
        if problem:
            return Reply(
                401, {"message": problem, "documentation_url": "https://docs.github.com/rest"}
            )
        # GitHub states expires_at to the second.
        expiry = int(self.clock() + self.tokens.lifetime)
        token = self.tokens.issue(expires_at=expiry)
        stamp = datetime.datetime.fromtimestamp(expiry, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return Reply(201, {"token": token, "expires_at": stamp, "repository_selection": "all"})

    def _check(self, header: str) -> str | None:
        if not header.startswith("Bearer "):
            return "A JSON web token could not be decoded"
        app_jwt = header.removeprefix("Bearer ")
        self.app_jwts.append(app_jwt)
        try:
            claims = jwt.decode(
                app_jwt,
                self.public_key,
                algorithms=["RS256"],
                options={
                    "require": ["iat", "exp", "iss"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except jwt.PyJWTError:
            return "A JSON web token could not be decoded"
        now = self.clock()
        if claims["iat"] > now + 1:
            return "'Issued at' claim ('iat') must be an Integer representing a time in the past"
        if claims["exp"] > now + 600 or claims["exp"] - claims["iat"] > 600:
            return "'Expiration time' claim ('exp') is too far in the future"
        if claims["exp"] <= now:
            return "'Expiration time' claim ('exp') must be a numeric value in the future"
        if str(claims["iss"]) != self.app_id:
            return "Integration not found"
        return None
