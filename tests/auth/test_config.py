"""Dynamic auth settings: validated at start with the key named and no value echoed; templates
rendered as documented; the spec and the settings agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from connection.auth_template import as_text, describe_shape, render
from connection.settings import load_settings
from core.errors import ConfigurationError
from tests.auth.auth_kit import CLIENT_SECRET, PASSWORD

SPEC = yaml.safe_load((Path(__file__).parent.parent.parent / ".port" / "spec.yaml").read_text())
LOGIN = {"endpoint": "/auth/login", "body": {"username": "u", "password": PASSWORD}}
TEMPLATE = {"headers": {"Authorization": "Bearer {{.access_token}}"}}


def rejected(login: Any = LOGIN, template: Any = TEMPLATE) -> str:
    raw = {"base_url": "https://api.example.com", "auth_type": "custom"}
    raw |= {"custom_auth_request": login, "custom_auth_request_template": template}
    with pytest.raises(ConfigurationError) as caught:
        load_settings({k: v for k, v in raw.items() if v is not None})
    message = str(caught.value)
    assert PASSWORD not in message and "got " not in message
    return message


@pytest.mark.parametrize(
    ("login", "template", "expected"),
    [
        (None, TEMPLATE, "authType 'custom' needs customAuthRequest"),
        (LOGIN, None, "authType 'custom' needs customAuthRequestTemplate"),
        ({"method": "POST"}, TEMPLATE, "customAuthRequest: endpoint: Field required"),
        ({**LOGIN, "bodyForm": f"p={PASSWORD}"}, TEMPLATE, "either body (JSON) or bodyForm"),
        ({**LOGIN, "bodyFrom": PASSWORD}, TEMPLATE, "customAuthRequest: bodyFrom: unknown key"),
        ({**LOGIN, "method": "FETCH"}, TEMPLATE, "method: not allowed; allowed: 'GET', 'POST'"),
        ({**LOGIN, "endpoint": "ftp://h/x"}, TEMPLATE, "endpoint: must be a path"),
        ({**LOGIN, "reauthenticateIntervalSeconds": 0}, TEMPLATE, "greater than or equal to 1"),
        (f'{{"endpoint": "/x", "body": {{"p": "{PASSWORD}"}}', TEMPLATE, "is not valid JSON"),
        (LOGIN, {}, "customAuthRequestTemplate: needs at least one of headers, queryParams"),
        (LOGIN, '{"headers": {}}', "needs at least one of headers, queryParams or body"),
        (LOGIN, ["x"], "customAuthRequestTemplate: must be a JSON object, not a list"),
        (LOGIN, {"headers": {"A": "{{.a[}}"}}, "headers.A: jq expression '.a[' does not"),
        (LOGIN, {"queryParams": {"k": "{{token}}"}}, "queryParams.k: jq expression 'token'"),
        (LOGIN, {"body": {"a": {"b": ["{{}}"]}}}, "body.a.b[0]: an empty placeholder"),
        (LOGIN, {"cookies": {"a": "{{.a}}"}}, "cookies: unknown key"),
    ],
)
def test_invalid_custom_configs_name_the_key(login: Any, template: Any, expected: str) -> None:
    assert expected in rejected(login, template)


def test_documented_shapes_parse_as_objects_and_json_strings() -> None:
    for login, template in [
        (
            {"endpoint": "/oauth/token", "method": "POST", "bodyForm": "grant_type=x&a=b"},
            TEMPLATE,
        ),
        ('{"endpoint": "/auth/login", "body": {"username": "u", "password": "p"}}', TEMPLATE),
        (LOGIN, '{"queryParams": {"api_key": "{{.token}}"}}'),
        (LOGIN, {"body": {"token": "{{.token}}"}}),
        ({**LOGIN, "method": "get", "reauthenticateIntervalSeconds": "3600"}, TEMPLATE),
    ]:
        settings = load_settings(
            {
                "base_url": "https://api.example.com",
                "auth_type": "custom",
                "custom_auth_request": login,
                "custom_auth_request_template": template,
            }
        )
        assert settings.custom_auth_request is not None
        assert settings.custom_auth_request_template is not None


def test_custom_objects_are_ignored_for_other_auth_types() -> None:
    settings = load_settings({"base_url": "https://h", "custom_auth_request": LOGIN})
    assert settings.auth_type == "none"


def test_render_writes_json_for_non_strings() -> None:
    answer = {"t": "abc", "n": 42, "o": {"a": [1, True]}, "b": False, "u": "ü"}
    template = {"A": "Bearer {{.t}}", "N": "{{.n}}", "O": "{{.o}}", "B": "{{.b}}", "U": "{{.u}}"}
    assert render(template, answer, "headers") == {
        "A": "Bearer abc",
        "N": "42",
        "O": '{"a":[1,true]}',
        "B": "false",
        "U": "ü",
    }
    body = render(
        {"n": "{{.n}}", "o": "{{ .o }}", "s": "id={{.n}}", "k": 7}, answer, "body", keep_types=True
    )
    assert body == {"n": 42, "o": {"a": [1, True]}, "s": "id=42", "k": 7}
    assert as_text(None) == "null"


def test_describe_shape_never_holds_values() -> None:
    assert describe_shape({"a": PASSWORD, "b": 1}) == "its top-level keys are: a, b"
    assert describe_shape([PASSWORD]) == "it is a JSON array of 1 items, not an object"
    assert PASSWORD not in describe_shape(PASSWORD)
    many = describe_shape({f"k{n}": n for n in range(40)})
    assert many.endswith("k29 (and 10 more)")


def test_a_jq_runtime_error_does_not_leak_the_value() -> None:
    with pytest.raises(ConfigurationError) as caught:
        render({"A": "{{.token.inner}}"}, {"token": PASSWORD}, "headers")
    assert PASSWORD not in str(caught.value)
    assert "top-level keys are: token" in str(caught.value)


def test_spec_declares_the_oauth2_settings() -> None:
    specs = {c["name"]: c for c in SPEC["configurations"]}
    assert "oauth2_client_credentials" in specs["authType"]["enum"]
    for name in ("oauthTokenUrl", "oauthClientId", "oauthClientSecret"):
        (dependency,) = specs[name]["dependencies"]
        assert dependency["when"] == {"equals": "oauth2_client_credentials"}
        assert dependency["then"] == {"required": True}
    assert specs["oauthClientSecret"]["sensitive"] is True
    assert specs["customAuthRequest"]["sensitive"] is True
    assert specs["customAuthRequestTemplate"]["sensitive"] is True
    assert specs["oauthClientAuthentication"]["enum"] == [
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
    ]
    assert specs["oauthClientAuthentication"]["default"] == "client_secret_basic"


def test_a_missing_oauth2_setting_is_named() -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(
            {
                "base_url": "https://h",
                "auth_type": "oauth2_client_credentials",
                "oauth_token_url": "https://idp/token",
                "oauth_client_secret": CLIENT_SECRET,
            }
        )
    message = str(caught.value)
    assert "needs oauthClientId" in message and CLIENT_SECRET not in message
