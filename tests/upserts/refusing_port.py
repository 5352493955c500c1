"""A stand-in for Port that refuses entity upserts, for resyncs through the real Ocean harness.

It is `port_ocean.integration_testing`'s `PortMockResponder` (the harness's own Port) with three
answers changed, as Port's API reference states them
(https://docs.port.io/api-reference/create-multiple-entities, Ocean's `EntityBulkError`):
- `POST /v1/blueprints/{bp}/entities/bulk`: for a blueprint Port is down for, the request fails
  with `status` and Port's error shape `{"ok": false, "error": ..., "message": ...}`; for
  identifiers that violate the blueprint's schema, 207 Multi-Status listing them in `errors`
  (`identifier`, `index`, `statusCode`, `error`, `message`) beside the written `entities`;
- `POST /v1/blueprints/{bp}/entities` (one entity, Ocean's retry of refused ones): the same;
- `POST /v1/entities/search` (Ocean's per-batch comparison): optionally a 500;
- optionally 413 to every bulk request of a blueprint (Ocean then sends its entities one by one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport, ResyncResult
from port_ocean.integration_testing.port_mock import PortMockResponder

from tests.conftest import ROOT
from tests.fake_port import FakePort, _Responder

PORT_DOWN = {
    "ok": False,
    "error": "internal_error",
    "message": "An internal error occurred while writing entities, try again later",
}
# "Request body is too large (limit is 1MiB)", as the API reference words its 413.
TOO_LARGE = {"ok": False, "error": "payload_too_large", "message": "Request body is too large"}
_BLUEPRINT = re.compile(r"/v1/blueprints/(?P<blueprint>[^/]+)/entities")


@dataclass
class Refusals:
    """What this Port refuses: every upsert of `down` blueprints, and `invalid` identifiers."""

    down: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)  # identifier → schema message
    search_fails: bool = False
    too_large: set[str] = field(default_factory=set)  # blueprints whose bulk requests get 413


class RefusingPort(PortMockResponder):
    refuse = Refusals()
    requests: list[tuple[str, int]]  # (path, status) of each entity write

    def refusing(self, refuse: Refusals) -> RefusingPort:
        self.refuse, self.requests = refuse, []
        return self

    def _handle_bulk_upsert(self, request: httpx.Request) -> dict[str, Any]:
        match = _BLUEPRINT.search(request.url.path)
        if match and match["blueprint"] in self.refuse.too_large:
            self.requests.append((request.url.path, 413))
            return {"status_code": 413, "json": TOO_LARGE}
        down = self._down(request)
        if down is not None:
            return down
        entities = json.loads(request.content)["entities"]
        written, errors = [], []
        for index, entity in enumerate(entities):
            message = self.refuse.invalid.get(entity["identifier"])
            if message is None:
                self.upserted_entities.append(entity)
                written.append(
                    {"index": index, "identifier": entity["identifier"], "created": True}
                )
            else:
                errors.append(_schema_error(index, entity["identifier"], message))
        status = 207 if errors else 200
        self.requests.append((request.url.path, status))
        return {"status_code": status, "json": {"ok": True, "entities": written, "errors": errors}}

    def _handle_single_upsert(self, request: httpx.Request) -> dict[str, Any]:
        down = self._down(request)
        if down is not None:
            return down
        entity = json.loads(request.content)
        message = self.refuse.invalid.get(entity["identifier"])
        if message is not None:
            self.requests.append((request.url.path, 422))
            return {
                "status_code": 422,
                "json": {"ok": False, "error": "invalid_entity", "message": message},
            }
        self.requests.append((request.url.path, 200))
        return super()._handle_single_upsert(request)

    def _handle_search_entities(self, request: httpx.Request) -> dict[str, Any]:
        if self.refuse.search_fails:
            return {"status_code": 500, "json": PORT_DOWN}
        return super()._handle_search_entities(request)

    def _down(self, request: httpx.Request) -> dict[str, Any] | None:
        match = _BLUEPRINT.search(request.url.path)
        refusal = self.refuse.down.get(match["blueprint"]) if match else None
        if refusal is None:
            return None
        self.requests.append((request.url.path, refusal[0]))
        return {"status_code": refusal[0], "json": refusal[1]}


def _schema_error(index: int, identifier: str, message: str) -> dict[str, Any]:
    return {
        "index": index,
        "identifier": identifier,
        "statusCode": 422,
        "error": "invalid_entity",
        "message": message,
    }


def refusing_port(
    mapping: dict[str, Any], existing: list[dict[str, Any]], refuse: Refusals
) -> RefusingPort:
    return RefusingPort(mapping, search_entities_response=existing).refusing(refuse)


class RefusingFakePort(FakePort):
    """`tests/fake_port.FakePort` (Port on loopback, for a real `ocean sail`), refusing."""

    def __init__(
        self, mapping: dict[str, Any], existing: list[dict[str, Any]], refuse: Refusals
    ) -> None:
        super().__init__(mapping, existing=existing)
        self.responder = _SailResponder(self, mapping, "my-custom-integration", existing)
        self.responder.refusing(refuse)


class _SailResponder(_Responder, RefusingPort):
    """FakePort's responder (integration, resync state) with this module's refusals."""


async def resync_against(
    port: PortMockResponder,
    config: dict[str, Any],
    mapping: dict[str, Any],
    then: Refusals | None = None,
) -> list[ResyncResult]:
    """Resyncs of one real Ocean app with `port` as Port (as `tests/ocean_run.run_resync`): one,
    and a second with `then` as Port's refusals when given."""
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping,
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={
            "integration": {"identifier": "test-custom", "type": "custom", "config": config}
        },
    )
    harness.port_mock = port  # read by start() (the Port client's transport) and the result
    try:  # shut down even when the start fails: the harness patches globals
        await harness.start()
        results = [await harness.trigger_resync()]
        if then is not None:
            assert isinstance(port, RefusingPort)
            port.refuse = then
            results.append(await harness.trigger_resync())
        return results
    finally:
        await harness.shutdown()
