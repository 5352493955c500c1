"""Corpus A9: Port's Slack page, unchanged — the configuration that deleted 250 users (issue 12).

The page sets `cursorPath` and `hasMorePath` both to `response_metadata.next_cursor`: a cursor
string, "" on the last page, read by truthiness. 250 members at the page's `limit` are several
pages; so are 215 channels. Slack reports errors as HTTP 200 `{"ok": false}`.
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import slack
from tests.corpus.kit import connections, load, sync

NAME = "A9-slack"
TOKEN = "YOUR_SLACK_BOT_TOKEN"


@pytest.mark.parametrize("connection", connections(NAME))
async def test_every_member_channel_and_group_arrives(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection)
    slack.install(api, published.value(TOKEN))

    outcome = await sync(published, api.url, monkeypatch, slack.EXPECTED)

    outcome.assert_complete()
    pages = api.requests_to("/api/users.list")
    assert len(pages) > 1 and all(r.query.get("limit") for r in pages)
    assert pages[0].query.get("cursor", "") == ""


async def test_a_revoked_token_answered_200_ok_false_deletes_nothing(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`{"ok": false, "error": "invalid_auth"}` has no `members`: not an empty workspace."""
    published = load(NAME, "docker.sh")
    slack.install(api, "xoxb-" + "some-other-token-" * 3)

    outcome = await sync(published, api.url, monkeypatch, slack.EXPECTED)

    outcome.assert_failed_safely("invalid_auth")


async def test_the_pages_limit_200_asks_for_is_the_page_size(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's mapping sets `query_params: {limit: "200"}` on users.list and
    conversations.list, and `limit` is the cursor paginator's size parameter: every request
    carries 200 — not pageSize's 100 — and the log says where the page size came from."""
    published = load(NAME, "helm.sh")
    slack.install(api, published.value(TOKEN))

    outcome = await sync(published, api.url, monkeypatch, slack.EXPECTED)

    outcome.assert_complete()
    for method, items in (("users.list", 250), ("conversations.list", 215)):
        pages = api.requests_to(f"/api/{method}")
        assert [r.query.get("limit") for r in pages] == ["200", "200"], method
        assert items > 200  # two pages at 200 (three at the 100 it used to send)
    assert any(
        "page size 200 from selector.query_params.limit='200'" in line for line in outcome.log
    )


async def test_the_unpaginated_usergroups_call_hints_at_pagination_none(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """usergroups.list is not paginated (no next_cursor): under the connection's cursor
    pagination its one page ends UNCERTAIN, and the line says how to tell the integration."""
    published = load(NAME, "helm.sh")
    slack.install(api, published.value(TOKEN))

    outcome = await sync(published, api.url, monkeypatch, slack.EXPECTED)

    outcome.assert_complete()
    (line,) = [line for line in outcome.log if "GET /usergroups.list: done" in line]
    assert "(UNCERTAIN)" in line
    assert "not paginated, give its resource selector.pagination: {paginationType: none}" in line
    paged = [line for line in outcome.log if "GET /users.list: done" in line]
    assert paged and "not paginated" not in paged[0]
