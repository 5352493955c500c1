"""Full resyncs through the real Ocean app (`port_ocean.integration_testing`, Port mocked
in-process): our `main.py` handler, Ocean's JQ mapping, and the upserts to the mocked Port.

Only `trigger_resync()` is timed, not the app's boot. "From memory" runs the same pipeline with
the resync handler swapped, after boot, for one that yields the same pages from memory —
Ocean's own cost with a free upstream. Nothing in `main.py` is changed for it. The pages are
kept encoded and decoded as they are yielded (~0.2 ms a page): holding every page decoded
would make the process larger than a real resync's, and Ocean forks a process pool for every
batch it maps, which costs more the larger the process is.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from bench.catalog import fan_out_memory_pages, memory_pages
from bench.fetch_runs import FAN_OUT_SETTINGS, connection
from bench.job import Job, Skipped
from bench.styles import STYLES
from tests.conftest import ROOT  # chdir to the integration root, clean OCEAN__* env
from tests.ocean_run import mapping, resource

# A realistic mapping: each property is one more JQ evaluation per entity.
PROPERTIES = {
    "status": ".status",
    "team": ".owner.team",
    "email": ".owner.email",
    "region": ".tags[2]",
    "score": ".score",
    "url": ".url",
}
Pages = list[bytes]  # encoded JSON arrays


def _config(raw: dict[str, Any]) -> dict[str, Any]:
    # Ocean's config model types the spec's scalars as strings, as env vars deliver them.
    return {key: value if isinstance(value, dict) else str(value) for key, value in raw.items()}


async def timed_resync(
    job: Job, raw_config: dict[str, Any], app_config: dict[str, Any], pages: Pages | None = None
) -> tuple[int, list[float]]:
    """Entities upserted and the seconds of each `trigger_resync` round (`job.repeat` of them,
    on the app booted once); raises when a resync failed."""
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=app_config,
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={
            "integration": {"identifier": "bench", "type": "custom", "config": _config(raw_config)},
            **job.ocean,
        },
    )
    await harness.start()
    try:
        if pages is not None:
            _serve_from_memory(pages)
        rounds = []
        for _ in range(max(1, job.repeat)):
            started = time.perf_counter()
            result = await harness.trigger_resync()
            rounds.append(time.perf_counter() - started)
            if result.errors:
                raise RuntimeError(f"resync failed: {result.errors[0]!r}")
    finally:
        await harness.shutdown()
    return len(result.upserted_entities), rounds


def _serve_from_memory(pages: Pages) -> None:
    from port_ocean.context.ocean import ocean

    async def from_memory(kind: str) -> AsyncIterator[list[dict[str, Any]]]:
        for page in pages:
            yield json.loads(page)

    ocean.integration.event_strategy.resync.clear()  # main.py's handler, registered at boot
    ocean.on_resync()(from_memory)


def style_app_config(job: Job) -> dict[str, Any]:
    style = STYLES[job.style]
    return mapping(resource(style.path, data_path=style.data_path, properties=PROPERTIES))


async def resync(job: Job) -> tuple[int, list[float]]:
    style = STYLES[job.style]
    return await timed_resync(job, connection(job, style.settings), style_app_config(job))


async def resync_from_memory(job: Job) -> tuple[int, list[float]]:
    pages = memory_pages(job.items, job.page_size)
    style = STYLES[job.style]
    return await timed_resync(job, connection(job, style.settings), style_app_config(job), pages)


def fan_out_app_config() -> dict[str, Any]:
    """`/parents/{parent_id}/children` with `path_parameters`, as the public docs write it."""
    from selector_checks.endpoint_selector import EndpointSelector

    if "path_parameters" not in EndpointSelector.__fields__:
        raise Skipped("selector.path_parameters is not implemented in this checkout")
    parent = {"endpoint": "/parents", "data_path": ".data", "field": ".id"}
    return mapping(
        resource(
            "/parents/{parent_id}/children",
            data_path=".data",
            properties={**PROPERTIES, "parent": ".__parent_id"},
            path_parameters={"parent_id": parent},
        )
    )


async def resync_fan_out(job: Job) -> tuple[int, list[float]]:
    return await timed_resync(job, connection(job, FAN_OUT_SETTINGS), fan_out_app_config())


async def resync_fan_out_from_memory(job: Job) -> tuple[int, list[float]]:
    """The same mapping and the same child items (each with its `__parent_id`), yielded from
    memory in batches of pageSize items: Ocean's own cost of this resync with a free API."""
    pages = fan_out_memory_pages(job.parents, job.children, job.page_size)
    return await timed_resync(job, connection(job, FAN_OUT_SETTINGS), fan_out_app_config(), pages)
