"""The processor trusts only deliveries that came through this process's gate."""

from __future__ import annotations

from typing import Any

from port_ocean.core.handlers.webhook.webhook_event import WebhookEvent

from live_events.gate import MARKER_HEADER
from live_events.processor import LiveEventsProcessor, envelope


async def _never(_path: str, _headers: dict[str, str]) -> dict[str, Any] | None:
    raise AssertionError("no refetch expected")


def processor(headers: dict[str, str]) -> LiveEventsProcessor:
    bound = LiveEventsProcessor.bind("marker-0123456789", _never)
    return bound(WebhookEvent(trace_id="t", payload={}, headers=headers))


async def test_only_the_gate_marker_authenticates() -> None:
    assert await processor({}).authenticate({}, {MARKER_HEADER: "marker-0123456789"})
    assert not await processor({}).authenticate({}, {})
    assert not await processor({}).authenticate({}, {MARKER_HEADER: "marker-012345678"})
    unbound = LiveEventsProcessor(WebhookEvent(trace_id="t", payload={}, headers={}))
    assert not await unbound.authenticate({}, {MARKER_HEADER: ""})


def test_the_envelope_lowercases_headers_and_hides_the_marker() -> None:
    headers = {"X-GitHub-Event": "issues", MARKER_HEADER: "marker-0123456789"}
    assert envelope({"a": 1}, headers) == {
        "headers": {"x-github-event": "issues"},
        "body": {"a": 1},
    }
