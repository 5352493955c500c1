"""Which settings are secrets comes from `.port/spec.yaml` alone (connection/spec_file.py):
every setting the spec marks `sensitive`, and every documented spelling that carries a secret,
is never echoed when its value is the invalid one, and is masked by value in logs and errors
once it loads."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from connection import settings
from connection.settings import SENSITIVE_KEYS, load_settings
from core.errors import ConfigurationError
from core.redaction import Redactor
from tests.auth.key_kit import Pki, body_lines, cert_pem, key_pem, rsa_key
from tests.conftest import ROOT

SPEC = yaml.safe_load((ROOT / ".port" / "spec.yaml").read_text(encoding="utf-8"))
MARKED = {item["name"] for item in SPEC["configurations"] if item.get("sensitive") is True}
# Every name a credential arrives under, as README and Port's guides write it (the spellings:
# connection/spellings.py) — kept here by hand, so a flag dropped from the spec fails.
DOCUMENTED_SECRETS = {
    "apiToken",
    "token",
    "authValue",
    "password",
    "apiKey",
    "oauthClientSecret",
    "customAuthRequest",
    "customAuthRequestTemplate",
    "customAuthResponse",
    "customHeaders",
    "oauthPrivateKey",
    "githubAppPrivateKey",
    "clientCertificate",
    "clientPrivateKey",
    "webhookSecret",
}
MARKER = "zz-secret-marker-zz"
# What makes the value the one that is refused (authValue fills the auth type's secret; an
# object is a valid customHeaders).
CONTEXT: dict[str, dict[str, Any]] = {"authValue": {"authType": "bearer_token"}}
INVALID: dict[str, Any] = {"customHeaders": [MARKER]}


def _refusal(name: str) -> str:
    value = INVALID.get(name, {"x": MARKER})
    raw = {"baseUrl": "https://api.example.com", name: value, **CONTEXT.get(name, {})}
    with pytest.raises(ConfigurationError) as refused:
        load_settings(raw, environ={})
    return str(refused.value)


def test_the_secrets_are_the_settings_the_spec_marks_sensitive() -> None:
    assert SENSITIVE_KEYS == MARKED
    assert DOCUMENTED_SECRETS <= MARKED, "mark these sensitive: true in .port/spec.yaml"


@pytest.mark.parametrize("name", sorted(MARKED | DOCUMENTED_SECRETS))
def test_an_invalid_secret_is_refused_without_its_value(name: str) -> None:
    assert MARKER not in _refusal(name)


@pytest.mark.parametrize("name", sorted((MARKED | DOCUMENTED_SECRETS) - {"customHeaders"}))
def test_without_the_sensitive_flag_the_value_would_be_echoed(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: what hides these values is SENSITIVE_KEYS (customHeaders has
    a parser of its own that never echoes a value)."""
    monkeypatch.setattr(settings, "SENSITIVE_KEYS", frozenset())
    assert MARKER in _refusal(name)


@pytest.fixture(scope="module")
def valid() -> dict[str, tuple[dict[str, Any], Any, list[str]]]:
    """Per secret: the settings it needs beside it, a value that loads, and the text of it
    that must never reach a log."""
    template = {"headers": {"X-Static": MARKER, "Authorization": "Bearer {{.token}}"}}
    login = {"endpoint": "/login", "method": "POST", "body": {"password": MARKER}}
    custom = {"authType": "custom", "customAuthRequest": {"endpoint": "/login"}}
    key, client_key = key_pem(rsa_key()), rsa_key()
    certificate = cert_pem(Pki().issue("client", client_key, server=False))
    oauth = {"oauthClientId": "client", "oauthTokenUrl": "/token"}
    bearer = {"authType": "bearer_token"}
    client_key_pem = key_pem(client_key)
    with_key, with_certificate = (
        {"clientPrivateKey": client_key_pem},
        {"clientCertificate": certificate},
    )
    jwt = {"authType": "jwt_bearer", "jwtIssuer": "iss", **oauth}
    app = {"authType": "github_app", "githubAppId": "1", "githubAppInstallationId": "2"}
    signed = {"webhookSignature": "github"}
    return {
        "apiToken": (bearer, MARKER, [MARKER]),
        "token": (bearer, MARKER, [MARKER]),
        "authValue": (bearer, MARKER, [MARKER]),
        "password": ({"authType": "basic", "username": "user"}, MARKER, [MARKER]),
        "apiKey": ({"authType": "api_key"}, MARKER, [MARKER]),
        "oauthClientSecret": ({"authType": "oauth2_client_credentials", **oauth}, MARKER, [MARKER]),
        "customAuthRequest": ({**custom, "customAuthRequestTemplate": template}, login, [MARKER]),
        "customAuthRequestTemplate": (custom, template, [MARKER]),
        "customAuthResponse": (custom, template, [MARKER]),
        "customHeaders": ({}, {"X-Api-Key": MARKER}, [MARKER]),
        "oauthPrivateKey": (jwt, key, body_lines(key)),
        "githubAppPrivateKey": (app, key, body_lines(key)),
        "clientCertificate": (with_key, certificate, body_lines(certificate)),
        "clientPrivateKey": (with_certificate, client_key_pem, body_lines(client_key_pem)),
        "webhookSecret": (signed, MARKER, [MARKER]),
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(MARKED | DOCUMENTED_SECRETS))
def test_a_loaded_secret_is_masked_by_value(
    name: str, valid: dict[str, tuple[dict[str, Any], Any, list[str]]]
) -> None:
    assert name in valid, f"{name} is sensitive in the spec: add a value that loads here"
    beside, value, never_shown = valid[name]
    raw = {"baseUrl": "https://api.example.com", **beside, name: value}
    redact = Redactor(load_settings(raw, environ={}).secrets)
    for text in never_shown:
        assert text not in redact(f"a log line with {text} in it")
