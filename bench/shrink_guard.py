"""The shrink guard's cost (issue 14): `python -m bench.shrink_guard [--entities N] [...]`.

Two figures, each timed alone in this one process (not part of `python -m bench`, whose groups
measure the fetch path):

- **the Port read**: `port_holdings.read_holdings`, the guard's one search per resync, through
  Ocean's real Port client against the harness's mocked Port, paginated as Port's
  `datasource-entities` is (5,000 entities a response, `from`/`next`), with optional latency
  per Port response. Entities look like what Port returns: six properties, metadata, relations.
  For scale, Ocean's own `search_entities` (its reconciliation's read) of the same entities.
- **the counting**: `entity_keys.entity_keys` over the same number of catalog items, in pages
  of `--page-size`, with the bench mapping's identifier (`.id | tostring`) and blueprint.

Ocean's own reconciliation makes the same search once per resync; the guard adds one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from port_ocean.clients.port.types import UserAgentType
from port_ocean.context.ocean import ocean
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport
from port_ocean.integration_testing.port_mock import PortMockResponder

from bench.catalog import item
from tests.conftest import ROOT  # chdir to the integration root, clean OCEAN__* env
from tests.ocean_run import mapping
from tests.ocean_run import resource as mapped_resource

PORT_PAGE = 5000  # DATASOURCE_ENTITIES_PAGE_SIZE in port_ocean/clients/port/mixins/entities.py


def port_entity(index: int) -> dict[str, Any]:
    """One entity as Port's datasource search returns it (about 600 bytes of JSON)."""
    source = item(index)
    return {
        "identifier": str(index),
        "blueprint": "service",
        "title": source["name"],
        "icon": None,
        "team": [],
        "properties": {
            "status": source["status"],
            "team": source["owner"]["team"],
            "email": source["owner"]["email"],
            "region": source["tags"][2],
            "score": source["score"],
            "url": source["url"],
        },
        "relations": {},
        "createdAt": "2024-05-01T09:26:53.000Z",
        "createdBy": "port-ocean",
        "updatedAt": "2024-05-01T09:26:53.000Z",
        "updatedBy": "port-ocean",
    }


class PagedPort(PortMockResponder):
    """The harness's Port, with `datasource-entities` paged by `from` like Port's."""

    latency_s = 0.0

    def _handle_datasource_entities(self, request: httpx.Request) -> dict[str, Any]:
        start = int(json.loads(request.content).get("from") or 0)
        end = start + PORT_PAGE
        time.sleep(self.latency_s)  # the guard's search is the only task running: blocking is fine
        more = end < len(self.search_entities_response)
        page = self.search_entities_response[start:end]
        return {"json": {"ok": True, "entities": page, "next": str(end) if more else None}}


async def measure_port_read(entities: int, latency_ms: float) -> dict[str, Any]:
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping(mapped_resource("/items", blueprint="service")),
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={
            "integration": {
                "identifier": "bench",
                "type": "custom",
                "config": {"base_url": "http://127.0.0.1:9"},
            }
        },
    )
    port = PagedPort(harness.port_mapping_config, search_entities_response=[])
    port.search_entities_response = [port_entity(i) for i in range(entities)]
    port.latency_s = latency_ms / 1000
    harness.port_mock = port  # before start(): the Port client is wired to its transport
    await harness.start()
    try:
        from resync.port_holdings import read_holdings

        rss_before = _rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        held = await read_holdings(None)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        rss_growth = _rss_mb() - rss_before
        requests = len(port.transport.calls_for("/blueprints/entities/datasource-entities"))
        ocean_started, ocean_cpu = time.perf_counter(), time.process_time()
        await ocean.port_client.search_entities(UserAgentType.exporter)
        ocean_seconds = time.perf_counter() - ocean_started
        ocean_cpu_seconds = time.process_time() - ocean_cpu
    finally:
        await harness.shutdown()
    assert sum(len(ids) for ids in held.values()) == entities
    # Part of the CPU above is the mocked Port's, encoding its responses in this process.
    encoding = time.process_time()
    for start in range(0, entities, PORT_PAGE):
        json.dumps({"entities": port.search_entities_response[start : start + PORT_PAGE]})
    return {
        "entities": entities,
        "port_requests": requests,
        "port_latency_ms": latency_ms,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "of_which_mock_encoding_cpu_seconds": round(time.process_time() - encoding, 3),
        "ocean_search_entities_seconds": round(ocean_seconds, 3),
        "ocean_search_entities_cpu_seconds": round(ocean_cpu_seconds, 3),
        "peak_rss_growth_mb": round(rss_growth, 1),
    }


def measure_counting(items: int, page_size: int) -> dict[str, Any]:
    from integration import EndpointPortAppConfig
    from selector_checks.entity_keys import entity_keys, key_program

    (config,) = EndpointPortAppConfig.parse_obj(
        mapping(mapped_resource("/items", blueprint="service"))
    ).resources
    program = key_program(config.port, config.selector.query)
    assert program is not None
    pages = [
        [item(i) for i in range(s, min(s + page_size, items))] for s in range(0, items, page_size)
    ]
    started, cpu = time.perf_counter(), time.process_time()
    keys = sum(len(entity_keys(program, page)) for page in pages)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    assert keys == items
    return {"items": items, "page_size": page_size, "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu_seconds, 3)}  # fmt: skip


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.shrink_guard", description=__doc__)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--port-latency-ms", type=float, default=0.0)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args(argv)
    read = asyncio.run(measure_port_read(args.entities, args.port_latency_ms))
    counting = measure_counting(args.entities, args.page_size)
    print(
        f"Port read: {read['entities']:,} entities in {read['port_requests']} requests "
        f"({read['port_latency_ms']:g} ms each): {read['seconds']:.2f} s wall, "
        f"{read['cpu_seconds']:.2f} s CPU (of which the mocked Port's encoding "
        f"{read['of_which_mock_encoding_cpu_seconds']:.2f} s), "
        f"peak RSS +{read['peak_rss_growth_mb']} MB (the mock keeps its responses)\n"
        f"  for scale, Ocean's search_entities of the same: "
        f"{read['ocean_search_entities_seconds']:.2f} s wall, "
        f"{read['ocean_search_entities_cpu_seconds']:.2f} s CPU\n"
        f"Counting: {counting['items']:,} items in pages of {counting['page_size']}: "
        f"{counting['seconds']:.2f} s wall, {counting['cpu_seconds']:.2f} s CPU"
    )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = ROOT / "bench" / "results" / f"shrink-guard-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    command = " ".join(["python -m bench.shrink_guard", *argv])
    out.write_text(
        json.dumps({"command": command, "port_read": read, "counting": counting}, indent=2)
    )
    print(f"Results: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
