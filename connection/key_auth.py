"""Settings of key-based authentication and TLS, held by ConnectionSettings as `key_auth`.

    oauthClientAuthentication: private_key_jwt   oauthPrivateKey, oauthSigningAlgorithm, oauthKeyId
    authType: jwt_bearer        oauthTokenUrl, oauthPrivateKey, jwtIssuer, jwtSubject, jwtAudience,
                                jwtClaims, oauthSigningAlgorithm, oauthKeyId
    authType: github_app        githubAppId, githubAppPrivateKey, githubAppInstallationId
    any authType                clientCertificate + clientPrivateKey (mTLS), caCertificate

The settings arrive flat, like every spec field; ConnectionSettings gathers these names into this
model. Every key and certificate is read with `cryptography` when the settings load, so a damaged
PEM, a key that does not fit its algorithm or a client key that does not match its certificate
stops the start with a message naming the setting — never a byte of the value.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from connection.json_object import json_object
from connection.pem import PrivateKey, load_certificates, load_private_key, pem_secret_forms

SigningAlgorithm = Literal["RS256", "ES256", "PS256"]
# Claims the assertion sets itself; jwtClaims may not replace them.
RESERVED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "iat", "nbf", "jti"})
MIN_RSA_BITS = 2048  # RFC 7518 §3.3
PEM_SECRETS = ("oauth_private_key", "github_app_private_key", "client_certificate")
PEM_SECRETS_KEY = ("client_private_key",)


class KeyAuthSettings(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    oauth_private_key: str | None = Field(default=None, repr=False)
    oauth_signing_algorithm: SigningAlgorithm = "RS256"
    oauth_key_id: str | None = None
    jwt_issuer: str | None = None
    jwt_subject: str | None = None
    jwt_audience: str | None = None
    jwt_claims: dict[str, Any] | None = None
    github_app_id: str | None = None
    github_app_private_key: str | None = Field(default=None, repr=False)
    github_app_installation_id: str | None = None
    client_certificate: str | None = Field(default=None, repr=False)
    client_private_key: str | None = Field(default=None, repr=False)
    ca_certificate: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # githubAppId: 12345 from YAML
        return value

    @field_validator("oauth_signing_algorithm", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("jwt_claims", mode="before")
    @classmethod
    def _claims_object(cls, value: Any) -> Any:
        if value is None:
            return None
        value = json_object(
            value, "claims", '{"scope": "https://www.googleapis.com/auth/cloud-platform.read-only"}'
        )
        reserved = sorted(RESERVED_CLAIMS & set(value))
        if reserved:
            raise ValueError(
                f"sets {', '.join(reserved)}, which the assertion sets itself (jwtIssuer, "
                "jwtSubject, jwtAudience; exp, iat and jti are generated)"
            )
        return value

    @model_validator(mode="after")
    def _read_keys(self) -> Self:
        if self.oauth_private_key:
            check_key_fits(
                load_private_key(self.oauth_private_key, "oauthPrivateKey"),
                self.oauth_signing_algorithm,
                "oauthPrivateKey",
            )
        if self.github_app_private_key:
            key = load_private_key(self.github_app_private_key, "githubAppPrivateKey")
            check_key_fits(key, "RS256", "githubAppPrivateKey")  # GitHub signs apps with RS256
        self._check_client_certificate()
        if self.ca_certificate:
            load_certificates(self.ca_certificate, "caCertificate")
        return self

    def _check_client_certificate(self) -> None:
        certificate, key = self.client_certificate, self.client_private_key
        if bool(certificate) != bool(key):
            given, missing = (
                ("clientCertificate", "clientPrivateKey")
                if certificate
                else ("clientPrivateKey", "clientCertificate")
            )
            raise ValueError(f"{given} is set without {missing}: mTLS needs both")
        if not (certificate and key):
            return
        leaf = load_certificates(certificate, "clientCertificate")[0]
        private = load_private_key(key, "clientPrivateKey")
        public = serialization.PublicFormat.SubjectPublicKeyInfo
        der = serialization.Encoding.DER
        if leaf.public_key().public_bytes(der, public) != private.public_key().public_bytes(
            der, public
        ):
            raise ValueError(
                "clientPrivateKey does not match clientCertificate (the first certificate must "
                "be the client's own, issued for this key)"
            )

    def check_for(self, auth_type: str, client_authentication: str) -> None:
        """The settings the chosen authType needs, each named when missing."""
        needed: tuple[str, ...] = ()
        if auth_type == "oauth2_client_credentials" and client_authentication == "private_key_jwt":
            needed = ("oauth_private_key",)
        elif auth_type == "jwt_bearer":
            needed = ("oauth_private_key", "jwt_issuer")
        elif auth_type == "github_app":
            needed = ("github_app_id", "github_app_private_key", "github_app_installation_id")
        for field in needed:
            if not getattr(self, field):
                what = (
                    f"oauthClientAuthentication '{client_authentication}'"
                    if auth_type == "oauth2_client_credentials"
                    else f"authType '{auth_type}'"
                )
                raise ValueError(f"{what} needs {to_camel(field)}, which is not set")
        installation = self.github_app_installation_id
        if auth_type == "github_app" and installation and not installation.isdigit():
            raise ValueError("githubAppInstallationId: expected the installation's number")

    @property
    def has_client_certificate(self) -> bool:
        return bool(self.client_certificate and self.client_private_key)

    def secret_values(self) -> list[str]:
        """Every form of every sensitive PEM value (see connection/pem.py)."""
        values: list[str] = []
        for field in (*PEM_SECRETS, *PEM_SECRETS_KEY):
            value = getattr(self, field)
            if value:
                values += pem_secret_forms(value)
        return values

    def describe(self) -> str:
        """Which TLS material is configured, for the start-up line; holds no secret."""
        parts = []
        if self.has_client_certificate:
            parts.append("clientCertificate=set")
        if self.ca_certificate:
            count = len(load_certificates(self.ca_certificate, "caCertificate"))
            parts.append(f"caCertificate={count} cert{'s' if count > 1 else ''}")
        return " ".join(parts)


# The flat settings of key-based auth and TLS, gathered into ConnectionSettings' `key_auth`.
KEY_AUTH = "key_auth"


def check_key_fits(key: PrivateKey, algorithm: str, setting: str) -> None:
    """RS256/PS256 need an RSA key of at least 2048 bits, ES256 an EC key on P-256."""
    if algorithm in ("RS256", "PS256"):
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(
                f"{setting}: {algorithm} needs an RSA key; this is an EC key (use "
                "oauthSigningAlgorithm ES256 for a P-256 key)"
            )
        if key.key_size < MIN_RSA_BITS:
            raise ValueError(
                f"{setting}: the RSA key has {key.key_size} bits; {algorithm} needs at least "
                f"{MIN_RSA_BITS}"
            )
        return
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(
            f"{setting}: ES256 needs an EC key on curve P-256 (prime256v1); this is "
            f"{'an RSA key' if isinstance(key, rsa.RSAPrivateKey) else key.curve.name}"
        )
