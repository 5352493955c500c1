"""A stand-in for Port that holds what it is sent and answers the comparison search from it, a
set time later, for resyncs through the real Ocean harness (issue 21, part 2).

It is `port_ocean.integration_testing`'s `PortMockResponder` with two answers changed, as Port's
API reference describes them:
- `POST /v1/blueprints/{bp}/entities/bulk` (https://docs.port.io/api-reference/create-multiple-
  entities): each entity written over the one held under its identifier (`merge=true`: the
  properties given replace those held, the rest stay);
- `POST /v1/entities/search` (https://docs.port.io/api-reference/search-entities): the entities
  held that match the rules Ocean sends — `$identifier` `in` a list and `$blueprint` `=` one —
  with the fields `include` names.
Each answer leaves `write_delay` / `search_delay` seconds after its request arrived, awaited,
so requests in flight together overlap as they would against a Port far away; each request's
interval is recorded (`spans`).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx
from port_ocean.integration_testing import InterceptTransport, ResyncResult
from port_ocean.integration_testing.port_mock import PortMockResponder

from tests.upserts.refusing_port import resync_against

_BULK = re.compile(r"/v1/blueprints/(?P<blueprint>[^/]+)/entities/bulk$")


@dataclass
class Span:
    kind: str  # "search" or "write"
    start: float
    end: float


class HoldingPort(PortMockResponder):
    def __init__(
        self,
        mapping: dict[str, Any],
        held: list[dict[str, Any]],
        write_delay: float = 0.0,
        search_delay: float = 0.0,
    ) -> None:
        super().__init__(mapping, search_entities_response=[dict(e) for e in held])
        self.held = {(e["blueprint"], e["identifier"]): dict(e) for e in held}
        self.delays = {"write": write_delay, "search": search_delay}
        self.spans: list[Span] = []
        self.transport = _Paced(self, self.transport)  # type: ignore[assignment]

    def _handle_bulk_upsert(self, request: httpx.Request) -> dict[str, Any]:
        blueprint = _BULK.search(request.url.path)["blueprint"]  # type: ignore[index]
        for entity in json.loads(request.content)["entities"]:
            key = (blueprint, entity["identifier"])
            was = self.held.get(key, {"properties": {}, "relations": {}})
            self.held[key] = {
                **was,
                **entity,
                "blueprint": blueprint,
                "properties": {**was.get("properties", {}), **entity.get("properties", {})},
            }
        return super()._handle_bulk_upsert(request)

    def _handle_search_entities(self, request: httpx.Request) -> dict[str, Any]:
        rules = {r["property"]: r["value"] for r in json.loads(request.content)["rules"]}
        found = [
            self.held[(rules["$blueprint"], identifier)]
            for identifier in rules["$identifier"]
            if (rules["$blueprint"], identifier) in self.held
        ]
        return {"json": {"ok": True, "entities": found}}


class _Paced(httpx.AsyncBaseTransport):
    def __init__(self, port: HoldingPort, routes: InterceptTransport) -> None:
        self.port, self.routes = port, routes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        kind = (
            "search" if path.endswith("/entities/search") else "write" if _BULK.search(path) else ""
        )
        started = time.monotonic()
        if kind:
            await asyncio.sleep(self.port.delays[kind])
        response = await self.routes.handle_async_request(request)
        if kind:
            self.port.spans.append(Span(kind, started, time.monotonic()))
        return response


def overlapping(spans: list[Span], first: str, second: str) -> int:
    """How many `second` requests ran while a `first` request was in flight."""
    return sum(
        1
        for b in spans
        if b.kind == second
        and any(a.kind == first and a.start < b.start < a.end for a in spans if a is not b)
    )


async def resync_with(
    port: HoldingPort, config: dict[str, Any], mapping: dict[str, Any]
) -> ResyncResult:
    """One resync of the real Ocean app with `port` as Port."""
    (result,) = await resync_against(port, config, mapping)
    return result
