"""The real Ocean app serving HTTP on loopback, with Port on loopback too (tests/fake_port.py).

`running_ocean` does what `ocean sail` does (`port_ocean.run.run`): build Ocean's app from the
spec and the configuration, import main.py, and serve the app with uvicorn — with its lifespan,
so Ocean starts the integration and its webhook workers — except that it binds 127.0.0.1 (Ocean
binds 0.0.0.0) and runs in a thread of this process, so the tests can capture every log line.
"""

from __future__ import annotations

import hashlib
import hmac
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from port_ocean.bootstrap import create_default_app
from port_ocean.config.dynamic import default_config_factory
from port_ocean.ocean import Ocean
from port_ocean.utils.misc import get_spec_file, load_module

from tests.conftest import ROOT
from tests.fake_port import FakePort

SECRET = "whsec-live-events-test-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _reset_ocean() -> None:
    """As port_ocean.integration_testing's harness: a fresh Ocean context and signal handler."""
    import port_ocean.context.ocean as ocean_context
    import port_ocean.utils.signal as signals

    ocean_context._port_ocean = ocean_context.PortOceanContext(None)
    if signals._signal_handler.top is None:
        signals._signal_handler.push(signals.SignalHandler())


def build_app(
    port: FakePort, listen: int, config: dict[str, Any], listener: str, with_base_url: bool = True
) -> Ocean:
    """Ocean's app as `ocean sail` builds it, main.py imported; `with_base_url`: OCEAN__BASE_URL."""
    _reset_ocean()
    spec = get_spec_file(ROOT) or {}
    factory = default_config_factory(spec.get("configurations", []))
    overrides = {
        "port": {
            "client_id": "dummy-client-id",
            "client_secret": "dummy-client-secret-0123456789",
            "base_url": port.url,
        },
        "event_listener": {"type": listener},
        "integration": {"identifier": "my-custom-integration", "type": "custom", "config": config},
        "initialize_port_resources": False,
        "base_url": f"http://127.0.0.1:{listen}" if with_base_url else None,
        "send_raw_data_examples": False,
    }
    app = create_default_app(str(ROOT), factory, overrides)
    load_module(str(ROOT / "main.py"))  # registers the handlers and the live-events route
    return app


@contextmanager
def running_ocean(
    port: FakePort, config: dict[str, Any], listener: str = "WEBHOOKS_ONLY"
) -> Iterator[str]:
    """Serve Ocean on 127.0.0.1 until the block ends; yields its URL."""
    listen = free_port()
    servers: list[uvicorn.Server] = []

    def serve() -> None:
        # Ocean's signal handler lives in a context-local stack: set it up in this thread.
        app = build_app(port, listen, config, listener)
        servers.append(
            uvicorn.Server(
                uvicorn.Config(
                    app, host="127.0.0.1", port=listen, lifespan="on", log_level="warning"
                )
            )
        )
        servers[0].run()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listen}"
    try:
        wait_for(lambda: _ready(url, thread), "Ocean's HTTP server to answer", timeout=60)
        yield url
    finally:
        if servers:
            servers[0].should_exit = True
        thread.join(timeout=30)


def _ready(url: str, thread: threading.Thread) -> bool:
    if not thread.is_alive():
        raise AssertionError("Ocean stopped while starting; its log says why")
    try:
        return httpx.get(f"{url}/health/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Poll until `condition` holds; a generous bound, never a timing assert."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.1)


def github_signature(body: bytes, secret: str = SECRET) -> str:
    """X-Hub-Signature-256 as GitHub computes it (docs.github.com, validating deliveries)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def stripe_signature(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    """Stripe-Signature as Stripe computes it (docs.stripe.com/webhooks#verify-manually)."""
    signed = f"{timestamp}.".encode() + body
    return f"t={timestamp},v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def slack_signature(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    """X-Slack-Signature (api.slack.com/authentication/verifying-requests-from-slack)."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
