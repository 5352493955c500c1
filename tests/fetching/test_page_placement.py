"""Where the page values go (`fetching/page_placement.py`), and the settings and mapping rules
of `paginationLocation: body` — pure: no server."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connection.call_fields import CallFields
from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from connection.settings import load_settings
from core.errors import ConfigurationError
from fetching.page_placement import place, request_label
from integration import EndpointPortAppConfig
from pagination import NextPage
from selector_checks.body_placement import check_body_placement
from tests.ocean_run import mapping, resource

URL = "https://api.example.com/v1/query"
BODY = {"filter": {"property": "Status"}, "variables": {"org": "acme"}}


def settings(**raw: Any) -> PaginationSettings:
    return load_settings({"base_url": "https://api.example.com", **raw}).pagination


def endpoint(body: Any = None, method: str = "POST") -> Endpoint:
    call = CallFields.construct(method=method, body=body)
    return Endpoint(kind="/v1/query", url=URL, call=call, pagination=settings())


def test_query_placement_writes_text_over_the_selectors_parameters() -> None:
    step = NextPage({"cursor": ["a", 1], "limit": 100, "flag": True, "status": "open"})
    query, body = place(step, settings(), endpoint(BODY), httpx.QueryParams({"status": "all"}))
    assert dict(query) == {"cursor": '["a",1]', "limit": "100", "flag": "true", "status": "open"}
    assert body is BODY  # the body is sent as configured


def test_body_placement_keeps_json_types_at_dot_paths_without_changing_the_body() -> None:
    on_body = settings(pagination_type="cursor", pagination_location="body")
    step = NextPage({"variables.after": "Y3Vy", "variables.first": 100, "search_after": [5, "x"]})
    query, body = place(step, on_body, endpoint(BODY), httpx.QueryParams({"api-version": "7"}))
    assert dict(query) == {"api-version": "7"}  # nothing pagination-related in the query
    assert body == {
        "filter": {"property": "Status"},
        "variables": {"org": "acme", "after": "Y3Vy", "first": 100},
        "search_after": [5, "x"],
    }
    assert BODY["variables"] == {"org": "acme"}  # the configured body is shared by every page
    assert place(NextPage({"page_size": 5}), on_body, endpoint(None), query)[1] == {"page_size": 5}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (endpoint(["a"]), "selector.body is list"),
        (endpoint(BODY, method="GET"), "selector.method is GET, which sends no body"),
        (endpoint({"variables": "x"}), "goes through selector.body.variables, which is str"),
    ],
)
def test_a_body_that_cannot_take_the_values_fails_naming_the_key(
    target: Endpoint, expected: str
) -> None:
    on_body = settings(pagination_type="cursor", pagination_location="body")
    step = NextPage({"variables.after": "c"})
    with pytest.raises(ConfigurationError, match="paginationLocation body") as caught:
        place(step, on_body, target, httpx.QueryParams())
    assert expected in str(caught.value)


def test_the_request_label_holds_the_values_placed_in_the_body() -> None:
    request = httpx.Request("POST", URL, json={"q": 1})
    assert request_label(request) == URL
    request.extensions["ocean_custom.page_body"] = '{"start_cursor": "c2"}'
    assert request_label(request) == URL + ' body {"start_cursor": "c2"}'


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"pagination_type": "next_link"}, "applies to paginationType offset, page or cursor"),
        ({"pagination_type": "cursor", "pagination_param": "variables..after"}, "not a dot path"),
        ({"pagination_type": "cursor", "size_param": "page."}, "sizeParam: 'page.'"),
        ({"pagination_type": "cursor", "pagination_location": "json"}, "allowed: query, body"),
    ],
)
def test_settings_refuse_what_body_placement_cannot_follow(
    raw: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        settings(**{"pagination_location": "body", **raw})
    assert expected in str(caught.value)


def test_a_resource_can_page_through_its_body_on_a_query_connection() -> None:
    own = settings(pagination_type="offset").merged({"paginationLocation": "body"})
    assert own.pagination_location == "body" and own.pagination_type == "offset"
    assert "paginationLocation=body" in own.describe()


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ({"method": "POST", "body": ["x"]}, "resources[0].selector.body = <hidden>"),
        ({"method": "POST", "body": "[now]"}, "a jq program whose output is an array"),
        ({"method": "GET"}, "resources[0].selector.method"),
    ],
)
def test_the_mapping_refuses_a_body_that_cannot_take_the_page_values(
    selector: dict[str, Any], expected: str
) -> None:
    pagination = {"paginationType": "cursor", "paginationLocation": "body"}
    config = mapping(resource("/v1/query", pagination=pagination, **selector))
    with pytest.raises(Exception) as caught:
        EndpointPortAppConfig.parse_obj(config)
    assert expected in str(caught.value) and "paginationLocation is body" in str(caught.value)


def test_the_mapping_check_passes_objects_jq_objects_and_query_placement() -> None:
    body_paging = {"paginationType": "cursor", "paginationLocation": "body"}
    check_body_placement("POST", {"filter": {}}, body_paging)
    check_body_placement("POST", None, body_paging)
    check_body_placement("POST", '{"since": (now | floor)}', body_paging)
    check_body_placement("GET", ["x"], {"paginationType": "cursor"})  # query: not this rule
