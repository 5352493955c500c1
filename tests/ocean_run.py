"""Run one real Ocean resync (Port mocked by `port_ocean.integration_testing`) over a real API."""

from __future__ import annotations

from typing import Any

from port_ocean.integration_testing import (
    IntegrationTestHarness,
    InterceptTransport,
    ResyncResult,
)

from tests.conftest import ROOT


def mapping(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "deleteDependentEntities": True,
        "createMissingRelatedEntities": True,
        "enableMergeEntity": True,
        "resources": list(resources),
    }


def resource(
    kind: str,
    blueprint: str = "item",
    identifier: str = ".id | tostring",
    title: str = ".name",
    properties: dict[str, str] | None = None,
    **selector: Any,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "selector": {"query": "true", **selector},
        "port": {
            "entity": {
                "mappings": {
                    "identifier": identifier,
                    "title": title,
                    "blueprint": f'"{blueprint}"',
                    "properties": properties or {},
                }
            }
        },
    }


async def run_resync(
    config: dict[str, Any],
    port_app_config: dict[str, Any],
    existing_entities: list[dict[str, Any]] | None = None,
) -> ResyncResult:
    """Boot the real Ocean app with `config` as the integration config and resync once.

    The third-party transport is strict and has no routes: every API call of ours goes through
    our own transport to a real loopback server, and anything else would fail loudly.
    """
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=port_app_config,
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={
            "integration": {"identifier": "test-custom", "type": "custom", "config": config}
        },
        port_search_entities_response=existing_entities,
    )
    try:  # a start that fails (settings refused) must still undo what the harness patched
        await harness.start()
        return await harness.trigger_resync()
    finally:
        await harness.shutdown()


def entity(identifier: str, blueprint: str = "item") -> dict[str, Any]:
    """An entity as Port's search returns it, for deletion tests."""
    return {"identifier": identifier, "blueprint": blueprint, "properties": {}, "relations": {}}
