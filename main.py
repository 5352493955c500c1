"""Ocean wiring: read the connection settings at start, and resync each endpoint resource."""

from __future__ import annotations

import asyncio
import os
from typing import cast

from loguru import logger
from port_ocean.context.event import event
from port_ocean.context.ocean import ocean
from port_ocean.core.ocean_types import ASYNC_GENERATOR_RESYNC_TYPE
from port_ocean.core.probe import ProbeContext

from client import ApiClient
from connection.settings import ConnectionSettings
from connection.sources import load_from_ocean
from core.redaction import Redactor, unmask_unset_settings
from fanout.engine import FanOut, FanOutPlan
from fetching.http_factory import build_http_client
from integration import EndpointResourceConfig
from live_events.install import install_live_events
from live_events.overlap import kept_during_resync
from live_events.refetch import make_refetch
from resync.probe import run_probe
from resync.read_ahead import read_ahead
from resync.scope import discovery_cache, forget_discoveries

# Parsed at import, which Ocean does at start-up: invalid settings stop the integration there,
# with a message naming the key, before any resync can run.
SETTINGS: ConnectionSettings = load_from_ocean(ocean.integration_config, os.environ)
REDACT = Redactor(SETTINGS.secrets)
unmask_unset_settings(REDACT)
logger.info(f"Ocean custom integration configured: {SETTINGS.describe()}")

_client: tuple[asyncio.AbstractEventLoop, ApiClient] | None = None


def api_client() -> ApiClient:
    """One client per event loop, created lazily (on_start hooks are not awaited by Ocean)."""
    global _client
    loop = asyncio.get_running_loop()
    if _client is None or _client[0] is not loop:
        http = build_http_client(SETTINGS, REDACT)
        _client = (loop, ApiClient(http, SETTINGS, REDACT))
    return _client[1]


# Live events (docs/live-events.md): POST /integration/webhook, when webhookSignature is set.
install_live_events(SETTINGS.webhooks, make_refetch(api_client, SETTINGS))


@ocean.on_resync()
async def resync_endpoint(kind: str) -> ASYNC_GENERATOR_RESYNC_TYPE:
    """Yield each page's items; any error propagates so Ocean deletes nothing."""
    resource = cast(EndpointResourceConfig, event.resource_config)
    endpoint = resource.endpoint(SETTINGS)
    selector = resource.selector
    # A {templated} kind or dynamic query parameters: once per discovered value (combination).
    if selector.path_parameters or selector.dynamic_query_params:
        plan = FanOutPlan.build(
            endpoint,
            SETTINGS.base_url,
            selector.path_parameters,
            selector.skip_statuses,
            selector.dynamic_query_params,
        )
        cache = discovery_cache(SETTINGS)
        limit = SETTINGS.max_concurrent_requests
        pages = FanOut(api_client(), plan, cache, limit, SETTINGS).pages()
    else:
        # The next page is fetched while Ocean maps and upserts this one (FanOut overlaps
        # already: its workers run ahead of the consumer).
        pages = read_ahead(api_client().iter_items(endpoint))
    from resync.shrink_guard import guard_shrink  # issue 14: a kind that shrank too much fails

    async with kept_during_resync(kind):  # live events meanwhile win over older pages
        async for items in guard_shrink(pages, SETTINGS):
            yield items


@ocean.on_resync_complete()
async def drop_discovered_values() -> None:
    """Discovered path-parameter values live for one resync only."""
    forget_discoveries()


@ocean.on_probe()
async def probe_connection(context: ProbeContext) -> ProbeContext:
    """`ocean probe`: base URL, credentials and each resource's first page (see resync/probe.py)."""
    return await run_probe(context, SETTINGS, REDACT)
