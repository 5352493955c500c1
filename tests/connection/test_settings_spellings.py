"""Every documented spelling of a connection setting loads, and says so when it conflicts.

The spellings come from Port's own pages: the
self-hosted setup table (`basic_auth`), the HubSpot guide (`bearer`, `token`, a nested
`pagination` object), the Entra ID page (`skip_token`), the interactive install guide
(`authValue`), the earlier custom-authentication page (`customAuthResponse`) and the reference
implementation's env files (`OFFSET_PARAM`, `CURSOR_PARAM`, `LIMIT_PARAM`, `customHeaders`).
"""

from __future__ import annotations

from typing import Any

import pytest

from connection.settings import ConnectionSettings, load_settings
from core.errors import ConfigurationError

BASE = {"base_url": "https://api.example.com/v1"}
TOKEN = "tok-0123456789-abcdefghijklmnopqrstuvwxyz"


def load(environ: dict[str, str] | None = None, /, **raw: Any) -> ConnectionSettings:
    return load_settings({**BASE, **raw}, environ or {})


def rejected(**raw: Any) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load(**raw)
    return str(caught.value)


@pytest.mark.parametrize(
    ("written", "read"),
    [("basic_auth", "basic"), ("bearer", "bearer_token"), ("Basic_Auth", "basic")],
)
def test_auth_type_spellings(written: str, read: str) -> None:
    secret = {"username": "me"} if read == "basic" else {"api_token": TOKEN}
    assert load(auth_type=written, **secret).auth_type == read


def test_token_is_api_token() -> None:
    assert load(auth_type="bearer", token=TOKEN).api_token == TOKEN
    assert load(authType="bearer", token=TOKEN, apiToken=TOKEN).api_token == TOKEN


def test_token_and_api_token_with_different_values_name_both_keys_never_the_values() -> None:
    message = rejected(auth_type="bearer_token", token=TOKEN, api_token=TOKEN + "x")
    assert "token and apiToken: both set, with different values" in message
    assert TOKEN not in message


def test_skip_token_is_next_link_at_odata_next_link() -> None:
    parsed = load(pagination_type="skip_token")
    assert (parsed.pagination.pagination_type, parsed.pagination.next_link_path) == (
        "next_link",
        "@odata.nextLink",
    )


def test_custom_auth_response_is_the_template() -> None:
    template = {"headers": {"Authorization": "Bearer {{.access_token}}"}}
    request = {"endpoint": "/oauth/token", "body": {"client_id": "c", "client_secret": "s"}}
    parsed = load(auth_type="custom", custom_auth_request=request, custom_auth_response=template)
    assert parsed.custom_auth_request_template is not None


def test_custom_auth_response_and_template_both_set_is_an_error() -> None:
    template = {"headers": {"Authorization": "Bearer {{.access_token}}"}}
    message = rejected(customAuthResponse=template, customAuthRequestTemplate=template)
    assert "customAuthResponse and customAuthRequestTemplate: both set" in message


@pytest.mark.parametrize(
    ("auth_type", "field", "expected"),
    [
        ("bearer_token", "api_token", TOKEN),
        ("api_key", "api_key", TOKEN),
        ("basic", "username", "me@example.com"),
    ],
)
def test_auth_value_fills_the_auth_types_secret(auth_type: str, field: str, expected: str) -> None:
    value = f"me@example.com:{TOKEN}" if auth_type == "basic" else TOKEN
    parsed = load(auth_type=auth_type, auth_value=value)
    assert getattr(parsed, field) == expected
    if auth_type == "basic":
        assert parsed.password == TOKEN


def test_auth_value_for_basic_keeps_colons_in_the_password() -> None:
    parsed = load(auth_type="basic_auth", auth_value="user:pa:ss:word")
    assert (parsed.username, parsed.password) == ("user", "pa:ss:word")


def test_auth_value_without_an_auth_type_it_applies_to() -> None:
    message = rejected(auth_value=TOKEN)
    assert "authValue: applies to authType bearer_token, api_key or basic" in message
    assert TOKEN not in message


def test_auth_value_conflicting_with_the_secret_it_fills() -> None:
    message = rejected(auth_type="api_key", auth_value=TOKEN, api_key=TOKEN + "2")
    assert "authValue and apiKey: both set, with different values" in message


@pytest.mark.parametrize(
    ("pagination_type", "name", "expected_param"),
    [
        ("offset", "offset_param", "skip"),
        ("page", "page_param", "skip"),
        ("cursor", "cursor_param", "skip"),
    ],
)
def test_reference_env_parameter_names(
    pagination_type: str, name: str, expected_param: str
) -> None:
    parsed = load(pagination_type=pagination_type, **{name: "skip"}, limit_param="take")
    assert (parsed.pagination.page_param, parsed.pagination.page_size_param) == (
        expected_param,
        "take",
    )


def test_a_reference_parameter_name_for_another_type_is_not_applied() -> None:
    parsed = load(pagination_type="page", offset_param="skip")
    assert parsed.pagination.page_param == "page"


def test_hubspot_nested_pagination_object() -> None:
    """Port's HubSpot guide, option A: `--set integration.config.pagination.<key>=...`."""
    nested = {
        "pagination_type": "cursor",
        "cursor_path": ".paging.next.after",
        "cursor_query_param": "after",
        "limit_query_param": "limit",
        "limit": "100",
    }
    parsed = load(auth_type="bearer", token=TOKEN, pagination=nested)
    assert parsed.pagination.pagination_type == "cursor"
    assert (
        parsed.pagination.cursor_path,
        parsed.pagination.page_param,
        parsed.pagination.page_size_param,
        parsed.pagination.page_size,
    ) == (
        ".paging.next.after",
        "after",
        "limit",
        100,
    )


def test_nested_pagination_with_an_unknown_key() -> None:
    assert "pagination.cursorQuery: not a pagination setting" in rejected(
        pagination={"cursorQuery": "after"}
    )


def test_custom_headers_with_env_references() -> None:
    environ = {"TENANT_TOKEN": TOKEN}
    headers = '{"X-Tenant": "acme", "Authorization": "Token ${TENANT_TOKEN}", "X-Version": 2}'
    parsed = load(environ, custom_headers=headers)
    assert parsed.custom_headers == {
        "X-Tenant": "acme",
        "Authorization": f"Token {TOKEN}",
        "X-Version": "2",
    }
    assert f"Token {TOKEN}" in parsed.secrets
    assert "customHeaders: X-Tenant, Authorization, X-Version" in parsed.describe()
    assert TOKEN not in parsed.describe()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            '{"Authorization": "Token ${MISSING_VAR}"}',
            "header 'Authorization' refers to ${MISSING_VAR}",
        ),
        ("[1, 2]", "expected a JSON object of headers, got a list"),
        ("X-Tenant: acme", "expected a JSON object of headers"),
        ('{"X-Tenant": {"nested": 1}}', "header 'X-Tenant': expected a text value"),
    ],
)
def test_custom_headers_errors(headers: str, expected: str) -> None:
    assert f"customHeaders: {expected}" in rejected(custom_headers=headers)


def test_base_url_query_string_is_split_off_and_secret() -> None:
    key = "canny-api-key-0123456789abcdef"
    parsed = load(base_url=f"https://canny.io/api/v1?apiKey={key}")
    assert parsed.base_url == "https://canny.io/api/v1"
    assert parsed.base_query_params == [("apiKey", key)]
    assert key in parsed.secrets
    assert key not in parsed.describe() and "baseUrl query: apiKey" in parsed.describe()


def test_base_url_query_is_never_echoed_in_an_error() -> None:
    key = "canny-api-key-0123456789abcdef"
    message = rejected(base_url=f"canny.io/api/v1?apiKey={key}")
    assert "baseUrl: expected an absolute http(s) URL" in message
    assert key not in message


def test_base_url_query_survives_a_resources_own_pagination() -> None:
    parsed = load(base_url="https://h/api?apiKey=abcdefgh123")
    parsed.pagination.merged({"paginationType": "offset"})  # a merge holds pagination only
    assert parsed.base_url == "https://h/api" and parsed.base_query == "apiKey=abcdefgh123"


def test_a_spelling_may_replace_a_spec_default_that_ocean_handed_over() -> None:
    """Ocean fills in every spec default (`paginationType: none`, `pageSize: 100`) as given."""
    from_ocean = {"pagination_type": "none", "page_size": "100", "api_key_header": "X-API-Key"}
    nested = {"pagination_type": "cursor", "limit": "50", "cursor_path": "paging.next.after"}
    parsed = load(**from_ocean, pagination=nested)
    assert (parsed.pagination.pagination_type, parsed.pagination.page_size) == ("cursor", 50)
