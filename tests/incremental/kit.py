"""The real Ocean app in incremental mode, driven the way its ONCE listener drives it.

`port_ocean/core/event_listener/once.py` (0.56.2), with `incremental_sync_enabled`, calls
`ocean.app.integration.sync_incremental(interval_seconds=<incremental_sync_interval> * 60)`;
`IncrementalOcean.incremental()` makes exactly that call. Port is the harness's canned Port
plus the cursor API (`tests/fake_port.py`), holding `existing` entities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from port_ocean.context.ocean import ocean
from port_ocean.integration_testing import (
    IntegrationTestHarness,
    InterceptTransport,
    ResyncResult,
)

from tests.conftest import ROOT
from tests.fake_port import CursorPortResponder

INTERVAL_MINUTES = 15


@dataclass
class IncrementalResult:
    upserted: list[dict[str, Any]]
    deleted: list[dict[str, Any]]
    started: datetime  # just before the run: Ocean's next cursor is a little later

    @property
    def titles(self) -> dict[str, str]:
        return {str(e["identifier"]): str(e.get("title")) for e in self.upserted}


class IncrementalOcean:
    def __init__(
        self,
        config: dict[str, Any],
        mapping: dict[str, Any],
        existing: list[dict[str, Any]] | None = None,
        enabled: bool = True,
    ) -> None:
        integration = {
            "identifier": "test-custom",
            "type": "custom",
            "config": config,
            "incremental_sync_enabled": enabled,
            "incremental_sync_interval": INTERVAL_MINUTES,
        }
        self.harness = IntegrationTestHarness(
            integration_path=str(ROOT),
            port_mapping_config=mapping,
            third_party_transport=InterceptTransport(strict=True),
            config_overrides={"integration": integration},
            port_search_entities_response=existing,
        )
        self.port = CursorPortResponder(
            mapping_config=mapping,
            integration_identifier="test-custom",
            search_entities_response=existing or [],
        )
        self.harness.port_mock = self.port  # read by start(): Port's routes, with cursors

    async def __aenter__(self) -> IncrementalOcean:
        await self.harness.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.harness.shutdown()

    async def full(self) -> ResyncResult:
        return await self.harness.trigger_resync()

    async def incremental(self) -> IncrementalResult:
        self.port.upserted_entities.clear()
        self.port.deleted_entities.clear()
        started = datetime.now(UTC)
        interval_seconds = ocean.config.integration.incremental_sync_interval * 60
        await ocean.app.integration.sync_incremental(interval_seconds=interval_seconds)
        return IncrementalResult(
            list(self.port.upserted_entities), list(self.port.deleted_entities), started
        )

    def cursor(self, kind: str, index: int = 0) -> datetime | None:
        saved = self.port.cursors.get((kind, index))
        return datetime.fromisoformat(saved) if saved else None
