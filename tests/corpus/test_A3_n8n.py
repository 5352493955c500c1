"""Corpus A3: Port's n8n page, unchanged: `hasMorePath: nextCursor`, a cursor string or null.

Read by truthiness, the cursor string means "more" and `null` on the last page means "done";
the baseUrl's `/api` prefix is kept before each `/v1/...` kind.
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import n8n
from tests.corpus.kit import connections, load, sync

NAME = "A3-n8n"


@pytest.mark.parametrize("connection", connections(NAME))
async def test_every_user_project_and_workflow_arrives(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection)
    n8n.install(api, published.value("YOUR_N8N_API_KEY"))

    outcome = await sync(published, api.url, monkeypatch, n8n.EXPECTED)

    outcome.assert_complete()
    assert len(api.requests_to("/api/v1/users")) == 3  # 250 users at limit=100
    assert {r.query["limit"] for r in api.received} == {"100"}
    workflow = next(e for e in outcome.upserted if e["identifier"] == "wf00001")
    assert workflow["properties"]["tags"] == ["prod"]
