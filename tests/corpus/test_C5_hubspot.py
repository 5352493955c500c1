"""C5: the reference's HubSpot example - Helm values (snake_case keys) and installation Option A.

`has_more_path: paging.next` points at an object that is present while more pages exist and
absent on the last page (read by truthiness). 205 contacts, 60 companies, 130 deals and 120
custom objects at `limit=100`. Option A writes `authType=bearer` + `secrets.token` (documented
spellings of bearer_token / apiToken) and a nested `integration.config.pagination.*` map, which
the chart renders as one JSON env var `..._PAGINATION`: it must work or stop at start naming
`pagination` - never sync one page of each list as complete.
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import hubspot_crm
from tests.corpus.kit import load, sync


async def test_helm_values_sync_every_object(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    published = load("C5-hubspot")
    hubspot_crm.install(api, published.value("${HUBSPOT_API_TOKEN}"))

    outcome = await sync(published, api.url, monkeypatch, hubspot_crm.EXPECTED)

    outcome.assert_complete()
    contacts = api.requests_to("/crm/v3/objects/contacts")
    assert len(contacts) == 3 and "after" not in contacts[0].query
    assert all(r.query["associations"] == "companies" for r in contacts)


async def test_option_a_nested_pagination_values_sync_every_page(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load("C5-hubspot-option-a")
    assert "OCEAN__INTEGRATION__CONFIG__PAGINATION" in published.env
    hubspot_crm.install(api, published.value("YOUR_HUBSPOT_ACCESS_TOKEN"))

    outcome = await sync(published, api.url, monkeypatch, hubspot_crm.EXPECTED)

    # The nested map arrives as one JSON variable; its legacy names (cursor_query_param,
    # limit_query_param, limit) are read as paginationParam, sizeParam and pageSize.
    outcome.assert_complete()
    contacts = api.requests_to("/crm/v3/objects/contacts")
    assert len(contacts) > 1 and all(r.query.get("limit") == "100" for r in contacts)
    assert "after" not in contacts[0].query and "after" in contacts[1].query
