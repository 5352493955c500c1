"""`authType: oauth2_client_credentials` — OAuth 2.0 client credentials (RFC 6749 §4.4).

    authType: oauth2_client_credentials
    oauthTokenUrl: https://idp.example.com/oauth/token
    oauthClientId: my-client
    oauthClientSecret: ...            (sensitive)
    oauthScope: read:users            (optional)
    oauthAudience: https://api.example.com   (optional, Auth0 / Okta style)
    oauthClientAuthentication: client_secret_basic (default) | client_secret_post
                               | private_key_jwt (oauthPrivateKey, oauthSigningAlgorithm,
                                 oauthKeyId; no client secret)

The token request (`grant_type=client_credentials`, form-encoded) goes only to the token URL;
the client secret travels in an HTTP Basic header (`client_secret_basic`, RFC 6749 §2.3.1) or in
the form body (`client_secret_post`); with `private_key_jwt` (RFC 7523 §2.2) the form carries a
fresh signed assertion instead (`client_assertion_type` + `client_assertion`, iss = sub = client
id, aud = the token URL; see `auth/signing.py`). The expected answer:

    {"access_token": "eyJ...", "token_type": "Bearer", "expires_in": 3600}

`Authorization: Bearer <access_token>` then goes to the origin of baseUrl only. The token is
renewed ahead of `expires_in` (see `auth/dynamic.py`), and once after a 401.
"""

from __future__ import annotations

import time
from base64 import b64encode
from collections.abc import Callable
from urllib.parse import quote_plus

import httpx
from loguru import logger

from auth.dynamic import TokenAuth, expires_in, rebuild
from auth.signing import JwtSigner
from connection.auth_config import ClientAuthentication, auth_url
from connection.settings import ConnectionSettings
from core.errors import ConfigurationError
from core.redaction import Redactor

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class AccessTokenAuth(TokenAuth):
    """An OAuth2 token response (RFC 6749 §5.1) read, and its token sent as a Bearer."""

    _bearer = ""

    def accept_login(self, response: httpx.Response) -> float | None:
        answer, token = self._token_answer(
            response,
            "access_token",
            "token",
            "Check oauthTokenUrl: it must be the OAuth2 token endpoint (often /oauth/token or "
            "/oauth2/v1/token)",
        )
        token_type = answer.get("token_type")
        if isinstance(token_type, str) and token_type.lower() != "bearer":
            logger.warning(f"Token type {token_type!r} is not Bearer; sending it as Bearer")
        self._bearer = f"Bearer {token}"
        return expires_in(answer)

    def authorize(self, request: httpx.Request) -> httpx.Request:
        return rebuild(request, headers={"Authorization": self._bearer})


class ClientCredentialsAuth(AccessTokenAuth):
    config_keys = "oauthTokenUrl / oauthClientId / oauthClientSecret / oauthScope"

    def __init__(
        self,
        base_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        redact: Redactor,
        *,
        scope: str | None = None,
        audience: str | None = None,
        client_authentication: ClientAuthentication = "client_secret_basic",
        signer: JwtSigner | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__([base_url], redact, auth_url(base_url, token_url), clock=clock)
        self._form = {"grant_type": "client_credentials"}
        if scope:
            self._form["scope"] = scope
        if audience:
            self._form["audience"] = audience
        self._headers = {"Accept": "application/json"}
        self._client_id, self._signer = client_id, signer
        if client_authentication == "private_key_jwt":
            if signer is None:
                raise ConfigurationError("oauthClientAuthentication private_key_jwt needs a key")
            self.config_keys = (
                "oauthTokenUrl / oauthClientId / oauthPrivateKey / oauthSigningAlgorithm / "
                "oauthKeyId (the client's registered public key)"
            )
            self._form["client_id"] = client_id  # RFC 7521 §4.2: optional; Entra ID wants it
        elif client_authentication == "client_secret_post":
            self._form |= {"client_id": client_id, "client_secret": client_secret}
        else:
            # RFC 6749 §2.3.1: each part form-encoded before the Basic encoding.
            pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}"
            encoded = b64encode(pair.encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {encoded}"
            redact.add(encoded)  # servers echo headers in error pages
        redact.add(client_secret, quote_plus(client_secret))

    def login_request(self) -> httpx.Request:
        form = dict(self._form)
        if self._signer is not None:  # a new assertion per token request: a fresh jti
            assertion = self._signer.assertion(
                self._client_id, self.login_url, subject=self._client_id
            )
            form |= {"client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}
        return httpx.Request("POST", self.login_url, headers=self._headers, data=form)


def build_oauth2_auth(settings: ConnectionSettings, redact: Redactor) -> ClientCredentialsAuth:
    token_url, client_id = settings.oauth_token_url, settings.oauth_client_id
    client_secret = settings.oauth_client_secret or ""
    keys, signer = settings.key_auth, None
    if settings.oauth_client_authentication == "private_key_jwt" and keys.oauth_private_key:
        signer = JwtSigner(
            keys.oauth_private_key,
            keys.oauth_signing_algorithm,
            redact,
            setting="oauthPrivateKey",
            key_id=keys.oauth_key_id,
        )
    if not (token_url and client_id and (client_secret or signer)):
        raise ConfigurationError(
            "authType 'oauth2_client_credentials' needs oauthTokenUrl, oauthClientId and "
            "oauthClientSecret (or oauthClientAuthentication private_key_jwt with oauthPrivateKey)"
        )
    return ClientCredentialsAuth(
        settings.base_url,
        token_url,
        client_id,
        client_secret,
        redact,
        scope=settings.oauth_scope,
        audience=settings.oauth_audience,
        client_authentication=settings.oauth_client_authentication,
        signer=signer,
    )
