"""Paginators with `paginationLocation: body` and with `header:` paths, pure: hand-built httpx
responses in, the next page's values (typed) or Done out."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic.alias_generators import to_camel

from connection.settings import load_settings
from core.errors import ConfigurationError, PaginationError
from jq_paths.response_paths import MISSING, ResponsePath
from pages.completeness import read_total
from pagination import NextPage, Page, Paginator, build_paginator
from tests.test_pagination import done

URL = "https://dev.azure.com/acme/_apis/projects"


def paginator(pagination_type: str, **knobs: Any) -> Paginator:
    raw = {"base_url": "https://api.example.com", "pagination_type": pagination_type, **knobs}
    return build_paginator(load_settings(raw).pagination)


def page(body: Any = None, items: int = 1, headers: dict[str, str] | None = None) -> Page:
    response = httpx.Response(
        200, headers=headers or {}, json=body, request=httpx.Request("GET", URL)
    )
    return Page(response.url, response.headers, body, items)


# --- body placement: the values, typed ------------------------------------------------------


def test_notion_cursor_leaves_the_cursor_out_first_then_sends_it_with_a_numeric_size() -> None:
    notion = paginator(
        "cursor",
        pagination_location="body",
        pagination_param="start_cursor",
        size_param="page_size",
        cursor_path="next_cursor",
        has_more_path="has_more",
    )
    assert notion.first() == NextPage({"page_size": 100})
    step = notion.next(page({"results": [{}], "next_cursor": "c2", "has_more": True}))
    assert step == NextPage({"start_cursor": "c2", "page_size": 100})
    last: dict[str, Any] = {"results": [{}], "next_cursor": None, "has_more": False}
    assert done(notion.next(page(last))).reason == "has-more flag false"


def test_a_jq_cursor_yielding_an_array_is_sent_as_that_array() -> None:
    search = paginator(
        "cursor",
        pagination_location="body",
        pagination_param="search_after",
        size_param="size",
        cursor_path=".hits.hits[-1].sort",
    )
    body = {"hits": {"hits": [{"sort": [1, "a"]}, {"sort": [1700000000123, "id-9"]}]}}
    assert search.next(page(body, 2)) == NextPage(
        {"search_after": [1700000000123, "id-9"], "size": 100}
    )
    assert done(search.next(page({"hits": {"hits": []}}, 0))).reason == "no next cursor"


def test_in_the_body_a_url_cursor_is_a_token_not_a_next_page() -> None:
    body_cursor = paginator("cursor", pagination_location="body", cursor_path="next")
    link = "https://api.example.com/items?after=9"
    assert body_cursor.next(page({"next": link})) == NextPage({"cursor": link, "limit": 100})
    assert paginator("cursor", cursor_path="next").next(page({"next": link})) == NextPage(url=link)


def test_offset_and_page_send_numbers() -> None:
    offset = paginator("offset", pagination_location="body", pagination_param="from")
    assert offset.first() == NextPage({"from": 0, "limit": 100})
    assert offset.next(page(items=100)) == NextPage({"from": 100, "limit": 100})
    pages = paginator("page", pagination_location="body", pagination_param="page.number")
    assert pages.next(page(items=100)) == NextPage({"page.number": 2, "size": 100})


# --- header paths ---------------------------------------------------------------------------


def test_response_path_reads_a_header_in_any_case() -> None:
    path = ResponsePath("header:X-MS-ContinuationToken")
    assert path.header == "x-ms-continuationtoken" and not path.is_jq
    assert path.find({}, httpx.Headers({"x-ms-continuationtoken": "t2"})) == "t2"
    assert path.find({}, {"X-Ms-Continuationtoken": "t3"}) == "t3"  # a plain mapping too
    assert path.find({"header:X-MS-ContinuationToken": "body"}) is MISSING  # never the body


@pytest.mark.parametrize("key", ["cursor_path", "has_more_path", "total_path", "last_page_path"])
def test_an_empty_header_name_is_refused_naming_the_key(key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings({"base_url": "https://h", "pagination_type": "cursor", key: "header: "})
    assert f"{to_camel(key)}: header: needs the header's name" in str(caught.value)


def test_azure_devops_continuation_token_in_a_header() -> None:
    azure = paginator(
        "cursor",
        cursor_path="header:x-ms-continuationtoken",
        pagination_param="continuationToken",
        size_param="$top",
    )
    step = azure.next(page({"count": 100, "value": []}, 100, {"x-ms-continuationtoken": "t2"}))
    assert step == NextPage({"continuationToken": "t2", "$top": 100})
    stop = done(azure.next(page({"count": 3, "value": []}, 3)))  # the header is gone: certain
    assert stop.reason == "no next cursor" and not stop.suspicious


def test_a_header_that_never_appeared_is_an_uncertain_stop_naming_the_headers() -> None:
    azure = paginator("cursor", cursor_path="header:x-ms-continuationtoken")
    stop = done(azure.next(page({"value": []}, 3, {"x-request-id": "r1"})))
    assert stop.suspicious and "response headers: " in stop.reason
    assert "x-request-id" in stop.reason


def test_gitlab_next_page_header_as_the_more_flag_and_total_as_a_header() -> None:
    gitlab = paginator(
        "page", has_more_path="header:x-next-page", total_path="header:X-Total", page_size=2
    )
    assert gitlab.next(page([{}, {}], 2, {"x-next-page": "2", "x-total": "5"})) == NextPage(
        {"page": 2, "size": 2}
    )
    stop = done(gitlab.next(page([{}], 1, {"x-next-page": "", "x-total": "5"})))
    assert stop.reason == "has-more flag false"
    totalled = paginator("offset", total_path="header:x-total", page_size=2)
    assert done(totalled.next(page([{}, {}], 2, {"X-Total": "2"}))).reason.startswith(
        "total reached"
    )


def test_a_more_flag_header_without_a_next_cursor_is_an_error() -> None:
    flagged = paginator("cursor", cursor_path="next", has_more_path="header:x-has-more")
    with pytest.raises(PaginationError, match="announces more pages"):
        flagged.next(page({"items": []}, 1, {"x-has-more": "true"}))


def test_read_total_from_a_header() -> None:
    path = ResponsePath("header:X-Total-Count")
    assert read_total(path, [], httpx.Headers({"x-total-count": "42"})) == 42
    assert read_total(path, {"X-Total-Count": 9}) is None  # absent header: no total
