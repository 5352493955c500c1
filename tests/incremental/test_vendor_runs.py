"""Incremental sync through real Ocean, against fakes of GitHub, Zendesk and Jira that honour
their changed-since filters as documented (`upstream_fakes.py`).

Per API: run 1 is a full resync (every item, the stale entity deleted); 5 items change
upstream; run 2, incremental, upserts exactly those 5 with their new titles in at most 2
requests, deletes nothing and saves Ocean's cursor; run 3 asks from run 2's cursor; a 500 in
run 4 leaves the cursor where it was and deletes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sample_api.server import FakeApi, Received
from tests.incremental import upstream_fakes as fakes
from tests.incremental.kit import IncrementalOcean
from tests.ocean_run import entity, mapping, resource


@dataclass(frozen=True)
class Case:
    kind: str
    settings: dict[str, str]
    resource: dict[str, Any]
    install: Callable[[FakeApi, fakes.Upstream], None]
    # The cursor value a request carried, and the one expected from Ocean's saved cursor.
    sent: Callable[[Received], str]
    expected: Callable[[datetime], str]
    full_value: str  # what a full resync sends there
    change_age: timedelta = timedelta(0)  # Zendesk hides the last minute's changes


GITHUB = Case(
    kind="/repos/acme/app/issues",
    settings={"pagination_type": "header_link"},
    resource=resource(
        "/repos/acme/app/issues",
        blueprint="githubIssue",
        title=".title",
        query_params={"state": "all", "per_page": "100"},
        incremental={"param": "since", "query_params": {"sort": "updated"}},
    ),
    install=fakes.github,
    sent=lambda request: request.query.get("since", ""),
    expected=lambda cursor: cursor.strftime("%Y-%m-%dT%H:%M:%SZ"),
    full_value="",
)
ZENDESK = Case(
    kind="/api/v2/incremental/tickets.json",
    settings={
        "pagination_type": "next_link",
        "next_link_path": "next_page",
        "last_page_path": "end_of_stream",
    },
    resource=resource(
        "/api/v2/incremental/tickets.json",
        blueprint="zendeskTicket",
        title=".subject",
        data_path=".tickets",
        query_params={"start_time": "0"},
        incremental={"param": "start_time", "format": "epoch", "lookback_seconds": 60},
    ),
    install=fakes.zendesk,
    sent=lambda request: request.query["start_time"],
    expected=lambda cursor: str(int(cursor.timestamp()) - 60),
    full_value="0",
    change_age=timedelta(seconds=61),
)
JIRA = Case(
    kind="/rest/api/3/search/jql",
    settings={
        "pagination_type": "cursor",
        "cursor_path": "nextPageToken",
        "pagination_param": "nextPageToken",
        "last_page_path": "isLast",
        "size_param": "maxResults",
        "page_size": "100",
    },
    resource=resource(
        "/rest/api/3/search/jql",
        blueprint="jiraIssue",
        title=".fields.summary",
        data_path=".issues",
        query_params={"jql": "project = KIT ORDER BY updated DESC"},
        incremental={
            "timezone": "Europe/Berlin",
            "query_params": {
                "jql": 'project = KIT AND updated >= "{incremental_cursor:%Y-%m-%d %H:%M}" '
                "ORDER BY updated DESC"
            },
        },
    ),
    install=fakes.jira,
    sent=lambda request: request.query["jql"],
    expected=lambda cursor: (
        f'project = KIT AND updated >= "{cursor.astimezone(fakes.JIRA_USER_ZONE):%Y-%m-%d %H:%M}"'
        " ORDER BY updated DESC"
    ),
    full_value="project = KIT ORDER BY updated DESC",
)


@pytest.fixture
def upstream() -> Iterator[tuple[FakeApi, fakes.Upstream]]:
    with FakeApi() as api:
        yield api, fakes.Upstream.of(250)


@pytest.mark.parametrize("case", [GITHUB, ZENDESK, JIRA], ids=["github", "zendesk", "jira"])
async def test_full_then_incremental_runs(
    case: Case, upstream: tuple[FakeApi, fakes.Upstream]
) -> None:
    api, data = upstream
    case.install(api, data)
    blueprint = case.resource["port"]["entity"]["mappings"]["blueprint"].strip('"')
    held = [entity(str(item["id"]), blueprint) for item in data.items]
    config = {"base_url": api.url, "max_retries": "0", **case.settings}
    ports_mapping = mapping(case.resource)
    async with IncrementalOcean(config, ports_mapping, [*held, entity("gone", blueprint)]) as run:
        full = await run.full()  # run 1: a full resync, unchanged by incremental
        assert not full.errors
        assert len({e["identifier"] for e in full.upserted_entities}) == 250  # Zendesk repeats
        assert [e["identifier"] for e in full.deleted_entities] == ["gone"]
        assert case.sent(data.calls[0]) == case.full_value  # (next links carry their own)

        changed = [1003, 1050, 1111, 1200, 1249]
        data.change(changed, datetime.now(UTC) - case.change_age)
        before = len(data.calls)
        second = await run.incremental()  # run 2
        assert second.titles == {str(i): f"Item {i - 1000} (edited)" for i in changed}
        assert second.deleted == []
        assert len(data.calls) - before <= 2
        cursor = run.cursor(case.kind)
        assert cursor is not None and cursor >= second.started.replace(microsecond=0)

        await asyncio.sleep(1.1)  # a change strictly after run 2's cursor second
        data.change([1007], datetime.now(UTC) - case.change_age)
        before = len(data.calls)
        third = await run.incremental()  # run 3: from run 2's cursor
        assert case.sent(data.calls[before]) == case.expected(cursor)
        assert "1007" in third.titles and set(third.titles) <= {str(i) for i in [*changed, 1007]}
        assert third.deleted == []
        third_cursor = run.cursor(case.kind)
        assert third_cursor is not None and third_cursor > cursor

        data.failing = True  # run 4: the API fails; the cursor stays, nothing is deleted
        data.change([1008], datetime.now(UTC) - case.change_age)
        fourth = await run.incremental()
        assert fourth.upserted == [] and fourth.deleted == []
        assert run.cursor(case.kind) == third_cursor
