"""C7: the reference's Zendesk example - docker env and Helm values, and its port-app-config.

Cursor pagination with bracketed names (`page[after]`, `page[size]`), `meta.after_cursor` /
`meta.has_more`; comments per ticket through `path_parameters` (`field: .id`, `filter:
'true'`) - without a data_path, so the discovery cannot find the tickets: a clear error.
260 users, 205 tickets, 120 organizations, 410 comments. The docker command still
says `OCEAN__INTEGRATION__TYPE=http-server` (the old name): the harness sets the type itself.
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import zendesk_support
from tests.corpus.kit import load, sync
from tests.corpus.variants import with_placeholders

USERNAME = "your-email@domain.com/token"


@pytest.mark.parametrize("connection", ["docker.sh", "values.yaml"])
async def test_comments_without_a_discovery_data_path_fail_naming_it(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = with_placeholders(
        load("C7-zendesk", connection), {"your_zendesk_api_token": "YOUR_ZENDESK_API_TOKEN"}
    )
    zendesk_support.install(api, USERNAME, published.value("YOUR_ZENDESK_API_TOKEN"))

    outcome = await sync(published, api.url, monkeypatch, zendesk_support.EXPECTED)

    # The published path parameter sets no data_path: the whole `{"tickets": [...], "meta": ...}`
    # page is one item and `.id` gives nothing (the reference fetched no comment at all and
    # finished "complete"). That is an error naming the fix; the other kinds still arrive.
    outcome.assert_failed_safely("selector.path_parameters.ticket_id.data_path", "e.g. .tickets")
    produced = outcome.produced()
    for blueprint in ("zendeskUser", "zendeskTicket", "zendeskOrganization"):
        if blueprint in zendesk_support.EXPECTED:
            assert produced.get(blueprint) == zendesk_support.EXPECTED[blueprint]
    tickets = api.requests_to("/api/v2/tickets.json")
    assert [r.query.get("page[size]") for r in tickets] == ["100"] * len(tickets)
    assert "page[after]" not in tickets[0].query and "page[after]" in tickets[1].query
