"""Settings read where they arrive: Ocean's config, the raw env names, and ./config.yaml.

The end-to-end proofs run the real `ocean sail` (tests/test_image_run.py: a misspelt variable
stops the start and deletes nothing; credentials as SECRETS variables reach the API); these pin
the rules one by one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from connection.sources import declared_names, gather_settings, load_from_ocean, read_config_yaml
from core.errors import ConfigurationError

CONFIG = "OCEAN__INTEGRATION__CONFIG__"
SECRETS = "OCEAN__INTEGRATION__SECRETS__"
KEY = "key-" + "0123456789abcdef" * 3
OCEAN = {"base_url": "https://api.example.com", "api_key_header": "X-API-Key"}


def problems(environ: dict[str, str], config_yaml: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigurationError) as caught:
        gather_settings(OCEAN, environ, config_yaml)
    return str(caught.value)


def test_the_spec_is_where_the_declared_names_come_from() -> None:
    names = declared_names()
    assert {"base_url", "pagination_type", "auth_value", "custom_headers", "token"} <= names


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("PAGINATON_TYPE", "did you mean paginationType?"),
        ("API_TOKN", "did you mean apiToken?"),
        ("HAS_MORE", "did you mean hasMorePath?"),
    ],
)
def test_an_unknown_variable_names_itself_and_the_likely_setting(
    name: str, suggestion: str
) -> None:
    message = problems({CONFIG + name: "header_link"})
    assert f"{CONFIG}{name}: not a setting of this integration" in message
    assert suggestion in message
    assert "header_link" not in message  # a misspelt secret's value is never echoed


def test_an_unknown_secrets_variable_is_caught_too() -> None:
    message = problems({SECRETS + "APIKEY": KEY})
    assert f"{SECRETS}APIKEY: not a setting" in message and "did you mean apiKey?" in message
    assert KEY not in message


def test_mappings_is_explained_rather_than_suggested() -> None:
    """Port's HubSpot guide, option B: `--set-file integration.config.mappings=...`."""
    message = problems({CONFIG + "MAPPINGS": "resources: []"})
    assert "is not a connection setting: Ocean reads it from Port" in message


def test_every_unknown_name_is_listed_at_once() -> None:
    message = problems({CONFIG + "PAGE_SIZ": "5", SECRETS + "PASWORD": KEY})
    assert "PAGE_SIZ" in message and "PASWORD" in message


def test_an_unknown_config_yaml_key() -> None:
    message = problems({}, {"baseUrl": "{{ from env X }}", "hasMorePth": "x"})
    assert "integration.config.hasMorePth in config.yaml: not a setting" in message
    assert "did you mean hasMorePath?" in message


def test_the_shipped_config_yaml_only_holds_settings() -> None:
    section = read_config_yaml(Path(__file__).resolve().parent.parent.parent / "config.yaml")
    assert section and gather_settings(OCEAN, {}, section) == OCEAN


def test_secrets_variables_fill_the_setting() -> None:
    raw = gather_settings(OCEAN, {SECRETS + "API_KEY": KEY, SECRETS + "API_KEY_HEADER": "x-key"})
    # The spec default Ocean filled in (X-API-Key) is not a conflict: it was not given.
    assert (raw["api_key"], raw["api_key_header"]) == (KEY, "x-key")


def test_the_same_value_both_ways_is_fine_a_different_one_is_an_error() -> None:
    same = {CONFIG + "API_KEY": KEY, SECRETS + "API_KEY": KEY}
    assert gather_settings({**OCEAN, "api_key": KEY}, same)["api_key"] == KEY
    message = problems({CONFIG + "API_KEY": KEY, SECRETS + "API_KEY": KEY + "x"})
    assert "apiKey: set both as OCEAN__INTEGRATION__CONFIG__API_KEY and as" in message
    assert KEY not in message


def test_json_values_compare_by_meaning() -> None:
    environ = {CONFIG + "CUSTOM_HEADERS": '{"a": "1", "b": "2"}',
               SECRETS + "CUSTOM_HEADERS": '{ "b":"2","a":"1" }'}  # fmt: skip
    assert gather_settings(OCEAN, environ)["custom_headers"] == {"a": "1", "b": "2"}


def test_reference_env_only_names_are_read_from_the_environment() -> None:
    """Ocean drops them (the spec does not declare them): the env is the only place left."""
    raw = gather_settings(OCEAN, {CONFIG + "CURSOR_PARAM": "after", CONFIG + "LIMIT_PARAM": "n"})
    assert (raw["cursor_param"], raw["limit_param"]) == ("after", "n")


def test_a_nested_pagination_object_arrives_as_json() -> None:
    raw = gather_settings(OCEAN, {CONFIG + "PAGINATION": '{"pagination_type": "cursor"}'})
    assert raw["pagination"] == {"pagination_type": "cursor"}


def test_loading_from_ocean_translates_every_spelling() -> None:
    environ = {
        CONFIG + "AUTH_TYPE": "basic_auth",
        SECRETS + "AUTH_VALUE": f"me@example.com:{KEY}",
        CONFIG + "PAGINATION_TYPE": "page",
        CONFIG + "PAGE_PARAM": "pageNumber",
    }
    ocean = {**OCEAN, "auth_type": "basic_auth", "pagination_type": "page"}
    settings = load_from_ocean(ocean, environ)
    assert (settings.auth_type, settings.username, settings.password) == (
        "basic",
        "me@example.com",
        KEY,
    )
    assert settings.pagination.page_param == "pageNumber"


def test_names_the_deployment_writes_itself_are_no_typo() -> None:
    """Port's Helm chart writes IDENTITY_OAUTH_CLIENT_SECRET when identityPropagation is on."""
    environ = {CONFIG + "IDENTITY_OAUTH_CLIENT_SECRET": KEY, CONFIG + "APP_HOST": "https://x"}
    assert gather_settings(OCEAN, environ) == OCEAN
