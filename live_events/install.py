"""Turn live events on at start: checks, the gate on Ocean's app, the processor on its route.

Called from main.py while Ocean loads the integration, before its HTTP server starts (ASGI
middleware cannot be added later). A deployment that could not process deliveries stops here
with a message naming the setting, instead of answering 200 to deliveries nobody processes:

- `OCEAN__BASE_URL` unset under `WEBHOOKS_ONLY`: Ocean would register the route but start no
  worker for its queue (`Ocean._register_addons`), so deliveries would be acknowledged and never
  applied. Under a resync listener the process stays up with live events off and a WARNING (no
  route: 404, not a silent 200): Port's chart gives the base URL only to its live-events worker
  when that worker is enabled, and the resync deployment must still start;
- Ocean's Redis live-events consumer (`OCEAN__LIVE_EVENTS__IS_REDIS_STREAM_CONSUMER_ENABLED`):
  deliveries would reach the processor without passing this process's signature check.

An event listener that does not process webhooks (`ONCE`, `ACTIONS_ONLY`) leaves live events
off in that process, with one INFO line.
"""

from __future__ import annotations

import secrets

from loguru import logger
from port_ocean.context.ocean import ocean
from port_ocean.core.models import EventListenerType

from connection.webhook_settings import WebhookSettings
from core.errors import ConfigurationError
from live_events.gate import WEBHOOK_PATH, WebhookGate
from live_events.processor import LiveEventsProcessor
from live_events.refetch import Refetch


def install_live_events(settings: WebhookSettings, refetch: Refetch) -> bool:
    """Register `POST <prefix>/integration/webhook` when webhookSignature is set; True if so."""
    if not settings.enabled:
        logger.info("Live events: off (webhookSignature is not set)")
        return False
    app = ocean.app
    listener = app.config.event_listener
    if not listener.should_process_webhooks:
        logger.info(f"Live events: off in this process (event listener {listener.type.value})")
        return False
    if not app.base_url:
        if listener.type == EventListenerType.WEBHOOKS_ONLY:  # live events are its only job
            raise ConfigurationError(
                "webhookSignature is set (live events), but OCEAN__BASE_URL is not: Ocean "
                "starts its webhook workers only with a base URL, so deliveries would be "
                "acknowledged and never applied. Set OCEAN__BASE_URL (Helm: liveEvents.baseUrl) "
                "to the URL the sender reaches this integration at, e.g. "
                "https://ocean-custom.example.com"
            )
        logger.warning(
            "Live events: off in this process: OCEAN__BASE_URL is not set (Helm: "
            "liveEvents.baseUrl), and without it Ocean applies no delivery; deliveries here "
            "get 404. Fine when a live-events worker (WEBHOOKS_ONLY) takes them; otherwise "
            "set it."
        )
        return False
    if app.config.live_events.is_redis_stream_consumer_enabled:
        raise ConfigurationError(
            "webhookSignature is set (live events), but Ocean's Redis live-events consumer "
            "is on (OCEAN__LIVE_EVENTS__IS_REDIS_STREAM_CONSUMER_ENABLED): its deliveries "
            "would skip this integration's signature check. Turn it off."
        )
    if settings.webhook_signature == "none":
        logger.warning(
            "Live events: webhookSignature is none — deliveries to /integration/webhook are "
            "accepted UNSIGNED; anyone who can reach the URL can change your catalog"
        )
    marker = secrets.token_urlsafe(32)
    route = f"{app.route_prefix}/integration{WEBHOOK_PATH}"
    app.fast_api_app.add_middleware(WebhookGate, route=route, settings=settings, marker=marker)
    ocean.add_webhook_processor(WEBHOOK_PATH, LiveEventsProcessor.bind(marker, refetch))
    logger.info(f"Live events: {settings.describe()} (base URL {app.base_url})")
    return True
