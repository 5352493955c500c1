"""Corpus A5: Port's Entra ID page: the commands, and the parameter table's `skip_token`.

The commands set no paginationType; the page's parameter table names `skip_token` as the
example value (= `next_link` at `@odata.nextLink`). With it, 1,001 users at `$top=999` arrive
over two pages (Helm and docker set the same env here: the full sync runs once, via Helm).
Without it, Graph's first page carries an
`@odata.nextLink`: syncing those 999 as "everything" would delete the rest from Port, so the
run must fail loudly naming the pagination setting (never truncate silently).
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import microsoft_graph as graph
from tests.corpus.kit import load, sync

NAME = "A5-entra-id"
TOKEN = "YOUR_BEARER_TOKEN"


async def test_skip_token_from_the_parameter_table_syncs_every_object(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, "helm.sh").with_env(
        OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE="skip_token"
    )
    graph.install(api, published.value(TOKEN))

    outcome = await sync(published, api.url, monkeypatch, graph.EXPECTED)

    outcome.assert_complete()
    assert len(api.requests_to("/v1.0/users")) == 2
    assert all(r.query["$top"] == "999" for r in api.received)
    group = next(e for e in outcome.upserted if e["identifier"] == graph.GROUPS[3]["id"])
    assert group["relations"]["members"] == [graph.USERS[3]["id"]]


async def test_the_commands_alone_fail_instead_of_keeping_the_first_999(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, "docker.sh")
    graph.install(api, published.value(TOKEN))

    outcome = await sync(published, api.url, monkeypatch, graph.EXPECTED)

    outcome.assert_failed_safely("paginationType")
