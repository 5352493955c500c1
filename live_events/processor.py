"""Ocean's webhook processor for `POST /integration/webhook`: deliveries → raw items per resource.

Ocean (port_ocean/core/handlers/webhook/processor_manager.py) queues each delivery the gate let
through and, in a worker, with the mapping loaded: asks `get_matching_kinds`, builds one
processor per resource of those kinds, calls `authenticate`, `validate_payload`, then
`handle_event` for that resource, and maps what it returns with that resource's own mapping
(`selector.query` included: an updated item that no longer passes it is deleted) before
upserting or deleting.

Here: a resource matches when its `selector.live_events.when` holds for the envelope
`{"headers": {lower-cased}, "body": ...}`; its items come from `item`, and are deleted when
`delete_when` holds. A jq that fails on a delivery is logged with the resource and the jq,
and that resource changes nothing; so does a refetch that fails (404 aside: `refetch.py`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, cast

from loguru import logger
from port_ocean.context.event import event as ocean_event
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.handlers.webhook.abstract_webhook_processor import (
    AbstractWebhookProcessor,
)
from port_ocean.core.handlers.webhook.webhook_event import (
    EventHeaders,
    EventPayload,
    WebhookEvent,
    WebhookEventRawResults,
)

from live_events.gate import MARKER_HEADER
from live_events.overlap import record
from live_events.refetch import Refetch, RefetchFailed
from live_events.selector import LiveEventError, LiveEvents


@dataclass(frozen=True)
class Binding:
    """What one process's processor needs: the gate's marker, and how to refetch an item."""

    marker: str
    refetch: Refetch


class _LiveSelector(Protocol):
    live_events: LiveEvents | None
    headers: dict[str, str]


def live_events_of(resource: ResourceConfig) -> LiveEvents | None:
    return cast(_LiveSelector, resource.selector).live_events


def envelope(payload: EventPayload, headers: EventHeaders) -> dict[str, Any]:
    """What the jq of `live_events` sees; the gate's marker is not part of the delivery."""
    lowered = {name.lower(): value for name, value in headers.items()}
    lowered.pop(MARKER_HEADER, None)
    return {"headers": lowered, "body": payload}


def _name(resource: ResourceConfig) -> str:
    resources = ocean_event.port_app_config.resources
    index = next((i for i, r in enumerate(resources) if r is resource), None)
    return f"resources[{index}] (kind {resource.kind})" if index is not None else resource.kind


def matches(resource: ResourceConfig, delivery: dict[str, Any]) -> bool:
    """Whether `resource` takes this delivery; a failing `when` is logged and means no."""
    live = live_events_of(resource)
    if live is None:
        return False
    try:
        return live.holds("when", delivery)
    except LiveEventError as error:
        logger.error(f"live events: {_name(resource)}: {error}; this resource changes nothing")
        return False


class LiveEventsProcessor(AbstractWebhookProcessor):
    """Bound to one process by `bind` (the gate's marker, the refetch over the API client)."""

    binding: ClassVar[Binding | None] = None

    @classmethod
    def bind(cls, marker: str, refetch: Refetch) -> type[LiveEventsProcessor]:
        """A subclass for this process (Ocean instantiates the class per delivery)."""
        return type("LiveEventsProcessor", (cls,), {"binding": Binding(marker, refetch)})

    async def should_process_event(self, event: WebhookEvent) -> bool:
        return True  # every delivery the gate passed; get_matching_kinds picks the resources

    async def get_matching_kinds(self, event: WebhookEvent) -> list[str]:
        delivery = envelope(event.payload, event.headers)
        resources = ocean_event.port_app_config.resources
        kinds = list(dict.fromkeys(r.kind for r in resources if matches(r, delivery)))
        if not kinds:
            logger.debug(
                "live events: the delivery matched no resource's live_events.when "
                f"(event header: {_event_name(delivery['headers'])}); nothing changed"
            )
        return kinds

    async def authenticate(self, payload: EventPayload, headers: EventHeaders) -> bool:
        # The signature was verified by the gate; this proves the delivery came through it.
        received = headers.get(MARKER_HEADER, "").encode()
        marker = self.binding.marker.encode() if self.binding else b""
        return bool(marker) and hmac.compare_digest(received, marker)

    async def validate_payload(self, payload: EventPayload) -> bool:
        return isinstance(payload, dict)

    async def handle_event(
        self, payload: EventPayload, resource: ResourceConfig
    ) -> WebhookEventRawResults:
        results = await self._results(payload, resource)
        record(resource, results)  # applied again after a resync of the kind now running
        return results

    async def _results(
        self, payload: EventPayload, resource: ResourceConfig
    ) -> WebhookEventRawResults:
        delivery = envelope(payload, self.event.headers)
        live = live_events_of(resource)
        # Ocean hands over every resource of a matching kind; two may share a kind.
        if live is None or not matches(resource, delivery):
            return WebhookEventRawResults(updated_raw_results=[], deleted_raw_results=[])
        try:
            items = live.items(delivery)
            deleting = live.holds("delete_when", delivery)
            if live.refetch and not deleting:
                return await self._refetched(live, resource, items)
        except (LiveEventError, RefetchFailed) as error:
            logger.error(f"live events: {_name(resource)}: {error}; this resource changes nothing")
            return WebhookEventRawResults(updated_raw_results=[], deleted_raw_results=[])
        logger.info(
            f"live events: {_name(resource)}: {len(items)} item(s) to "
            + ("delete" if deleting else "upsert")
        )
        if deleting:
            return WebhookEventRawResults(updated_raw_results=[], deleted_raw_results=items)
        return WebhookEventRawResults(updated_raw_results=items, deleted_raw_results=[])

    async def _refetched(
        self, live: LiveEvents, resource: ResourceConfig, items: list[dict[str, Any]]
    ) -> WebhookEventRawResults:
        """Each item as the API has it now; a 404 deletes it (decided in refetch.py)."""
        if self.binding is None:
            raise RefetchFailed("no API client bound for refetch")
        headers = cast(_LiveSelector, resource.selector).headers
        updated, gone = [], []
        for item in items:
            fresh = await self.binding.refetch(live.refetch_path_for(item), headers)
            if fresh is None:
                gone.append(item)
            else:
                updated.append(fresh)
        logger.info(
            f"live events: {_name(resource)}: refetched {len(items)} item(s): "
            f"{len(updated)} to upsert, {len(gone)} gone upstream (404) to delete"
        )
        return WebhookEventRawResults(updated_raw_results=updated, deleted_raw_results=gone)


def _event_name(headers: dict[str, Any]) -> str:
    for name in ("x-github-event", "x-gitlab-event", "x-event-key", "x-event-type"):
        if name in headers:
            return f"{name}={headers[name]!r}"
    return "none of x-github-event, x-gitlab-event, x-event-key, x-event-type"
