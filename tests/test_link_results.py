"""Link header parameters (issue 19 part 5): Sentry's `results="false"` ends the list, a header
without it is followed as before, and empty pages that keep pointing further end at the cap.

Through real Ocean resyncs with a seeded Port, over the Sentry fake (`tests/sentry_fake.py`,
https://docs.sentry.io/api/pagination/) and a finite server of empty pages.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connection.pagination_settings import PaginationSettings
from pages.link_header import find_link_entry
from pagination import Done, Page, Paginator
from sample_api.server import FakeApi, Received, Reply
from tests.ocean_run import entity, mapping, resource, run_resync
from tests.sentry_fake import PATH, TOKEN, issues, serve_issues

ISSUES = issues(250)  # three pages of Sentry's 100
SENTRY_RESOURCE = resource(PATH, blueprint="sentryIssue", identifier=".id", title=".title")
SEEDED = [entity(issue["id"], "sentryIssue") for issue in ISSUES[:5]]
STALE = entity("4499999", "sentryIssue")


def sentry(api: FakeApi, **extra: str) -> dict[str, Any]:
    return {
        "base_url": api.url,
        "auth_type": "bearer_token",
        "api_token": TOKEN,
        "pagination_type": "header_link",
        **extra,
    }


def cursors(api: FakeApi) -> list[str]:
    return [r.query.get("cursor", "") for r in api.requests_to(PATH)]


@pytest.mark.parametrize(
    ("seeded", "deleted"), [([*SEEDED, STALE], ["4499999"]), ([], [])], ids=["seeded", "first"]
)
async def test_sentry_results_false_ends_the_list_and_the_stale_issue_is_deleted(
    api: FakeApi, seeded: list[dict[str, Any]], deleted: list[str]
) -> None:
    serve_issues(api, ISSUES)
    result = await run_resync(sentry(api), mapping(SENTRY_RESOURCE), seeded)
    assert result.errors == []
    assert sorted(e["identifier"] for e in result.upserted_entities) == sorted(
        issue["id"] for issue in ISSUES
    )
    assert [e["identifier"] for e in result.deleted_entities] == deleted
    # The third page's next link says results="false": it is never requested.
    assert cursors(api) == ["", "0:100:0", "0:200:0"]  # not 0:250:0


async def test_without_the_results_parameter_the_link_is_followed_as_before(
    api: FakeApi,
) -> None:
    """The same pages with no `results`: the last next link is followed, its empty page carries
    the same link again, and the repeat guard fails the resync — nothing is deleted."""
    serve_issues(api, ISSUES, with_results=False)
    config = sentry(api, max_pages="20")  # a regression fails at the cap rather than hangs
    result = await run_resync(config, mapping(SENTRY_RESOURCE), [*SEEDED, STALE])
    assert result.errors and result.deleted_entities == []
    assert "repeats an earlier one" in str(result.errors[0])
    assert cursors(api) == ["", "0:100:0", "0:200:0", "0:250:0"]


async def test_empty_pages_that_keep_pointing_further_end_at_max_pages(api: FakeApi) -> None:
    """An API handing out new next links on empty pages: an empty page is not an end for link
    and cursor styles (a filtered scan pages past empty pages), so only the page cap ends it,
    as an error naming maxPages and the empty run. The server stops after 40 pages, so without
    the cap the run would finish "complete" and this test would fail, not hang."""

    def handle(request: Received) -> Reply:
        number = int(request.query.get("n", "0"))
        items = [{"id": 1, "name": "one"}] if number == 0 else []
        headers = {"Link": f'<{api.url}/items?n={number + 1}>; rel="next"'} if number < 40 else {}
        return Reply(json_body=items, headers=headers)

    api.route("GET", "/items", handle)
    config = {"base_url": api.url, "pagination_type": "header_link", "max_pages": "10"}
    result = await run_resync(config, mapping(resource("/items")), [entity("1"), entity("2")])
    assert result.errors and result.deleted_entities == []
    message = str(result.errors[0])
    assert "maxPages=10" in message and "the last 9 pages were empty" in message
    assert len(api.requests_to("/items")) == 10


def page_with(link: str) -> Page:
    return Page(httpx.URL("https://sentry.io/x"), httpx.Headers({"Link": link}), [], 0)


@pytest.mark.parametrize(
    ("link", "results"),
    [
        ('<https://s/?c=1>; rel="next"; results="false"; cursor="1"', "false"),
        ("<https://s/?c=1>; results=FALSE; rel=next", "FALSE"),
        ('<https://s/?c=0>; rel="previous"; results="true", <https://s/?c=1>; rel="next"', None),
    ],
)
def test_the_chosen_entrys_own_parameters_are_read(link: str, results: str | None) -> None:
    entry = find_link_entry(httpx.Headers({"Link": link}), "next")
    assert entry is not None and entry.target.startswith("https://s/?c=1")
    assert entry.params.get("results") == results
    assert entry.says_no_results is (results is not None and results.lower() == "false")


def test_pagination_type_none_reads_sentrys_empty_next_link_as_no_more_pages() -> None:
    """With paginationType none, a next link is a sign of lost pages, but not one that says
    there is nothing there."""
    paginator = Paginator(PaginationSettings())
    done = paginator.next(page_with('<https://sentry.io/x?c=1>; rel="next"; results="false"'))
    assert isinstance(done, Done)
