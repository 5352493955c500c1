"""One page, one pass (issue 20 part 3): each response is read into a `Page` once, and what the
paginator, the completeness check and the error verdict need from it is read once per page."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from core.errors import ApiReportedError
from jq_paths.response_paths import MISSING, ResponsePath, jq_outputs
from pages import data_path, error_body
from pages.page import Page
from pages.pagination_signals import FirstPresent
from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import endpoint, fetch

ITEMS = [{"id": n} for n in range(5)]


def counting_finds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each settings path was read from a response."""
    reads: Counter[str] = Counter()
    find = ResponsePath.find

    def counted(self: ResponsePath, body: Any, headers: Any = None) -> Any:
        reads[self.spec] += 1
        return find(self, body, headers)

    monkeypatch.setattr(ResponsePath, "find", counted)
    return reads


async def test_each_signal_of_a_page_is_read_once(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """totalPath is read by the paginator (stop at the total) and the completeness check; the
    has-more flag by the paginator: through the page, each once."""

    def route(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        more = offset + limit < len(ITEMS)
        body = {"items": ITEMS[offset : offset + limit], "meta": {"total": 5, "more": more}}
        return Reply(json_body=body)

    api.route("GET", "/items", route)
    reads = counting_finds(monkeypatch)
    pages = await fetch(
        api.url,
        pagination_type="offset",
        page_size="2",
        total_path="meta.total",
        has_more_path="meta.more",
    )
    assert [len(page) for page in pages] == [2, 2, 1]
    assert reads["meta.total"] == 3 and reads["meta.more"] == 3  # one read a page


async def test_a_short_streamed_body_is_judged_and_its_items_found_once(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`paginationType: none`, a body read whole by the streamed path: one error verdict, one
    data_path evaluation, though the body has an error key beside its data."""
    verdicts: list[str] = []
    selections: list[str] = []
    check, select = error_body.check_default_errors, jq_outputs  # data_path's own

    def counted_check(*args: Any, **kwargs: Any) -> None:
        verdicts.append(args[3])
        check(*args, **kwargs)

    def counted_select(expression: str, value: Any, text: str | None = None) -> list[Any]:
        selections.append(expression)
        return select(expression, value, text)

    monkeypatch.setattr(error_body, "check_default_errors", counted_check)
    monkeypatch.setattr(data_path, "jq_outputs", counted_select)
    body = {"items": ITEMS, "error": "the parameter sort is deprecated"}
    api.route("GET", "/items", lambda _request: Reply(json_body=body))
    pages = await fetch(api.url, endpoint(api.url, data_path=".items"))
    assert pages == [ITEMS]
    assert len(verdicts) == 1 and selections == [".items"]


def test_a_page_reads_a_path_and_a_link_once_whoever_asks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = counting_finds(monkeypatch)
    headers = httpx.Headers({"link": '<https://h/items?page=2>; rel="next"'})
    page = Page(httpx.URL("https://h/items"), headers, {"meta": {"cursor": "c2"}}, 3)
    cursor = ResponsePath("meta.cursor")
    assert page.value(cursor) == page.value(ResponsePath("meta.cursor")) == "c2"
    assert page.value(ResponsePath("meta.gone")) is MISSING
    defaults = FirstPresent(("next_cursor", "meta.cursor"))
    assert page.value(defaults) == "c2" and defaults.spec == "meta.cursor"
    assert reads == Counter({"meta.cursor": 1, "meta.gone": 1, "next_cursor": 1})
    entry = page.link("next")
    assert entry is not None and entry.target == "https://h/items?page=2"
    assert page.link("NEXT") is entry and page.link("prev") is None


# Slack answers a failed call with HTTP 200 and `{"ok": false, "error": "invalid_auth"}`, the
# list key left out (https://api.slack.com/web#evaluating_responses). A data_path that iterates
# the list fails on such a body; the page's verdict quotes the API rather than the jq error.
SLACK_FAILURE = {"ok": False, "error": "invalid_auth", "members": None}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ({}, "error in the body (ok: false)"),
        ({"error_when": ".ok == false"}, "matched error_when '.ok == false'"),
    ],
)
async def test_an_error_body_the_data_path_cannot_read_is_reported_as_the_apis_error(
    api: FakeApi, selector: dict[str, Any], expected: str
) -> None:
    api.route("GET", "/items", lambda _request: Reply(json_body=SLACK_FAILURE))
    target = endpoint(api.url, data_path=".members[]", **selector)
    with pytest.raises(ApiReportedError) as raised:
        await fetch(api.url, target)
    assert expected in str(raised.value) and "invalid_auth" in str(raised.value)
