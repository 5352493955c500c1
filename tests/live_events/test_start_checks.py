"""What stops the start, what only warns, and the jq checks when the mapping loads.

The start-up checks run where Ocean runs them: while it imports main.py (`build_app` does what
`ocean sail` does up to serving). The mapping checks go through Ocean's entry point for the
port-app-config (`EndpointPortAppConfig.parse_obj`).
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic.v1 import ValidationError

from core.errors import ConfigurationError
from integration import EndpointPortAppConfig
from tests.fake_port import FakePort
from tests.live_events.kit import SECRET, build_app, free_port
from tests.log_capture import captured_logs
from tests.ocean_run import mapping, resource

API = {"base_url": "http://127.0.0.1:9"}


def _routes(app: Any) -> set[str]:
    """The routes Ocean mounts under /integration."""
    return {"/integration" + getattr(route, "path", "") for route in app.integration_router.routes}


def test_webhooks_without_a_secret_stop_the_start() -> None:
    with FakePort(mapping()) as port, pytest.raises(ConfigurationError) as caught:
        build_app(port, free_port(), {**API, "webhook_signature": "github"}, "WEBHOOKS_ONLY")
    assert "webhookSignature 'github' needs webhookSecret" in str(caught.value)


def test_a_missing_base_url_stops_the_start() -> None:
    config = {**API, "webhook_signature": "github", "webhook_secret": SECRET}
    with FakePort(mapping()) as port, pytest.raises(ConfigurationError) as caught:
        build_app(port, free_port(), config, "WEBHOOKS_ONLY", with_base_url=False)
    assert "OCEAN__BASE_URL is not" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_resync_process_without_base_url_starts_with_live_events_off() -> None:
    """As Port's chart runs the resync deployment beside its live-events worker."""
    config = {**API, "webhook_signature": "github", "webhook_secret": SECRET}
    with captured_logs() as lines, FakePort(mapping()) as port:
        app = build_app(port, free_port(), config, "POLLING", with_base_url=False)
    assert "/integration/webhook" not in _routes(app)
    assert any("WARNING" in line and "OCEAN__BASE_URL is not set" in line for line in lines)


def test_signature_none_is_a_warning_and_registers_the_route() -> None:
    with captured_logs() as lines, FakePort(mapping()) as port:
        app = build_app(port, free_port(), {**API, "webhook_signature": "none"}, "POLLING")
    assert any("WARNING" in line and "accepted UNSIGNED" in line for line in lines)
    assert "/integration/webhook" in _routes(app)


@pytest.mark.parametrize(
    ("config", "listener"),
    [
        pytest.param(API, "POLLING", id="webhookSignature-unset"),
        pytest.param({**API, "webhook_signature": "github", "webhook_secret": SECRET}, "ONCE"),
    ],
)
def test_live_events_stay_off(config: dict[str, Any], listener: str) -> None:
    with captured_logs() as lines, FakePort(mapping()) as port:
        app = build_app(port, free_port(), config, listener)
    assert "/integration/webhook" not in _routes(app)
    assert any("Live events: off" in line for line in lines)


LIVE = {"when": "true", "item": ".body"}


@pytest.mark.parametrize(
    ("live_events", "key"),
    [
        ({**LIVE, "when": '.headers["x-github-event" == "issues"'}, "live_events.when"),
        ({**LIVE, "item": ".body.issue[)"}, "live_events.item"),
        ({**LIVE, "delete_when": ".body.action =="}, "live_events.delete_when"),
        (
            {**LIVE, "refetch": True, "refetch_path": "/issues/{.number | }"},
            "live_events.refetch_path",
        ),
        ({**LIVE, "refetch": True}, "live_events"),
        ({**LIVE, "refetch_path": "/issues/{.number}"}, "live_events"),
        ({**LIVE, "wehn": "true"}, "live_events.wehn"),
    ],
    ids=["when", "item", "delete_when", "refetch_path", "no-path", "no-refetch", "unknown-key"],
)
def test_mapping_load_refuses_a_broken_live_events(live_events: dict[str, Any], key: str) -> None:
    config = mapping(resource("/issues", live_events=live_events))
    with pytest.raises(ValidationError) as caught:
        EndpointPortAppConfig.parse_obj(config)
    assert f"resources[0].selector.{key}" in str(caught.value)


def test_mapping_load_accepts_the_issue_example() -> None:
    live_events = {
        "when": '.headers["x-github-event"] == "issues"',
        "item": ".body.issue",
        "delete_when": '.body.action == "deleted"',
        "refetch": False,
    }
    parsed = EndpointPortAppConfig.parse_obj(mapping(resource("/issues", live_events=live_events)))
    selector: Any = parsed.resources[0].selector
    assert selector.live_events.item == ".body.issue"
