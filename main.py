"""Ocean wiring: read the connection settings at start, and resync each endpoint resource."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from loguru import logger
from port_ocean.context.event import event
from port_ocean.context.ocean import ocean
from port_ocean.core.ocean_types import ASYNC_GENERATOR_RESYNC_TYPE
from port_ocean.core.probe import ProbeContext

from client import ApiClient
from connection.endpoint import Endpoint
from connection.settings import ConnectionSettings
from connection.sources import load_from_ocean
from core.errors import ConfigurationError
from core.redaction import Redactor, unmask_unset_settings
from fanout.engine import FanOut, FanOutPlan
from fetching.http_factory import RequestLimiter, build_http_client, build_limiter
from incremental.registration import serve_incremental_kinds_with
from incremental.run import IncrementalRun, current_run
from integration import EndpointResourceConfig
from live_events.install import install_live_events
from live_events.overlap import kept_during_resync
from live_events.refetch import make_refetch
from resync.kind_progress import track_kind
from resync.probe import run_probe
from resync.read_ahead import read_ahead
from resync.scope import discovery_cache, forget_discoveries
from upserts.check import fail_on_refusals


def _said_alone(error: ConfigurationError) -> None:
    """Should `error` end the process (`ocean sail` has nothing to catch it), print its
    message alone, not under a 40-line traceback through click and Ocean's loader. In-process
    callers (the preview, the test harness) catch it as usual and never reach the hook."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if value is not error:
            previous(kind, value, tb)
            return
        root = Path(__file__).resolve().parent
        sys.stderr.write(f"Ocean custom integration ({root}) cannot start: {error}\n")

    sys.excepthook = hook


# Parsed at import, which Ocean does at start-up: invalid settings stop the integration there,
# with a message naming the key, before any resync can run.
try:
    SETTINGS: ConnectionSettings = load_from_ocean(ocean.integration_config, os.environ)
except ConfigurationError as invalid:
    _said_alone(invalid)
    raise
REDACT = Redactor(SETTINGS.secrets)
unmask_unset_settings(REDACT)
logger.info(f"Ocean custom integration configured: {SETTINGS.describe()}")

_client: tuple[asyncio.AbstractEventLoop, ApiClient, RequestLimiter] | None = None


def api_client() -> ApiClient:
    """One client per event loop, created lazily (on_start hooks are not awaited by Ocean)."""
    global _client
    loop = asyncio.get_running_loop()
    if _client is None or _client[0] is not loop:
        limiter = build_limiter(SETTINGS)
        http = build_http_client(SETTINGS, REDACT, limiter=limiter)
        _client = (loop, ApiClient(http, SETTINGS, REDACT), limiter)
    return _client[1]


# Live events (docs/live-events.md): POST /integration/webhook, when webhookSignature is set.
install_live_events(SETTINGS.webhooks, make_refetch(api_client, SETTINGS.base_url))


@ocean.on_resync()
async def resync_endpoint(kind: str) -> ASYNC_GENERATOR_RESYNC_TYPE:
    """Yield each page's items; any error propagates so Ocean deletes nothing.

    Also the handler of incremental runs (registered per kind when the mapping loads,
    incremental/registration.py): Ocean's cursor is then bound, and only what changed since it
    is requested (incremental/run.py). The same code fails a kind the same way in both."""
    resource = cast(EndpointResourceConfig, event.resource_config)
    endpoint = resource.endpoint(SETTINGS)
    incremental = current_run(resource.selector.incremental)
    if incremental is not None:
        if incremental.config is None:
            logger.info(f"[{kind}] no selector.incremental: not fetched in an incremental run")
            return
        endpoint = incremental.endpoint(endpoint)
    # Port refused entities of this kind: fail it after its last batch (upserts/check.py) —
    # before the shrink guard judges counts that assume Port took them, and in an incremental
    # run before Ocean moves the kind's cursor past changes Port never took.
    pages = fail_on_refusals(_pages(kind, resource, endpoint, incremental), REDACT)
    if incremental is None:  # (an incremental run upserts only: nothing to delete or guard)
        from resync.shrink_guard import guard_shrink  # issue 14: a kind that shrank too much fails

        pages = guard_shrink(pages, SETTINGS)
    # Progress lines while the kind syncs, its summary line, and the resync's after the last.
    limiter = _client[2] if _client is not None else None
    async with kept_during_resync(kind):  # live events meanwhile win over older pages
        async for items in track_kind(kind, pages, limiter):
            yield items


def _pages(
    kind: str,
    resource: EndpointResourceConfig,
    endpoint: Endpoint,
    incremental: IncrementalRun | None,
) -> AsyncIterator[list[dict[str, Any]]]:
    selector = resource.selector
    # A {templated} kind or dynamic query parameters: once per discovered value (combination).
    if selector.path_parameters or selector.dynamic_query_params:
        plan = FanOutPlan.build(
            endpoint,
            SETTINGS.base_url,
            selector.path_parameters,
            selector.skip_statuses,
            selector.dynamic_query_params,
            discovery_pagination=SETTINGS.pagination,
        )
        cache = discovery_cache(SETTINGS)
        limit = SETTINGS.max_concurrent_requests
        cut = partial(incremental.pages, kind=kind) if incremental is not None else None
        return FanOut(api_client(), plan, cache, limit, cut).pages()
    if incremental is not None and incremental.cuts_off:  # no page read past the cutoff
        return incremental.pages(api_client().iter_items(endpoint), kind)
    # The next page is fetched while Ocean maps and upserts this one (FanOut overlaps
    # already: its workers run ahead of the consumer).
    return read_ahead(api_client().iter_items(endpoint))


# Incremental kinds run this same handler (registered when the mapping loads).
serve_incremental_kinds_with(resync_endpoint)


@ocean.on_resync_complete()
async def drop_discovered_values() -> None:
    """Discovered path-parameter values live for one resync only."""
    forget_discoveries()


@ocean.on_probe()
async def probe_connection(context: ProbeContext) -> ProbeContext:
    """`ocean probe`: base URL, credentials and each resource's first page (see resync/probe.py)."""
    return await run_probe(context, SETTINGS, REDACT)
