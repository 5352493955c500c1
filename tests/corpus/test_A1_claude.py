"""Corpus A1: Port's Claude AI page (LIVE), Helm and docker, five resources, unchanged.

The page configures no pagination and a fixed `starting_at` of 2025-01-01. Anthropic answers
7 daily buckets a page (`has_more`, `next_page`): an organisation whose usage fits one page
syncs completely; a longer history must fail loudly instead of syncing the first week forever
(never truncate silently: the response says more pages exist).

The published claude_code mapping reads `.actor.email`; Anthropic's user actor carries
`email_address` (corpus mapping_notes): every user actor of a day maps to the same
`...-unknown-<day>` identifier. That is what the published mapping produces, so it is what the
test expects; only the API-key actors stay distinct.
"""

from __future__ import annotations

from datetime import date

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes.anthropic import MODELS, ORG, WORKSPACES, AnthropicAdmin
from tests.corpus.kit import connections, load, sync

NAME = "A1-claude"
KEY = "YOUR_ANTHROPIC_ADMIN_API_KEY"


def expected(fake: AnthropicAdmin) -> dict[str, set[str]]:
    days = [day.isoformat() for day in fake.days(date(2025, 1, 1))]
    used = [day for day in days if not day.endswith("-03")]
    names = [a.get("api_key_name", "unknown") for a in fake.actors()]
    return {
        "claude_usage_record": {f"{day}-usage" for day in days},
        "claude_cost_record": {f"{day}-cost" for day in days},
        "claude_workspace_usage": {f"{w or 'default'}-{day}" for w in WORKSPACES for day in used},
        "claude_model_usage": {f"{model}-{day}" for model in MODELS for day in used},
        "claude_code_analytics": {f"{ORG}-{name}-2025-01-01" for name in names},
    }


@pytest.mark.parametrize("connection", connections(NAME))
async def test_a_history_within_one_page_syncs_completely(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection)
    fake = AnthropicAdmin(published.value(KEY), today=date(2025, 1, 5))
    fake.install(api)

    outcome = await sync(published, api.url, monkeypatch, expected(fake))

    outcome.assert_complete()
    record = next(e for e in outcome.upserted if e["identifier"] == "2025-01-02-cost")
    assert record["properties"]["amount"] == 25.37
    groups = {r.raw_query.count("group_by") for r in api.requests_to(MESSAGES_PATH)}
    assert groups == {0, 1}


async def test_a_history_longer_than_one_page_fails_instead_of_truncating(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, "docker.sh")
    fake = AnthropicAdmin(published.value(KEY), today=date(2025, 9, 1))
    fake.install(api)

    outcome = await sync(published, api.url, monkeypatch, expected(fake))

    outcome.assert_failed_safely("paginationType")


MESSAGES_PATH = "/v1/organizations/usage_report/messages"
