"""A page size set in `selector.query_params` (issue 22 item 6): it is the resource's page size,
or the resource fails naming both keys — never silently replaced by pageSize."""

from __future__ import annotations

from typing import Any

import pytest

from connection.settings import load_settings
from core.errors import ConfigurationError
from integration import EndpointPortAppConfig
from sample_api.server import FakeApi, Received, Reply
from selector_checks.query_page_size import paging_with_query_size
from tests.ocean_run import entity, mapping, resource, run_resync

CONNECTION = load_settings(
    {"base_url": "https://slack.example.com/api", "pagination_type": "cursor"}
)
CURSOR = CONNECTION.pagination


def test_the_size_parameter_in_query_params_is_the_page_size() -> None:
    paging, note = paging_with_query_size({"limit": "200", "types": "x"}, None, CURSOR)
    assert paging is not None and paging.page_size == 200
    assert paging.pagination_type == "cursor" and CURSOR.page_size == 100
    assert note and "page size 200 from selector.query_params.limit='200'" in note


@pytest.mark.parametrize(
    ("query", "own"),
    [
        ({"types": "public_channel"}, None),  # no size parameter
        ({"limit": 100}, None),  # the same size: nothing to say
        ({"size": "50"}, None),  # not cursor's size parameter
    ],
)
def test_nothing_changes_without_a_different_size(query: dict[str, Any], own: Any) -> None:
    assert paging_with_query_size(query, own, CURSOR) == (CURSOR, None)


def test_a_resource_of_its_own_takes_it_too() -> None:
    own = {"paginationType": "page", "sizeParam": "per_page"}
    paging, _ = paging_with_query_size({"per_page": 30}, own, CURSOR)
    assert paging is not None and (paging.pagination_type, paging.page_size) == ("page", 30)


def test_nothing_for_an_unpaginated_or_body_paginated_resource() -> None:
    none = load_settings({"base_url": "https://h.example.com"}).pagination
    assert paging_with_query_size({"limit": "5"}, None, none) == (none, None)
    body = {"paginationLocation": "body", "sizeParam": "limit"}
    paging, note = paging_with_query_size({"limit": "5"}, body, CURSOR)
    assert note is None and paging is not None and paging.page_size == 100


@pytest.mark.parametrize("value", ["lots", "0", "-5", "2.5", True])
def test_a_size_that_is_not_a_whole_number_fails_naming_it(value: Any) -> None:
    with pytest.raises(ConfigurationError) as raised:
        paging_with_query_size({"limit": value}, None, CURSOR)
    assert f"selector.query_params.limit={value!r}" in str(raised.value)
    assert "sizeParam" in str(raised.value)


def test_a_size_that_disagrees_with_the_resources_pagesize_fails_naming_both() -> None:
    with pytest.raises(ConfigurationError) as raised:
        paging_with_query_size({"limit": "200"}, {"pageSize": 50}, CURSOR)
    text = str(raised.value)
    assert "selector.query_params.limit='200'" in text
    assert "selector.pagination.pageSize=50" in text
    agreeing, _ = paging_with_query_size({"limit": "50"}, {"page_size": "50"}, CURSOR)
    assert agreeing is not None and agreeing.page_size == 50


def test_the_endpoint_of_a_resource_carries_it() -> None:
    config = EndpointPortAppConfig.parse_obj(
        {"resources": [resource("/users.list", query_params={"limit": "200"})]}
    )
    endpoint = config.resources[0].endpoint(CONNECTION)
    assert endpoint.pagination is not None and endpoint.pagination.page_size == 200


async def test_a_conflict_fails_the_resync_in_ocean_and_deletes_nothing(api: FakeApi) -> None:
    def page(request: Received) -> Reply:
        return Reply(json_body={"items": [{"id": 1, "name": "a"}], "next": ""})

    api.route("GET", "/items", page)
    conflicting = resource(
        "/items", data_path=".items", query_params={"limit": "200"}, pagination={"pageSize": 50}
    )
    config = {"base_url": api.url, "pagination_type": "cursor", "cursor_path": "next"}
    result = await run_resync(config, mapping(conflicting), [entity("old")])
    text = " ".join(str(error) for error in result.errors)
    assert "selector.query_params.limit='200'" in text and "pageSize=50" in text
    assert result.deleted_entities == [] and api.received == []
