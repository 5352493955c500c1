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
