"""Corpus A2: Port's Cursor page, unchanged: jq-string POST bodies, Basic auth from secrets env.

The docker command passes the API key as `OCEAN__INTEGRATION__SECRETS__USERNAME` with an empty
`__PASSWORD`; Helm as `integration.secrets.username` / `password: ""`. The first block has no
`resources:` key; the page's four blocks are pasted together.

What the published mapping makes of Cursor's real responses:
- `/teams/daily-usage-data` and `/teams/filtered-usage-events` map fields Cursor does not send
  (`.org`, `.totals.*`; `.id`, `.eventType`): every identifier is null (`"@" + <epoch ms>`
  fails in jq), so not one entity comes out. That cannot be made to work; with entities of
  those blueprints in Port it must fail, naming the resource, and delete nothing.
- The two AI Code Tracking blocks match the API and sync completely, as long as the data fits
  the page's fixed `page: "1"`, `pageSize: "100"`; past that, Cursor's `totalCount` says the
  first page is not everything, and syncing it as everything deletes the rest: the run must
  fail naming paginationType.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes.cursor import Cursor
from tests.corpus.kit import Published, connections, load, sync
from tests.cursor_fake import DAY_MS, basic_header

NAME = "A2-cursor"
KEY = "YOUR_CURSOR_API_KEY"
TRACKING = ("/analytics/ai-code/commits", "/analytics/ai-code/changes")


def expected(fake: Cursor, broken: bool = True) -> dict[str, set[str]]:
    produced = {
        "cursor_commit_record": {c["commitHash"] for c in fake.commit_items()},
        "cursor_ai_code_change_record": {
            f"{c['userEmail']}@{c['createdAt']}@changes" for c in fake.change_items()
        },
    }
    empty: set[str] = set()  # the blocks whose identifier reads fields Cursor lacks
    return produced | (
        {"cursor_usage_record": empty, "cursor_user_usage_record": empty} if broken else {}
    )


def tracking_only(published: Published) -> Published:
    """The page's AI Code Tracking blocks alone, as a user pastes just those two."""
    blocks: list[Any] = [r for r in published.parsable if r["kind"] in TRACKING]
    return replace(published, mapping={"resources": blocks})


@pytest.mark.parametrize("connection", connections(NAME))
async def test_the_usage_blocks_map_no_entity_and_the_run_deletes_nothing(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection)
    fake = Cursor(published.value(KEY))
    fake.install(api)

    outcome = await sync(published, api.url, monkeypatch, expected(fake))

    outcome.assert_failed_safely(
        "cursor_usage_record", "/teams/daily-usage-data", "mapped none of them", "identifier"
    )
    assert {r.headers["authorization"] for r in api.received} == {basic_header(fake.key)}
    assert fake.key not in "\n".join(outcome.log)  # the key is a username: not masked by name
    (daily,) = (r.json() for r in api.requests_to("/teams/daily-usage-data"))
    assert daily["endDate"] - daily["startDate"] == 30 * DAY_MS  # the jq body, as numbers


@pytest.mark.parametrize("connection", connections(NAME))
async def test_the_ai_code_tracking_blocks_sync_every_commit_and_change(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = tracking_only(load(NAME, connection))
    fake = Cursor(published.value(KEY))
    fake.install(api)

    outcome = await sync(published, api.url, monkeypatch, expected(fake, broken=False))

    outcome.assert_complete()
    queries = [r.query for r in api.received]
    assert queries == [{"startDate": "30d", "endDate": "0d", "page": "1", "pageSize": "100"}] * 2
    commit = next(e for e in outcome.upserted if e["blueprint"] == "cursor_commit_record")
    assert commit["relations"]["repository"] == "repo-0"


async def test_more_commits_than_the_fixed_first_page_fail_instead_of_deleting(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """150 commits, 100 on page 1, `totalCount: 150`: keeping page 1 would delete 50."""
    published = tracking_only(load(NAME, "docker.sh"))
    fake = Cursor(published.value(KEY), commits=150)
    fake.install(api)

    outcome = await sync(published, api.url, monkeypatch, expected(fake, broken=False))

    outcome.assert_failed_safely("paginationType", "/analytics/ai-code/commits")
