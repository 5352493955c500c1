"""`selector.pagination`, without I/O: how a resource's own pagination merges into the
connection's, and how the mapping refuses what it cannot take (docs/pagination.md)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic.v1 import ValidationError

from connection.pagination_keys import PAGINATION_KEYS
from connection.pagination_settings import PaginationSettings
from connection.settings import load_settings
from core.errors import ConfigurationError
from integration import EndpointPortAppConfig
from tests.conftest import ROOT

# A Jira-like connection: offset pages that say isLast, and a "more" flag on top.
CONNECTION = load_settings(
    {
        "base_url": "https://jira.example.com",
        "auth_type": "bearer_token",
        "api_token": "tok-" + "c0nn3ct10n" * 4,
        "pagination_type": "offset",
        "pagination_param": "startAt",
        "size_param": "maxResults",
        "page_size": "50",
        "has_more_path": "more",
        "last_page_path": "isLast",
        "max_pages": "7",
        "timeout": "12",
    }
)
TOKEN_PAGES = {"paginationType": "cursor", "cursorPath": "nextPageToken"}


def resource(pagination: Any, kind: str = "/search") -> dict[str, Any]:
    return {
        "kind": kind,
        "selector": {"query": "true", "pagination": pagination},
        "port": {"entity": {"mappings": {"identifier": ".id", "blueprint": '"x"'}}},
    }


def mapping_error(pagination: Any) -> str:
    """The text of the error a mapping whose second resource has `pagination` fails with."""
    with pytest.raises(ValidationError) as caught:
        EndpointPortAppConfig.parse_obj({"resources": [resource({}), resource(pagination)]})
    return str(caught.value)


# --- merge rules -----------------------------------------------------------------------------


def test_pagination_type_replaces_the_connections_pagination_as_a_whole() -> None:
    merged = CONNECTION.pagination.merged(TOKEN_PAGES)
    assert (merged.pagination_type, merged.cursor_path) == ("cursor", "nextPageToken")
    # The connection's stop flags, names and sizes do not leak onto the other style ...
    assert (merged.has_more_path, merged.last_page_path) == (None, None)
    assert (merged.pagination_param, merged.size_param) == (None, None)
    assert (merged.page_size, merged.max_pages) == (100, 100_000)
    assert merged.page_param == "cursor"
    # ... while everything that is not pagination stays the connection's: a merge holds
    # pagination keys only.
    assert set(type(merged).model_fields) == set(PAGINATION_KEYS)


def test_without_pagination_type_it_overrides_key_by_key() -> None:
    merged = CONNECTION.pagination.merged({"pageSize": 20, "hasMorePath": None})
    assert merged.page_size == 20
    assert merged.has_more_path is None  # null: the key's default, not the connection's value
    assert (merged.pagination_type, merged.page_param, merged.last_page_path) == (
        "offset",
        "startAt",
        "isLast",
    )
    assert merged.max_pages == 7


def test_both_spellings_and_strings_are_taken_as_the_connection_takes_them() -> None:
    merged = CONNECTION.pagination.merged({"page_size": "25", "stopOnShortPage": "true"})
    assert (merged.page_size, merged.stop_on_short_page) == (25, True)


def test_the_connection_itself_is_left_alone() -> None:
    CONNECTION.pagination.merged(TOKEN_PAGES)
    assert (CONNECTION.pagination.pagination_type, CONNECTION.pagination.has_more_path) == (
        "offset",
        "more",
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"baseUrl": "https://h.example.com", "timeout": 1}, "baseUrl, timeout: not pagination"),
        ({"pageSize": 10, "page_size": 20}, "pageSize: given twice"),
        ({"paginationType": "cursor", "cursorPath": ".x["}, "cursorPath: jq expression '.x['"),
        ({**TOKEN_PAGES, "parallelPages": 4}, "parallelPages applies to paginationType offset"),
        ({"strictTotal": True}, "strictTotal needs totalPath"),
        ({"pageSize": 0}, "pageSize: Input should be greater than or equal to 1; got 0"),
    ],
)
def test_what_the_page_loop_cannot_follow_is_refused(
    overrides: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ConfigurationError, match="Invalid pagination") as caught:
        CONNECTION.pagination.merged(overrides)
    assert expected in str(caught.value)


def test_the_pagination_keys_are_the_documented_ones() -> None:
    spec = yaml.safe_load((ROOT / ".port" / "spec.yaml").read_text())
    documented = [configuration["name"] for configuration in spec["configurations"]]
    first, last = documented.index("paginationType"), documented.index("parallelPages")
    assert [PaginationSettings.model_fields[k].alias for k in PAGINATION_KEYS] == documented[
        first : last + 1
    ]


def test_the_start_up_line_shows_the_pagination_keys_that_are_set() -> None:
    assert CONNECTION.pagination.merged(TOKEN_PAGES).describe() == (
        "paginationType=cursor pageSize=100 cursorPath=nextPageToken"
    )


# --- the mapping -----------------------------------------------------------------------------


def test_a_non_pagination_key_is_named_with_its_path_value_and_the_allowed_keys() -> None:
    text = mapping_error({"paginationType": "offset", "baseUrl": "https://other.example.com"})
    assert "resources[1].selector.pagination.baseUrl = 'https://other.example.com'" in text
    assert "not a pagination setting" in text
    assert "allowed here: paginationType, pageSize, cursorPath, hasMorePath" in text


def test_a_misspelt_key_gets_a_suggestion() -> None:
    assert "did you mean pageSize?" in mapping_error({"pagesize": 50})


def test_a_credential_put_there_is_refused_without_echoing_it() -> None:
    secret = "tok-" + "n0tH3r3" * 4
    text = mapping_error({"apiToken": secret})
    assert "resources[1].selector.pagination.apiToken = <hidden>" in text
    assert secret not in text


@pytest.mark.parametrize(
    ("pagination", "expected"),
    [
        (
            {"paginationType": "cursor", "stopOnShortPage": True},
            "stopOnShortPage applies to paginationType offset or page only",
        ),
        ({**TOKEN_PAGES, "parallelPages": 4}, "parallelPages applies to paginationType offset"),
    ],
)
def test_an_invalid_combination_fails_the_mapping_naming_the_resource(
    pagination: dict[str, Any], expected: str
) -> None:
    text = mapping_error(pagination)
    line = next(line for line in text.splitlines() if "selector.pagination" in line)
    assert line.startswith("  - resources[1].selector.pagination = {")
    assert expected in line and "Fix: with paginationType, selector.pagination replaces" in line


def test_a_valid_override_loads_and_an_empty_one_is_none() -> None:
    config = EndpointPortAppConfig.parse_obj(
        {"resources": [resource({}), resource({**TOKEN_PAGES, "page_size": 20})]}
    )
    assert config.resources[0].selector.pagination is None
    assert config.resources[1].selector.pagination == {**TOKEN_PAGES, "page_size": 20}


def test_the_resource_endpoint_carries_the_merged_settings() -> None:
    config = EndpointPortAppConfig.parse_obj(
        {"resources": [resource({}), resource(TOKEN_PAGES, kind="/rest/api/3/search/jql")]}
    )
    plain, overridden = (r.endpoint(CONNECTION) for r in config.resources)
    assert plain.pagination == CONNECTION.pagination and not plain.own_pagination
    assert overridden.url == "https://jira.example.com/rest/api/3/search/jql"
    assert overridden.pagination == CONNECTION.pagination.merged(TOKEN_PAGES)
