"""Ocean wiring: read the connection settings at start, and resync each endpoint resource."""

from __future__ import annotations

import asyncio
from typing import cast

from loguru import logger
from port_ocean.context.event import event
from port_ocean.context.ocean import ocean
from port_ocean.core.ocean_types import ASYNC_GENERATOR_RESYNC_TYPE

from client import ApiClient
from http_factory import build_http_client
from integration import EndpointResourceConfig
from redaction import Redactor
from settings import ConnectionSettings, load_settings

# Parsed at import, which Ocean does at start-up: invalid settings stop the integration there,
# with a message naming the key, before any resync can run.
SETTINGS: ConnectionSettings = load_settings(ocean.integration_config)
REDACT = Redactor(SETTINGS.secrets)
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


@ocean.on_resync()
async def resync_endpoint(kind: str) -> ASYNC_GENERATOR_RESYNC_TYPE:
    """Yield each page's items; any error propagates so Ocean deletes nothing."""
    resource = cast(EndpointResourceConfig, event.resource_config)
    async for items in api_client().iter_items(resource.endpoint(SETTINGS.base_url)):
        yield items
