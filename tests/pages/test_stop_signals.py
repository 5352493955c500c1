"""Stop flags read by truthiness, with the values Port's own examples point `hasMorePath` at.

Port documents `hasMorePath` at booleans (Zendesk `meta.has_more`), at cursors (Slack
`response_metadata.next_cursor`, n8n `nextCursor`), at URLs (Jira Cloud `nextPage`) and at
objects (HubSpot `paging.next`, Spring HATEOAS `_links.next`). The first implementation read any
string but "true"/"1"/"yes" as false: Port's Slack and Jira examples synced one page, finished
"complete", and Ocean deleted the rest. One test per value class, then the documented shapes.
"""

from __future__ import annotations

from typing import Any

import pytest

from pages.pagination_signals import is_truthy
from pagination import Done, NextPage
from tests.test_pagination import done, page, paginator

MORE = [
    True,
    1,
    -1,
    0.5,
    "true",
    "TRUE",
    "yes",
    "1",
    "dXNlcjpVMEc5V0ZYTlo=",  # a Slack cursor
    "https://your-domain.atlassian.net/rest/api/3/project/search?startAt=50",  # Jira nextPage
    "null",  # a non-empty string that is not one of the "no" words
    ["x"],
    {"after": "NTI1Cg%3D%3D"},  # HubSpot paging.next
]
NO_MORE = [False, 0, 0.0, "", "  ", "false", "False", "0", "no", "NO", None, [], {}]


@pytest.mark.parametrize("value", MORE, ids=repr)
def test_values_that_mean_more_pages(value: Any) -> None:
    assert is_truthy(value)
    step = paginator("page", has_more_path="more").next(page({"more": value}, items=5))
    assert step == NextPage({"page": 2, "size": 100})


@pytest.mark.parametrize("value", NO_MORE, ids=repr)
def test_values_that_mean_no_more_pages(value: Any) -> None:
    assert not is_truthy(value)
    stop = done(paginator("page", has_more_path="more").next(page({"more": value}, items=5)))
    assert stop.reason == "has-more flag false" and not stop.suspicious


@pytest.mark.parametrize("value", MORE, ids=repr)
def test_last_page_path_is_the_inverse(value: Any) -> None:
    stop = paginator("page", last_page_path="last").next(page({"last": value}, items=5))
    assert done(stop).reason == "last-page flag true"


@pytest.mark.parametrize("value", [v for v in NO_MORE if v is not None], ids=repr)
def test_last_page_false_values_continue(value: Any) -> None:
    step = paginator("page", last_page_path="last").next(page({"last": value}, items=5))
    assert step == NextPage({"page": 2, "size": 100})


def test_has_more_path_decides_when_both_are_set() -> None:
    both = paginator("page", has_more_path="more", last_page_path="last")
    # The spec says hasMorePath wins: a contradicting lastPagePath does not end the run early.
    assert isinstance(both.next(page({"more": True, "last": True}, items=5)), NextPage)
    assert isinstance(both.next(page({"more": False, "last": False}, items=5)), Done)


def test_slack_cursor_and_flag_at_the_same_path() -> None:
    """Port's Slack page: cursorPath and hasMorePath both `response_metadata.next_cursor`."""
    path = "response_metadata.next_cursor"
    slack = paginator("cursor", cursor_path=path, has_more_path=path, pagination_param="cursor")
    body = {"ok": True, "members": [{}], "response_metadata": {"next_cursor": "dXNlcjpVMDYx"}}
    assert slack.next(page(body)) == NextPage({"cursor": "dXNlcjpVMDYx", "limit": 100})
    last = {"ok": True, "members": [{}], "response_metadata": {"next_cursor": ""}}
    assert done(slack.next(page(last))).reason == "has-more flag false"


def test_n8n_next_cursor_null_on_the_last_page() -> None:
    n8n = paginator("cursor", cursor_path="nextCursor", has_more_path="nextCursor")
    assert n8n.next(page({"data": [{}], "nextCursor": "MTIz"})) == NextPage(
        {"cursor": "MTIz", "limit": 100}
    )
    assert done(n8n.next(page({"data": [{}], "nextCursor": None}))).reason == (
        "has-more flag false"
    )


def test_jira_next_page_url_as_the_more_flag_of_offset_paging() -> None:
    """Jira Cloud's project search states `nextPage` (a URL) on every page but the last."""
    jira = paginator(
        "offset",
        pagination_param="startAt",
        size_param="maxResults",
        page_size="50",
        has_more_path="nextPage",
    )
    next_url = "https://x.atlassian.net/rest/api/3/project/search?startAt=50"
    first = {"values": [{}] * 50, "nextPage": next_url}
    assert jira.next(page(first, items=50)) == NextPage({"startAt": 50, "maxResults": 50})
    last = {"values": [{}] * 50, "isLast": True}
    assert done(jira.next(page(last, items=50))).reason == "has-more flag absent"


def test_hubspot_paging_object_disappears_on_the_last_page() -> None:
    hub = paginator("cursor", cursor_path="paging.next.after", has_more_path="paging.next",
                    pagination_param="after")  # fmt: skip
    body = {"results": [{}], "paging": {"next": {"after": "NTI1", "link": "https://x/?after=NTI1"}}}
    assert hub.next(page(body)) == NextPage({"after": "NTI1", "limit": 100})
    stop = done(hub.next(page({"results": [{}]})))
    assert stop.reason == "has-more flag absent" and not stop.suspicious


def test_a_more_flag_without_a_cursor_is_an_error_not_a_stop() -> None:
    from core.errors import PaginationError

    slack = paginator("cursor", cursor_path="response_metadata.next_cursor", has_more_path="more")
    with pytest.raises(PaginationError, match="announces more pages"):
        slack.next(page({"more": "yes", "response_metadata": {}}))


# --- cursor without cursorPath: the documented common patterns --------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"items": [{}], "next_cursor": "c2"}, NextPage({"cursor": "c2", "limit": 100})),
        ({"items": [{}], "cursor": "c2"}, NextPage({"cursor": "c2", "limit": 100})),
        (
            {"meta": {"after_cursor": "c2", "has_more": True}},
            NextPage({"cursor": "c2", "limit": 100}),
        ),
        (
            {"links": {"next": "https://api.example.com/v1/items?page[after]=c2"}},
            NextPage(url="https://api.example.com/v1/items?page[after]=c2"),
        ),
    ],
)
def test_cursor_defaults_find_the_common_patterns(body: dict[str, Any], expected: Any) -> None:
    assert paginator("cursor").next(page(body)) == expected


@pytest.mark.parametrize(
    "body",
    [
        {"next_cursor": "c2", "has_more": False},
        {"next_cursor": "c2", "hasMore": "false"},
        {"meta": {"after_cursor": "c2", "has_more": False}},
    ],
)
def test_cursor_defaults_read_the_common_more_flags(body: dict[str, Any]) -> None:
    reason = done(paginator("cursor").next(page(body))).reason
    assert reason.startswith("has-more flag false (documented defaults: cursor at ")


def test_cursor_defaults_say_which_path_answered() -> None:
    cursor = paginator("cursor")
    cursor.next(page({"meta": {"after_cursor": "c2", "has_more": True}}))
    assert cursor.found_defaults() == "cursor at meta.after_cursor, more-flag at meta.has_more"  # type: ignore[attr-defined]


def test_cursor_defaults_matching_nothing_is_an_uncertain_stop() -> None:
    stop = done(paginator("cursor").next(page({"data": [{}], "paging": {"token": "x"}})))
    assert stop.suspicious
    assert "next_cursor / cursor / meta.after_cursor / links.next" in stop.reason


# --- paginationType none, yet the response says more pages exist ------------------------


@pytest.mark.parametrize(
    ("body", "links", "named"),
    [
        ({"value": [{}], "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=X"},
         (), "'@odata.nextLink' holds a next page"),  # Port's Entra ID page sets no pagination
        ({"value": [{}], "nextLink": "https://management.azure.com/...&$skiptoken=Y"}, (),
         "'nextLink' holds a next page"),  # Azure ARM activity logs
        ({"data": [{}], "has_more": True, "next_page": "MjAyNS0wMS0wOA"}, (),
         "'next_page' holds a next page"),  # Anthropic usage report
        ({"ok": True, "members": [{}], "response_metadata": {"next_cursor": "dXNlcjpV"}}, (),
         "'response_metadata.next_cursor' holds a next page"),
        ([{}], ('<https://api.github.com/orgs/o/repos?page=2>; rel="next"',),
         "a Link header with rel=next"),
        ({"data": [{}], "meta": {"has_more": True}}, (), "'meta.has_more' is true"),
        ({"items": [{}], "pagination": {"hasNextPage": True}}, (),
         "'pagination.hasNextPage' is true"),  # Cursor's filtered usage events
        ({"items": [{}], "totalCount": 150}, (),
         "'totalCount' says 150 items, this response has 1"),
    ],
)  # fmt: skip
def test_a_single_request_that_would_truncate_fails(
    body: Any, links: tuple[str, ...], named: str
) -> None:
    from core.errors import PaginationError

    with pytest.raises(PaginationError) as caught:
        paginator("none").next(page(body, links=links))
    assert named in str(caught.value) and "Set paginationType" in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        {"data": [{}], "has_more": False, "next_page": None},
        {"ok": True, "members": [{}], "response_metadata": {"next_cursor": ""}},
        {"value": [{}], "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users"},
        {"results": [{}], "paging": {}},
        [{"id": 1, "nextPage": "an item's own field is not the page's"}],
        {"items": [{}], "totalCount": 1, "pagination": {"hasNextPage": False}},
    ],
)
def test_a_single_request_that_is_complete_finishes(body: Any) -> None:
    assert done(paginator("none").next(page(body))).reason.startswith("single request")


def test_an_uncertain_stop_lists_the_responses_top_level_keys() -> None:
    """A typo in cursorPath must be visible before the first sync deletes anything."""
    cursor = paginator("cursor", cursor_path="meta.nextCursor")
    stop = done(cursor.next(page({"data": [{}], "meta": {"next_cursor": "abc"}, "links": {}})))
    assert stop.suspicious
    assert "cursorPath 'meta.nextCursor' matched nothing" in stop.reason
    assert "response keys: data, meta, links" in stop.reason
