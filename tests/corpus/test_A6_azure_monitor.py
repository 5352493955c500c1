"""Corpus A6: Port's Azure Monitor page: metric alerts and activity logs, Helm and docker.

The kinds carry the placeholder `YOUR_SUBSCRIPTION_ID` in the path and the selectors the
`api-version` and `$filter` query params ARM requires. The user fills in the subscription id
(the tests do, as they fill in the token); left as published, ARM's 400 InvalidSubscriptionId
must fail the resync.

The page sets no pagination. Metric alerts are one response (no nextLink in that API), but
activity logs page with `nextLink`: under `paginationType: none` that first page is not
everything, so the run must fail loudly naming paginationType rather than keep 200 of 450
events and let Ocean delete the rest. The fix that message points to (`next_link` at
`nextLink`) then syncs every event.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import azure_monitor as azure
from tests.corpus.kit import Published, connections, load, sync

NAME = "A6-azure-monitor"
TOKEN = "YOUR_BEARER_TOKEN"
PLACEHOLDER = "YOUR_SUBSCRIPTION_ID"
ALERTS_PATH = f"/subscriptions/{azure.SUBSCRIPTION}/providers/Microsoft.Insights/metricAlerts"
LOGS_PATH = (
    f"/subscriptions/{azure.SUBSCRIPTION}/providers/Microsoft.Insights/eventtypes/management/values"
)


def with_subscription(published: Published, *kinds: str) -> Published:
    """The page's mapping with the user's subscription id pasted over the placeholder (only
    the blocks whose kind contains one of `kinds`, when given)."""
    assert published.mapping is not None
    text = json.dumps(published.mapping).replace(PLACEHOLDER, azure.SUBSCRIPTION)
    mapping = json.loads(text)
    if kinds:
        mapping["resources"] = [
            r for r in mapping["resources"] if any(k in r["kind"] for k in kinds)
        ]
    return replace(published, mapping=mapping)


@pytest.mark.parametrize("connection", connections(NAME))
async def test_the_page_fails_on_the_activity_log_next_link_and_deletes_nothing(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = with_subscription(load(NAME, connection))
    azure.install(api, published.value(TOKEN))

    outcome = await sync(published, api.url, monkeypatch, azure.EXPECTED)

    outcome.assert_failed_safely("paginationType", "nextLink")
    assert [r.query["api-version"] for r in api.requests_to(ALERTS_PATH)] == ["2018-03-01"]
    (logs,) = api.requests_to(LOGS_PATH)
    assert logs.query == {
        "api-version": "2015-04-01",
        "$filter": "eventTimestamp ge '2025-12-01T00:00:00Z'",
    }


async def test_the_metric_alerts_block_alone_syncs_every_alert(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = with_subscription(load(NAME, "helm.sh"), "metricAlerts")
    azure.install(api, published.value(TOKEN))
    expected = {"azure-monitor-alert": azure.EXPECTED["azure-monitor-alert"]}

    outcome = await sync(published, api.url, monkeypatch, expected)

    outcome.assert_complete()
    alert = next(e for e in outcome.upserted if e["identifier"] == azure.ALERTS[3]["id"])
    assert alert["properties"]["subscriptionId"] == azure.SUBSCRIPTION
    assert alert["properties"]["resourceGroup"] == "rg-app-3"


async def test_next_link_pagination_as_the_error_advises_syncs_every_event(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = with_subscription(load(NAME, "docker.sh")).with_env(
        OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE="next_link",
        OCEAN__INTEGRATION__CONFIG__NEXT_LINK_PATH="nextLink",
    )
    azure.install(api, published.value(TOKEN))

    outcome = await sync(published, api.url, monkeypatch, azure.EXPECTED)

    outcome.assert_complete()
    pages = api.requests_to(LOGS_PATH)
    assert [r.query.get("$skiptoken") for r in pages] == [None, "200", "400"]
    assert {r.query["$filter"] for r in pages} == {"eventTimestamp ge '2025-12-01T00:00:00Z'"}


async def test_the_unfilled_subscription_placeholder_fails_with_arm_s_error(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, "docker.sh")
    azure.install(api, published.value(TOKEN), PLACEHOLDER)

    outcome = await sync(published, api.url, monkeypatch, azure.EXPECTED)

    outcome.assert_failed_safely("InvalidSubscriptionId", PLACEHOLDER)
