"""Corpus A7: Port's Prometheus page, its three auth variants, Helm and docker, unchanged.

The page's baseUrl is plain `http://prometheus:9090` (an in-cluster name; the kit points it at
the loopback fake). No pagination: each endpoint answers everything at once, and the page's
data_paths flatten it: `.data.groups[].rules[]` and `.data.activeTargets[]` are jq streams of
objects, not arrays, and each output is one item.

Two identifiers of the published mapping are not unique, and the test expects what they make:
alerts of one rule firing at one evaluation share `alertname-activeAt`, and rules named alike in
several groups (`InstanceDown`) share `.name`; each such set becomes one entity.
"""

from __future__ import annotations

from base64 import b64encode

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import prometheus
from tests.corpus.kit import Published, connections, load, sync

VARIANTS = ("none", "basic", "bearer")
CASES = [(v, c) for v in VARIANTS for c in connections(f"A7-prometheus-{v}")]


def authorization(variant: str, published: Published) -> str | None:
    """The header the variant's Prometheus (web config or proxy) checks."""
    if variant == "basic":
        pair = published.value("YOUR_PROMETHEUS_USERNAME") + ":"
        pair += published.value("YOUR_PROMETHEUS_PASSWORD")
        return "Basic " + b64encode(pair.encode()).decode()
    if variant == "bearer":
        return "Bearer " + published.value("YOUR_PROMETHEUS_BEARER_TOKEN")
    return None


@pytest.mark.parametrize(("variant", "connection"), CASES)
async def test_every_alert_rule_and_target_arrives(
    variant: str, connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(f"A7-prometheus-{variant}", connection)
    prometheus.install(api, authorization(variant, published))

    outcome = await sync(published, api.url, monkeypatch, prometheus.EXPECTED)

    outcome.assert_complete()
    assert sorted(r.path for r in api.received) == [
        "/api/v1/alerts",
        "/api/v1/rules",
        "/api/v1/targets",
    ]
    if variant == "none":
        assert all("authorization" not in r.headers for r in api.received)
    target = next(e for e in outcome.upserted if e["blueprint"] == "prometheus-target")
    assert target["properties"]["scrapePool"] == "node"


@pytest.mark.parametrize("variant", ["basic", "bearer"])
async def test_credentials_prometheus_refuses_fail_and_delete_nothing(
    variant: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prometheus answers `401 Unauthorized` in plain text: not an empty monitoring stack."""
    published = load(f"A7-prometheus-{variant}", "docker.sh")
    prometheus.install(api, "Basic " + b64encode(b"admin:" + b"another-password" * 3).decode())

    outcome = await sync(published, api.url, monkeypatch, prometheus.EXPECTED)

    outcome.assert_failed_safely("401")
