"""Key and certificate settings: every way a PEM arrives loads, and every bad one stops the start
with a message naming the setting and holding no byte of the value."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from connection.settings import ConnectionSettings, load_settings
from connection.sources import gather_settings
from core.errors import ConfigurationError
from core.redaction import Redactor
from tests.auth.key_kit import Pki, body_lines, ec_key, key_pem, rsa_key

BASE = {"base_url": "https://api.example.com"}
KEY_JWT = {
    **BASE,
    "auth_type": "oauth2_client_credentials",
    "oauth_client_authentication": "private_key_jwt",
    "oauth_token_url": "https://idp.example.com/oauth2/v1/token",
    "oauth_client_id": "client",
}
RSA_PEM = key_pem(rsa_key())


def _forms(pem: str) -> dict[str, str]:
    """The shapes a PEM value takes on its way in (docs/authentication.md#pem-values)."""
    return {
        "helm --set-file / multi-line env var": pem,
        "file with a trailing newline": pem + "\n",
        "literal \\n (JSON, .env, --set)": pem.strip().replace("\n", "\\n"),
        "newlines turned to spaces (a one-line form field)": pem.strip().replace("\n", " "),
        "windows line ends": pem.replace("\n", "\r\n"),
        "indented YAML block": "\n".join("  " + line for line in pem.splitlines()),
    }


@pytest.mark.parametrize("form", list(_forms(RSA_PEM)))
def test_every_pem_form_loads_the_same_key(form: str) -> None:
    settings = load_settings({**KEY_JWT, "oauth_private_key": _forms(RSA_PEM)[form]})
    assert settings.key_auth.oauth_private_key is not None


def test_pkcs1_pkcs8_and_ec_keys_load() -> None:
    load_settings({**KEY_JWT, "oauth_private_key": key_pem(rsa_key(), pkcs1=True)})
    for pkcs1 in (False, True):
        load_settings(
            {
                **KEY_JWT,
                "oauth_private_key": key_pem(ec_key(), pkcs1=pkcs1),
                "oauth_signing_algorithm": "ES256",
            }
        )


def test_a_multi_line_env_var_and_the_secrets_prefix_arrive_whole() -> None:
    """Helm --set-file writes the file into a Secret, which becomes a multi-line env var; Port's
    docker commands use OCEAN__INTEGRATION__SECRETS__<NAME>."""
    pki = Pki()
    certificate, client_key = pki.client()
    environ = {
        "OCEAN__INTEGRATION__SECRETS__CLIENT_CERTIFICATE": certificate,
        "OCEAN__INTEGRATION__SECRETS__CLIENT_PRIVATE_KEY": client_key,
        "OCEAN__INTEGRATION__CONFIG__CA_CERTIFICATE": pki.ca_pem.replace("\n", "\\n"),
    }
    raw = gather_settings(
        {**BASE, "ca_certificate": environ["OCEAN__INTEGRATION__CONFIG__CA_CERTIFICATE"]}, environ
    )
    settings = load_settings(raw, environ)
    assert settings.key_auth.has_client_certificate
    assert "clientCertificate=set caCertificate=1 cert" in settings.describe()


def rejected(raw: dict[str, Any]) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(raw)
    return str(caught.value)


def _truncated(pem: str) -> str:
    lines = pem.strip().splitlines()
    return "\n".join([*lines[:5], lines[-1]])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"oauth_private_key": "not a key at all"}, "oauthPrivateKey: expected PEM text"),
        ({"oauth_private_key": _truncated(RSA_PEM)}, "oauthPrivateKey: the PRIVATE KEY block"),
        (
            {"oauth_private_key": RSA_PEM, "oauth_signing_algorithm": "ES256"},
            "oauthPrivateKey: ES256 needs an EC key on curve P-256",
        ),
        ({"oauth_private_key": key_pem(ec_key())}, "oauthPrivateKey: RS256 needs an RSA key"),
        (
            {"oauth_private_key": key_pem(rsa.generate_private_key(65537, 1024))},
            "the RSA key has 1024 bits",
        ),
        ({"oauth_signing_algorithm": "HS256"}, "oauthSigningAlgorithm: not an allowed value"),
        ({}, "oauthClientAuthentication 'private_key_jwt' needs oauthPrivateKey"),
    ],
)
def test_a_bad_key_stops_the_start_naming_the_setting(raw: dict[str, Any], expected: str) -> None:
    message = rejected({**KEY_JWT, **raw})
    assert expected in message
    secret = raw.get("oauth_private_key", "")
    assert [line for line in body_lines(secret) if line in message] == []


def test_an_encrypted_key_is_named() -> None:
    encrypted = (
        rsa_key()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.BestAvailableEncryption(b"passphrase"),
        )
        .decode()
    )
    assert "encrypted PEM key is not supported" in rejected(
        {**KEY_JWT, "oauth_private_key": encrypted}
    )


def test_certificate_problems_are_named() -> None:
    pki = Pki()
    certificate, client_key = pki.client()
    _, other_key = pki.client()
    mismatch = rejected(
        {**BASE, "client_certificate": certificate, "client_private_key": other_key}
    )
    assert "clientPrivateKey does not match clientCertificate" in mismatch
    alone = rejected({**BASE, "client_certificate": certificate})
    assert "clientCertificate is set without clientPrivateKey" in alone
    assert "caCertificate: expected PEM" in rejected({**BASE, "ca_certificate": "-----"})
    damaged = pki.ca_pem.replace(body_lines(pki.ca_pem)[2], "A" * 64)
    assert "caCertificate: certificate 1 of 1 could not be read" in rejected(
        {**BASE, "ca_certificate": damaged}
    )
    for text in (mismatch, alone):
        assert [line for line in body_lines(client_key + other_key) if line in text] == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"auth_type": "jwt_bearer"}, "authType 'jwt_bearer' needs oauthTokenUrl"),
        (
            {
                "auth_type": "jwt_bearer",
                "oauth_token_url": "https://t",
                "oauth_private_key": RSA_PEM,
            },
            "authType 'jwt_bearer' needs jwtIssuer",
        ),
        ({"jwt_claims": '{"aud": "x"}'}, "jwtClaims: sets aud"),
        ({"jwt_claims": "[1]"}, "jwtClaims: expected a JSON object of claims"),
        ({"auth_type": "github_app"}, "authType 'github_app' needs githubAppId"),
        (
            {
                "auth_type": "github_app",
                "github_app_id": "1",
                "github_app_private_key": RSA_PEM,
                "github_app_installation_id": "org/acme",
            },
            "githubAppInstallationId: expected the installation's number",
        ),
        (
            {"github_app_private_key": key_pem(ec_key())},
            "githubAppPrivateKey: RS256 needs an RSA key",
        ),
    ],
)
def test_each_auth_types_settings_are_checked(raw: dict[str, Any], expected: str) -> None:
    assert expected in rejected({**BASE, **raw})


def test_every_line_of_every_pem_secret_is_masked() -> None:
    pki = Pki()
    certificate, client_key = pki.client()
    one_line = RSA_PEM.strip().replace("\n", "\\n")
    settings = load_settings(
        {
            **KEY_JWT,
            "oauth_private_key": one_line,
            "client_certificate": certificate,
            "client_private_key": client_key,
            "ca_certificate": pki.ca_pem,
        }
    )
    redact = Redactor(settings.secrets)
    for pem in (RSA_PEM, client_key, certificate):
        for line in body_lines(pem):
            if len(line) >= 4:
                assert redact(f"...{line}...") == "...[REDACTED]..."
    assert one_line not in redact(f"echo: {one_line}")
    assert body_lines(pki.ca_pem)[0] in redact(body_lines(pki.ca_pem)[0]), "a CA is public"
    assert "BEGIN" not in repr(settings) and "BEGIN" not in settings.describe()


def test_dumped_settings_load_again() -> None:
    """A dump loads again: the gathered key_auth (and the grouped pagination) survive it."""
    settings = load_settings({**KEY_JWT, "oauth_private_key": RSA_PEM})
    again = ConnectionSettings.model_validate(settings.model_dump())
    assert again.key_auth == settings.key_auth
    assert again.pagination == settings.pagination
