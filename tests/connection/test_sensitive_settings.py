"""Which settings are secrets comes from `.port/spec.yaml` alone (connection/spec_file.py):
every setting the spec marks `sensitive`, and every documented spelling that carries a secret,
is never echoed when its value is the invalid one."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from connection import settings
from connection.settings import SENSITIVE_KEYS, load_settings
from core.errors import ConfigurationError
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
