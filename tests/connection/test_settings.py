"""Connection settings: strings from Port's form and env parsed, every invalid value named."""

from __future__ import annotations

from base64 import b64encode
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from port_ocean.config.dynamic import default_config_factory
from pydantic.alias_generators import to_camel

from connection.pagination_settings import PaginationType
from connection.settings import (
    GROUPED_FIELDS,
    INTERNAL_FIELDS,
    AuthType,
    ConnectionSettings,
    load_settings,
)
from connection.spellings import DECLARED_SPELLINGS
from core.errors import ConfigurationError

SPEC = yaml.safe_load(
    (Path(__file__).resolve().parent.parent.parent / ".port/spec.yaml").read_text()
)
BASE = {"base_url": "https://api.example.com/v1"}
SECRET = "tok-" + "s3cr3tValue" * 4  # long: masked by value, never by a prefix


def settings(**raw: Any) -> ConnectionSettings:
    return load_settings({**BASE, **raw})


def rejected(**raw: Any) -> str:
    """The message of the ConfigurationError that `raw` settings raise."""
    with pytest.raises(ConfigurationError) as caught:
        load_settings({**BASE, **raw})
    message = str(caught.value)
    assert message.startswith("Invalid connection settings:")
    assert SECRET not in message
    return message


# --- parsing -------------------------------------------------------------------------------


def test_defaults_are_the_documented_ones() -> None:
    parsed = settings()
    assert (parsed.auth_type, parsed.pagination.pagination_type) == ("none", "none")
    assert (parsed.pagination.page_size, parsed.pagination.start_page, parsed.timeout) == (
        100,
        1,
        30.0,
    )
    assert (parsed.pagination.next_link_path, parsed.pagination.header_link_rel) == (
        "@odata.nextLink",
        "next",
    )
    assert (parsed.api_key_header, parsed.verify_ssl, parsed.max_concurrent_requests) == (
        "X-API-Key",
        True,
        10,
    )


def test_strings_from_the_form_and_env_are_converted() -> None:
    parsed = settings(
        page_size="100",
        verify_ssl="false",
        timeout="2.5",
        start_page="0",
        max_concurrent_requests="3",
        requests_per_second="0.5",
    )
    assert parsed.pagination.page_size == 100
    assert parsed.verify_ssl is False
    assert parsed.timeout == 2.5
    assert (parsed.pagination.start_page, parsed.max_concurrent_requests) == (0, 3)
    assert parsed.requests_per_second == 0.5


def test_camel_case_keys_are_accepted_too() -> None:
    parsed = load_settings({"baseUrl": "https://h", "paginationType": "offset", "pageSize": "7"})
    assert (parsed.pagination.pagination_type, parsed.pagination.page_size) == ("offset", 7)


def test_none_and_empty_strings_mean_unset() -> None:
    # Ocean passes every spec key, unset ones as None; Port's form sends "" for cleared fields.
    parsed = settings(page_size=None, cursor_path="", auth_type="basic", username="u", password="")
    assert parsed.pagination.page_size == 100
    assert parsed.pagination.cursor_path is None
    assert parsed.password is None


def test_base_url_is_trimmed_and_keeps_its_prefix() -> None:
    assert settings(base_url=" https://h.example.com/api/ ").base_url == "https://h.example.com/api"


@pytest.mark.parametrize(
    ("pagination_type", "page_param", "size_param"),
    [
        ("offset", "offset", "limit"),
        ("page", "page", "size"),
        ("cursor", "cursor", "limit"),
        ("next_link", "", None),
        ("header_link", "", None),
        ("none", "", None),
    ],
)
def test_parameter_name_defaults_per_type(
    pagination_type: str, page_param: str, size_param: str | None
) -> None:
    parsed = settings(pagination_type=pagination_type, cursor_path="next")
    assert (parsed.pagination.page_param, parsed.pagination.page_size_param) == (
        page_param,
        size_param,
    )
    custom = settings(
        pagination_type=pagination_type, cursor_path="next", pagination_param="p", size_param="n"
    )
    assert (custom.pagination.page_param, custom.pagination.page_size_param) == ("p", "n")


def test_basic_auth_allows_an_empty_password() -> None:
    parsed = settings(auth_type="basic", username=SECRET)
    assert parsed.password is None


def test_secrets_cover_every_credential_and_the_encoded_basic_pair() -> None:
    assert settings(auth_type="bearer_token", api_token=SECRET).secrets == [SECRET]
    assert settings(auth_type="api_key", api_key=SECRET).secrets == [SECRET]
    basic = settings(auth_type="basic", username="me", password=SECRET).secrets
    assert basic[0] == SECRET
    assert len(basic) == 2  # plus base64("me:<password>") as sent in the header
    # With an empty password the username is the credential (token-as-username APIs).
    assert SECRET in settings(auth_type="basic", username=SECRET).secrets


def test_secrets_are_not_in_repr_or_describe() -> None:
    parsed = settings(auth_type="bearer_token", api_token=SECRET)
    assert SECRET not in repr(parsed)
    assert SECRET not in parsed.describe()


# --- invalid values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"auth_type": "basic_token"},
            "authType: not an allowed value; got 'basic_token'; "
            "allowed: none, bearer_token, basic, api_key, custom",
        ),
        (
            {"pagination_type": "link"},
            "paginationType: not an allowed value; got 'link'; "
            "allowed: none, offset, page, cursor, next_link, header_link",
        ),
        ({"page_size": "abc"}, "pageSize: "),
        ({"page_size": "2.5"}, "pageSize: "),
        ({"verify_ssl": "maybe"}, "verifySsl: "),
        ({"timeout": "fast"}, "timeout: "),
    ],
)
def test_unparsable_values_name_key_value_and_allowed(raw: dict[str, Any], expected: str) -> None:
    message = rejected(**raw)
    assert expected in message
    value = next(iter(raw.values()))
    assert f"got {value!r}" in message
    assert "allowed: " in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"page_size": "0"}, "pageSize: Input should be greater than or equal to 1; got '0'"),
        ({"start_page": "-1"}, "startPage: Input should be greater than or equal to 0; got '-1'"),
        ({"timeout": "0"}, "timeout: Input should be greater than 0; got '0'"),
        ({"max_concurrent_requests": "0"}, "maxConcurrentRequests: Input should be greater"),
    ],
)
def test_out_of_range_numbers_name_the_bound(raw: dict[str, Any], expected: str) -> None:
    assert expected in rejected(**raw)


@pytest.mark.parametrize(
    ("auth_type", "missing"),
    [("bearer_token", "apiToken"), ("api_key", "apiKey")],
)
def test_missing_secret_for_the_chosen_auth_type(auth_type: str, missing: str) -> None:
    assert f"authType '{auth_type}' needs {missing}, which is not set" in rejected(
        auth_type=auth_type
    )


def test_basic_needs_one_half_of_the_pair() -> None:
    assert "authType 'basic' needs username or password, and neither is set" in rejected(
        auth_type="basic"
    )
    # Azure DevOps documents an empty user and a personal access token as the password.
    azure = settings(auth_type="basic", password=SECRET)
    assert azure.username is None
    assert b64encode(f":{SECRET}".encode()).decode() in azure.secrets


def test_a_secret_for_another_auth_type_does_not_satisfy_it() -> None:
    assert "needs apiToken" in rejected(auth_type="bearer_token", api_key=SECRET)


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("api.example.com", "expected an absolute http(s) URL"),
        ("ftp://api.example.com", "expected an absolute http(s) URL"),
        ("https://", "expected an absolute http(s) URL"),
        ("https://api.example.com/v1#top", "a #fragment does not belong"),
    ],
)
def test_malformed_base_url(base_url: str, expected: str) -> None:
    message = rejected(base_url=base_url)
    assert f"baseUrl: {expected}" in message
    assert repr(base_url) in message


def test_missing_base_url() -> None:
    with pytest.raises(ConfigurationError, match="baseUrl: Field required"):
        load_settings({})


def test_unknown_key_is_named_with_a_suggestion_and_its_value_not_echoed() -> None:
    # A misspelt secret key: the value is a credential and must not appear in the error.
    message = rejected(apitoken=SECRET)
    assert "apitoken: unknown setting" in message
    assert "did you mean apiToken?" in message
    assert "fooBar: unknown setting" in rejected(fooBar="1")


def test_cursor_without_cursor_path_loads_with_the_documented_defaults() -> None:
    # The spec says cursorPath "defaults to common patterns if not specified".
    assert settings(pagination_type="cursor").pagination.cursor_path is None


def test_a_path_setting_that_is_not_valid_jq() -> None:
    message = rejected(pagination_type="cursor", cursor_path=".data[")
    assert "cursorPath: jq expression '.data[' does not compile" in message


@pytest.mark.parametrize(
    "raw",
    [
        {"api_token": 12345},
        {"password": ["x"]},
        {"custom_auth_request": f'{{"body": {{"secret": "{SECRET}"}}'},  # broken JSON string
    ],
)
def test_an_invalid_secret_is_named_but_never_echoed(raw: dict[str, Any]) -> None:
    message = rejected(**raw)
    assert to_camel(next(iter(raw))) in message
    assert "got " not in message


def test_several_problems_are_reported_together() -> None:
    message = rejected(page_size="x", auth_type="nope", apiToken=SECRET)
    assert "pageSize:" in message
    assert "authType:" in message


# --- spec.yaml is the same contract --------------------------------------------------------


def test_spec_configuration_names_are_the_settings_fields() -> None:
    ocean_model = default_config_factory(SPEC["configurations"])
    fields = set(ConnectionSettings.model_fields) - INTERNAL_FIELDS - set(GROUPED_FIELDS)
    # Grouped settings (key auth, webhooks) are flat in the spec, one field of the settings each.
    for group in GROUPED_FIELDS.values():
        fields |= set(group.model_fields)
    assert set(ocean_model.model_fields) == fields | set(DECLARED_SPELLINGS)


def test_spec_defaults_agree_with_the_settings_defaults() -> None:
    # What Ocean hands over when only baseUrl is set: every spec default, as strings.
    ocean_model = default_config_factory(SPEC["configurations"])
    from_ocean = ocean_model(base_url=BASE["base_url"]).model_dump(mode="json")
    assert load_settings(from_ocean) == settings()


def test_spec_marks_every_credential_sensitive() -> None:
    sensitive = {c["name"] for c in SPEC["configurations"] if c.get("sensitive")}
    assert {"apiToken", "password", "apiKey"} <= sensitive


def test_spec_enums_are_the_allowed_values() -> None:
    enums = {c["name"]: c["enum"] for c in SPEC["configurations"] if "enum" in c}
    assert enums["authType"] == list(get_args(AuthType))
    assert enums["paginationType"] == list(get_args(PaginationType))
    assert enums["paginationType"] == [
        "none",
        "offset",
        "page",
        "cursor",
        "next_link",
        "header_link",
    ]


def test_flat_keys_join_a_group_given_whole_and_win_over_it() -> None:
    """A settings dump read back with flat keys beside it (each group: pagination, webhooks,
    key auth): the group keeps what it held, the flat keys change only themselves."""
    base = load_settings(
        {"base_url": "https://h", "pagination_type": "cursor", "cursor_path": "meta.next"}
    )
    again = ConnectionSettings.model_validate({**base.model_dump(), "pageSize": "5"})
    assert again.pagination.pagination_type == "cursor"
    assert again.pagination.cursor_path == "meta.next"
    assert again.pagination.page_size == 5
