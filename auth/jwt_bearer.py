"""`authType: jwt_bearer` — a signed JWT as the authorization grant (RFC 7523 §2.1), as Google
service accounts and Salesforce's JWT bearer flow use it.

    authType: jwt_bearer
    oauthTokenUrl: https://oauth2.googleapis.com/token
    oauthPrivateKey: -----BEGIN PRIVATE KEY-----...     (sensitive; PKCS#8 or PKCS#1)
    jwtIssuer: svc@project.iam.gserviceaccount.com     (the service account, the client id)
    jwtSubject: admin@example.com                      (optional: the user acted for)
    jwtAudience: ...                                   (optional, default: oauthTokenUrl)
    jwtClaims: {"scope": "https://www.googleapis.com/auth/cloud-platform.read-only"}
    oauthSigningAlgorithm: RS256 (default) | ES256 | PS256

Each token request is `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<a new
JWT>` to the token URL only; the answer is an ordinary OAuth2 token response, whose
`access_token` goes as a Bearer to baseUrl's origin and is renewed like every token
(`auth/dynamic.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from auth.oauth2 import AccessTokenAuth
from auth.signing import JwtSigner
from connection.auth_config import auth_url
from connection.settings import ConnectionSettings
from core.errors import ConfigurationError
from core.redaction import Redactor

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class JwtBearerAuth(AccessTokenAuth):
    config_keys = (
        "oauthTokenUrl / oauthPrivateKey / oauthSigningAlgorithm / jwtIssuer / jwtSubject / "
        "jwtAudience / jwtClaims"
    )

    def __init__(
        self,
        base_url: str,
        token_url: str,
        signer: JwtSigner,
        redact: Redactor,
        *,
        issuer: str,
        subject: str | None = None,
        audience: str | None = None,
        claims: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__([base_url], redact, auth_url(base_url, token_url), clock=clock)
        self._signer, self._issuer, self._subject = signer, issuer, subject
        self._audience = audience or self.login_url
        self._claims = claims or {}

    def login_request(self) -> httpx.Request:
        assertion = self._signer.assertion(
            self._issuer, self._audience, self._subject, self._claims
        )
        return httpx.Request(
            "POST",
            self.login_url,
            headers={"Accept": "application/json"},
            data={"grant_type": GRANT_TYPE, "assertion": assertion},
        )


def build_jwt_bearer_auth(settings: ConnectionSettings, redact: Redactor) -> JwtBearerAuth:
    keys = settings.key_auth
    if not (settings.oauth_token_url and keys.oauth_private_key and keys.jwt_issuer):
        raise ConfigurationError(
            "authType 'jwt_bearer' needs oauthTokenUrl, oauthPrivateKey and jwtIssuer"
        )
    signer = JwtSigner(
        keys.oauth_private_key,
        keys.oauth_signing_algorithm,
        redact,
        setting="oauthPrivateKey",
        key_id=keys.oauth_key_id,
    )
    return JwtBearerAuth(
        settings.base_url,
        settings.oauth_token_url,
        signer,
        redact,
        issuer=keys.jwt_issuer,
        subject=keys.jwt_subject,
        audience=keys.jwt_audience,
        claims=keys.jwt_claims,
    )
