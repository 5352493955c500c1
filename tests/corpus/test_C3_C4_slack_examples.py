"""C3/C4: the reference's own Slack examples (env file + YAML; Helm values + port-app-config).

C3 (`slack-integration.env`): baseUrl `https://slack.com`, kinds `/api/...`, cursor pagination
through `CURSOR_PARAM`/`LIMIT_PARAM` (= paginationParam / sizeParam) and no `CURSOR_PATH`: the
documented defaults (next_cursor, cursor, meta.after_cursor, links.next) do not hold Slack's
`response_metadata.next_cursor`, so the run must page fully or fail loudly - never stop at page
1 as complete. `/api/team.info` with `data_path: .team` selects one object: one workspace.

C4 (`slack/helm-values.yaml`): snake_case Helm keys, `has_more_path` = the cursor string, and
`base_url: https://slack.com/api` with kinds `/api/users.list`: every call goes to
`/api/api/users.list`, which Slack answers HTTP 200 `{"ok": false, "error": "unknown_method"}`.
That configuration is wrong in itself: it must fail naming the path, deleting nothing.
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import slack_examples
from tests.corpus.kit import load, sync
from tests.corpus.variants import with_placeholders

C3 = slack_examples.expected("slack_user", "slack_channel", "slack_workspace")
C4 = slack_examples.expected("ocean_slackUser", "ocean_slackChannel", "ocean_slackWorkspace")


async def test_c3_env_file_pages_fully_or_fails_loudly(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = with_placeholders(
        load("C3-slack-env"), {"xoxb-your-slack-bot-token": "YOUR_SLACK_BOT_TOKEN"}
    )
    slack_examples.install(api, published.value("YOUR_SLACK_BOT_TOKEN"))

    outcome = await sync(published, api.url, monkeypatch, C3)

    if outcome.errors:  # the cursor is not at a default path: an error naming cursorPath
        outcome.assert_failed_safely("cursorPath")
    else:
        outcome.assert_complete()
        assert len(api.requests_to("/api/users.list")) == 3  # 250 members at limit=100


async def test_c4_doubled_api_prefix_fails_without_deleting(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load("C4-slack-helm")
    slack_examples.install(api, published.value("${SLACK_BOT_TOKEN}"))

    outcome = await sync(published, api.url, monkeypatch, C4)

    if outcome.errors:
        outcome.assert_failed_safely("/api/api/users.list")
    else:  # the integration may also join `/api` + `/api/...` without doubling
        outcome.assert_complete()
