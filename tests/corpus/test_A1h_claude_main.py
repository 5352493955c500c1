"""Corpus A1h: the superseded Claude page still in port-docs main — wrong in itself twice.

- Its fifth block (claude_code) is not YAML: `title: "Claude Code Analytics - " + (...)`.
  Port's mapping editor refuses it, so nothing reaches the integration; the test pins which
  block and line, so the corpus notes stay true.
- Its settings use the documented spellings `authType: bearer` and `token` (Helm
  `integration.secrets.token`, docker `OCEAN__INTEGRATION__SECRETS__TOKEN`): they must load as
  `bearer_token` / `apiToken`. Anthropic's Admin API refuses a Bearer header (it needs
  `x-api-key`), so the four blocks that parse must fail the resync with Anthropic's 401 named,
  and delete nothing.
"""

from __future__ import annotations

from datetime import date

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes.anthropic import AnthropicAdmin
from tests.corpus.kit import connections, load, sync

NAME = "A1h-claude-main"
BLUEPRINTS = ["claude_usage_record", "claude_cost_record", "claude_workspace_usage"]


def test_the_claude_code_block_does_not_parse() -> None:
    published = load(NAME)
    assert published.mapping is None
    assert len(published.mapping_errors) == 1
    assert published.mapping_errors[0].startswith("mapping-5.yml:")
    assert "line 11" in published.mapping_errors[0]


@pytest.mark.parametrize("connection", connections(NAME))
async def test_bearer_and_token_load_and_anthropic_refuses_bearer(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection).without_unparsable_blocks()
    key = published.value("YOUR_ANTHROPIC_API_KEY")
    AnthropicAdmin(key, today=date(2025, 1, 5)).install(api)
    existing = {bp: {"2025-01-01-x"} for bp in BLUEPRINTS}

    outcome = await sync(published, api.url, monkeypatch, existing)

    outcome.assert_failed_safely("401")
    sent = api.received[0].headers
    assert sent.get("authorization") == f"Bearer {key}", "token reached the bearer auth"
