"""Signed JWTs for the token requests of key-based auth, made with PyJWT over `cryptography`.

    client assertion (RFC 7523 §2.2, private_key_jwt)  iss = sub = client id, aud = token URL
    authorization grant (RFC 7523 §2.1, jwt_bearer)     iss = jwtIssuer, sub = jwtSubject,
                                                        aud = jwtAudience or the token URL
    GitHub App JWT                                      iss = app id, RS256, iat = now - 60 s

Each assertion is short-lived (exp two minutes ahead: Salesforce allows three, RFC 7523 asks
for a limit, Okta and Entra ID an hour) and carries a fresh `jti`, so a server that rejects a
replayed assertion never sees one twice. Every assertion is registered with the redactor
before it is sent: it is a credential for as long as it lives.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import jwt

from connection.pem import load_private_key
from core.redaction import Redactor

ASSERTION_LIFETIME = 120  # seconds
# GitHub: "iat ... 60 seconds in the past to allow for clock drift"; exp "no more than 10
# minutes into the future". Nine minutes keeps a margin for a fast local clock.
GITHUB_IAT_BACKDATE = 60
GITHUB_JWT_LIFETIME = 540


class JwtSigner:
    """Signs claims with one private key; the key is read once, from the validated PEM."""

    def __init__(
        self,
        private_key_pem: str,
        algorithm: str,
        redact: Redactor,
        *,
        setting: str,
        key_id: str | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = load_private_key(private_key_pem, setting)
        self.algorithm, self._key_id = algorithm, key_id
        self._redact, self._now = redact, wall_clock

    def sign(self, claims: Mapping[str, Any]) -> str:
        headers = {"kid": self._key_id} if self._key_id else None
        token = jwt.encode(dict(claims), self._key, algorithm=self.algorithm, headers=headers)
        self._redact.rotate("assertion", token)
        return token

    def assertion(
        self,
        issuer: str,
        audience: str,
        subject: str | None,
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        """An RFC 7523 assertion: `extra` first, the registered claims over it."""
        now = int(self._now())
        claims: dict[str, Any] = {
            **(extra or {}),
            "iss": issuer,
            "aud": audience,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
            "jti": secrets.token_urlsafe(24),
        }
        if subject:
            claims["sub"] = subject
        return self.sign(claims)

    def github_app_jwt(self, app_id: str) -> str:
        now = int(self._now())
        return self.sign(
            {"iat": now - GITHUB_IAT_BACKDATE, "exp": now + GITHUB_JWT_LIFETIME, "iss": app_id}
        )
