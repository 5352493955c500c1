"""Paginators as pure state machines: a hand-built page in, the next request or Done out.

The guards that hold for every style are in `tests/pages/test_pagination_guard.py`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connection.pagination_settings import PaginationSettings
from connection.settings import load_settings
from core.errors import ConfigurationError, PaginationError
from pagination import (
    PAGINATORS,
    Done,
    NextPage,
    Page,
    Paginator,
    build_paginator,
    find_link,
)

PAGE_URL = "https://api.example.com/v1/items?page=1"


def paginator(pagination_type: str, **knobs: Any) -> Paginator:
    raw = {"base_url": "https://api.example.com/v1", "pagination_type": pagination_type, **knobs}
    return build_paginator(load_settings(raw).pagination)


def page(
    body: Any = None, items: int = 1, url: str = PAGE_URL, links: tuple[str, ...] = ()
) -> Page:
    """The page a paginator sees, taken from a real httpx.Response (several Link headers ok)."""
    response = httpx.Response(
        200,
        headers=[("Link", link) for link in links],
        json=body,
        request=httpx.Request("GET", url),
    )
    return Page(response.url, response.headers, body, items)


def done(step: NextPage | Done) -> Done:
    assert isinstance(step, Done), step
    return step


# --- none ----------------------------------------------------------------------------------


def test_none_sends_one_request_with_a_size_param_only_when_set() -> None:
    none = paginator("none")
    assert none.first() == NextPage({})
    assert done(none.next(page({"next": "x"}))).reason.startswith("single request")
    sized = paginator("none", size_param="per_page", page_size="50")
    assert sized.first() == NextPage({"per_page": 50})


# --- offset --------------------------------------------------------------------------------


def test_offset_defaults_and_advances_by_items_received() -> None:
    offset = paginator("offset", page_size="100")
    assert offset.first() == NextPage({"offset": 0, "limit": 100})
    # The server capped its page at 30: the next offset is 30, not 100.
    assert offset.next(page(items=30)) == NextPage({"offset": 30, "limit": 100})
    assert offset.next(page(items=30)) == NextPage({"offset": 60, "limit": 100})
    assert done(offset.next(page(items=0))).reason == "empty page"


def test_offset_param_names_are_configurable() -> None:
    offset = paginator("offset", pagination_param="skip", size_param="top", page_size="5")
    assert offset.first() == NextPage({"skip": 0, "top": 5})
    assert offset.next(page(items=5)) == NextPage({"skip": 5, "top": 5})


@pytest.mark.parametrize("flag", [False, "false", 0])
def test_offset_stops_on_has_more_false(flag: Any) -> None:
    offset = paginator("offset", has_more_path="meta.hasMore")
    stop = done(offset.next(page({"meta": {"hasMore": flag}}, items=3)))
    assert stop.reason == "has-more flag false"


def test_offset_continues_on_has_more_true_and_stops_when_it_is_absent() -> None:
    offset = paginator("offset", has_more_path="meta.next")
    assert isinstance(offset.next(page({"meta": {"next": {"after": "x"}}}, items=3)), NextPage)
    stop = done(offset.next(page({"meta": {}}, items=3)))  # absent is never "more"
    # It matched on the page before: the API leaves it out on its last page (HubSpot's paging).
    assert stop.reason == "has-more flag absent" and not stop.suspicious


@pytest.mark.parametrize("style", ["offset", "page", "cursor", "next_link", "header_link"])
@pytest.mark.parametrize(
    ("knob", "carried"),
    [("has_more_path", True), ("has_more_path", "true"), ("last_page_path", False)],
)
def test_a_yes_no_flag_every_earlier_page_carried_is_no_stop_when_absent(
    style: str, knob: str, carried: Any
) -> None:
    """Issue 19: an error page (no flag, and items of its own shape) after pages that all said
    `hasMore: true` is not the last page, whatever the style."""
    knobs = {knob: "meta.flag", "cursor_path": "next", "next_link_path": "next"}
    flagged = paginator(style, **knobs)
    links = ('<https://api.example.com/v1/items?page=2>; rel="next"',)
    body = {"meta": {"flag": carried}, "next": "https://api.example.com/v1/items?page=2"}
    assert isinstance(flagged.next(page(body, items=3, links=links)), NextPage)
    with pytest.raises(PaginationError, match=r"'meta.flag' is not in this response.*1 earlier"):
        flagged.next(page({"errorMessage": "boom"}, items=1, links=links))


def test_a_flag_that_never_matched_is_an_uncertain_stop_naming_the_path() -> None:
    stop = done(paginator("offset", has_more_path="meta.hasMroe").next(page({"meta": {}})))
    assert stop.suspicious  # a typo looks exactly like this: reported as a warning
    assert "hasMorePath 'meta.hasMroe' matched nothing in any response" in stop.reason


# --- page ----------------------------------------------------------------------------------


def test_page_defaults_start_at_one() -> None:
    pages = paginator("page", page_size="25")
    assert pages.first() == NextPage({"page": 1, "size": 25})
    assert pages.next(page(items=25)) == NextPage({"page": 2, "size": 25})
    assert pages.next(page(items=3)) == NextPage({"page": 3, "size": 25})
    assert done(pages.next(page(items=0))).reason == "empty page"


def test_page_start_page_zero_and_custom_params() -> None:
    pages = paginator("page", start_page="0", pagination_param="p", size_param="per_page")
    assert pages.first() == NextPage({"p": 0, "per_page": 100})
    assert pages.next(page(items=1)) == NextPage({"p": 1, "per_page": 100})


@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        ({"paging": {"isLast": True}}, "last-page flag true"),
        ({"paging": {"isLast": "true"}}, "last-page flag true"),
        ({"paging": {"isLast": False}}, None),
        ({"paging": {}}, "last-page flag absent: lastPagePath 'paging.isLast' matched nothing"),
        ({"paging": {"isLast": None}}, "last-page flag absent"),
    ],
)
def test_page_honours_last_page_path(body: dict[str, Any], outcome: str | None) -> None:
    step = paginator("page", last_page_path="paging.isLast").next(page(body, items=2))
    if outcome is None:
        assert step == NextPage({"page": 2, "size": 100})
    else:
        assert done(step).reason.startswith(outcome)


def test_last_page_path_in_jq_form() -> None:
    pages = paginator("page", last_page_path=".pages.current == .pages.total")
    assert isinstance(pages.next(page({"pages": {"current": 1, "total": 2}})), NextPage)
    assert done(pages.next(page({"pages": {"current": 2, "total": 2}}))).reason == (
        "last-page flag true"
    )


# --- cursor --------------------------------------------------------------------------------


def test_cursor_first_request_has_no_cursor_then_follows_the_dotted_path() -> None:
    cursor = paginator("cursor", cursor_path="meta.after_cursor", page_size="10")
    assert cursor.first() == NextPage({"limit": 10})
    step = cursor.next(page({"meta": {"after_cursor": "c2"}}))
    assert step == NextPage({"cursor": "c2", "limit": 10})
    step = cursor.next(page({"meta": {"after_cursor": 42}}))  # stays a number
    assert step == NextPage({"cursor": 42, "limit": 10})


def test_cursor_jq_path_takes_the_last_item_id_as_stripe_does() -> None:
    cursor = paginator(
        "cursor",
        cursor_path=".data[-1].id",
        pagination_param="starting_after",
        has_more_path="has_more",
    )
    body = {"data": [{"id": "cus_1"}, {"id": "cus_2"}], "has_more": True}
    assert cursor.next(page(body, 2)) == NextPage({"starting_after": "cus_2", "limit": 100})
    assert done(cursor.next(page({**body, "has_more": False}, 2))).reason == "has-more flag false"


@pytest.mark.parametrize("meta", [{"after_cursor": ""}, {"after_cursor": None}])
def test_cursor_stops_when_empty_even_after_a_full_page(meta: dict[str, Any]) -> None:
    cursor = paginator("cursor", cursor_path="meta.after_cursor")
    assert done(cursor.next(page({"meta": meta}, items=100))).reason == "no next cursor"


def test_a_cursor_gone_from_a_later_full_page_stops() -> None:
    cursor = paginator("cursor", cursor_path="meta.after_cursor")
    assert isinstance(cursor.next(page({"meta": {"after_cursor": "c2"}}, items=100)), NextPage)
    assert done(cursor.next(page({"meta": {}}, items=100))).reason == "no next cursor"


def test_a_cursor_path_that_never_matched_is_an_uncertain_stop() -> None:
    """A typo looks like this, and so does one full page of an API that leaves the cursor out
    on its last page: a warning that names the path and the response's keys."""
    cursor = paginator("cursor", cursor_path="meta.after_cursor")
    stop = done(cursor.next(page({"meta": {}}, items=100)))
    assert stop.suspicious and "response keys: meta" in stop.reason


def test_no_default_cursor_path_on_a_full_page_is_an_error() -> None:
    """Port's Slack env example: cursor pagination, no cursorPath, the cursor where no
    documented default looks (response_metadata.next_cursor): page 1 of 200 would be all."""
    slack = paginator("cursor", page_size="200")
    body = {"ok": True, "members": [{}], "response_metadata": {"next_cursor": "dXNlcjpV"}}
    with pytest.raises(PaginationError, match="documented defaults cannot tell"):
        slack.next(page(body, items=200))
    assert done(paginator("cursor").next(page(body, items=7))).suspicious  # short: a warning


def test_offset_with_a_flag_never_seen_asks_for_the_next_page_after_a_full_one() -> None:
    offset = paginator("offset", has_more_path="meta.hasMore", page_size="10")
    assert offset.next(page({"meta": {}}, items=10)) == NextPage({"offset": 10, "limit": 10})
    assert done(offset.next(page({"meta": {}}, items=0))).reason == "empty page"


def test_cursor_has_more_absent_is_not_more() -> None:
    cursor = paginator("cursor", cursor_path="next", has_more_path="more")
    assert done(cursor.next(page({"next": "c2"}))).suspicious


@pytest.mark.parametrize(
    ("style", "knobs", "missing"),
    [
        ("cursor", {"cursor_path": "next", "has_more_path": "more"}, "cursorPath 'next'"),
        ("next_link", {"has_more_path": "more"}, "nextLinkPath '@odata.nextLink'"),
        ("header_link", {"last_page_path": "last"}, "rel='next' (headerLinkRel)"),
    ],
)
def test_more_announced_without_a_next_cursor_or_link_is_an_error(
    style: str, knobs: dict[str, str], missing: str
) -> None:
    # Stopping here would sync a part and let Ocean delete the rest: raise instead.
    with pytest.raises(PaginationError, match=r"announces more pages .* but has no .*") as caught:
        paginator(style, **knobs).next(page({"more": True, "last": False, "next": ""}))
    assert missing in str(caught.value)


# --- next_link -----------------------------------------------------------------------------


def test_next_link_follows_the_literal_dotted_default_key() -> None:
    links = paginator("next_link")
    assert links.first() == NextPage({})
    body: dict[str, Any] = {"value": [], "@odata.nextLink": f"{PAGE_URL}&$skiptoken=X"}
    assert links.next(page(body)) == NextPage(url=body["@odata.nextLink"])
    assert done(links.next(page({"value": []}))).reason == "no next link"
    sized = paginator("next_link", size_param="per_page", page_size="50")
    assert sized.first() == NextPage({"per_page": 50})  # only on the first request


@pytest.mark.parametrize(
    ("link", "resolved"),
    [
        ("/v1/items?page=2", "https://api.example.com/v1/items?page=2"),
        ("?page=2", "https://api.example.com/v1/items?page=2"),
        ("other?page=2", "https://api.example.com/v1/other?page=2"),
        ("https://cdn.example.net/x?page=2", "https://cdn.example.net/x?page=2"),
    ],
)
def test_nested_next_link_resolved_against_the_page_url(link: str, resolved: str) -> None:
    links = paginator("next_link", next_link_path="links.next")
    assert links.next(page({"links": {"next": link}})) == NextPage(url=resolved)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("links.next", {"links": {"next": ""}}),
        ("links.next", {"links": {"next": None}}),
        (".paging.next.link // empty", {"paging": {}}),
    ],
)
def test_next_link_empty_or_absent_stops(path: str, body: dict[str, Any]) -> None:
    assert done(paginator("next_link", next_link_path=path).next(page(body))).reason.startswith(
        "no next link"
    )


def test_next_link_jq_form() -> None:
    links = paginator("next_link", next_link_path=".paging.next.link // empty")
    assert links.next(page({"paging": {"next": {"link": "?p=2"}}})) == NextPage(
        url="https://api.example.com/v1/items?p=2"
    )


def test_next_link_that_is_not_a_string_is_an_error_naming_the_key() -> None:
    links = paginator("next_link", next_link_path="next")
    with pytest.raises(PaginationError, match=r"nextLinkPath 'next' holds a dict"):
        links.next(page({"next": {"href": "/x"}}))


def test_next_link_honours_has_more_path() -> None:
    links = paginator("next_link", has_more_path="more")
    assert done(links.next(page({"more": False, "@odata.nextLink": "/x"}))).reason == (
        "has-more flag false"
    )


# --- header_link ---------------------------------------------------------------------------

V1 = "https://api.example.com/v1/items"


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ((f'<{V1}?page=2>; rel="next", <{V1}?page=9>; rel="last"',), f"{V1}?page=2"),
        # Two separate Link headers, relative targets resolved against the page URL.
        (('</items?page=1>; rel="prev"', '</items?page=3>; rel="next"'),
         "https://api.example.com/items?page=3"),
        (('<?page=5>; REL="next last"',), f"{V1}?page=5"),  # a rel list, any case
        (("<?page=6>; rel=next",), f"{V1}?page=6"),  # unquoted
        # Commas inside URLs and inside a quoted title do not split entries.
        ((f'<{V1}?ids=1,2&page=1>; rel="prev"; title="a, b", <{V1}?ids=1,2&page=3>; rel="next"',),
         f"{V1}?ids=1,2&page=3"),
    ],
)  # fmt: skip
def test_header_link_follows_rel_next(links: tuple[str, ...], expected: str) -> None:
    headers = paginator("header_link")
    assert headers.first() == NextPage({})
    assert headers.next(page(links=links)) == NextPage(url=expected)


def test_header_link_custom_rel_and_missing_rel() -> None:
    link = '<?after=abc>; rel="next-page", <?page=1>; rel="first"'
    custom = paginator("header_link", header_link_rel="next-page")
    assert custom.next(page(links=(link,))) == NextPage(url=f"{V1}?after=abc")
    assert done(paginator("header_link").next(page(links=(link,)))).reason == (
        "no Link header with rel='next'"
    )
    assert done(paginator("header_link").next(page())).reason == "no Link header with rel='next'"


def test_find_link_ignores_a_rel_that_only_contains_the_word() -> None:
    headers = httpx.Headers({"Link": '</a>; rel="nextish", </b>; title="next"'})
    assert find_link(headers, "next") is None


def test_find_link_reads_a_rel_whose_closing_quote_is_missing() -> None:
    headers = httpx.Headers({"Link": '</a?page=1>; rel="prev", </a?page=3>; rel="next'})
    assert find_link(headers, "next") == "/a?page=3"


# --- factory -------------------------------------------------------------------------------


def test_every_pagination_type_has_a_paginator() -> None:
    for name, paginator_class in PAGINATORS.items():
        knobs = {"cursor_path": "next"} if name == "cursor" else {}
        assert type(paginator(name, **knobs)) is paginator_class


def test_unknown_pagination_type_lists_the_allowed_names() -> None:
    settings = PaginationSettings.model_construct(pagination_type="pages")
    with pytest.raises(ConfigurationError, match=r"paginationType: 'pages'.*allowed: none, offset"):
        build_paginator(settings)


def test_the_documented_more_flag_default_once_carried_is_held_to_it() -> None:
    """cursor without cursorPath: `has_more` answered on page 1, so a page 2 without it (and
    with a cursor) is not read as "this API has no flag"."""
    cursor = paginator("cursor")
    assert cursor.next(page({"next_cursor": "c2", "has_more": True})) == NextPage(
        {"cursor": "c2", "limit": 100}
    )
    with pytest.raises(PaginationError, match="hasMorePath 'has_more' is not in this response"):
        cursor.next(page({"next_cursor": "c3", "items": [{}]}))
