"""Requests that got no response (a refused connection, a timeout): the preview's text report and
the probe's checks say so with the reason, never a traceback (issue 22, item 3)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import yaml

from connection.settings import load_settings
from core.redaction import Redactor
from resync.probe import CONNECTION, run_checks
from sample_api.server import FakeApi, Reply
from tests.preview_kit import TOKEN, port_resource
from tests.test_preview import PYTHON, run_cli

SECRET = "cl13nt-s3cr3t-" + "x9" * 12


def closed_port() -> int:
    """A loopback port nothing listens on: a connection to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def preview(tmp_path: Path, settings: dict[str, Any]) -> tuple[int, str, str]:
    (tmp_path / "s.yml").write_text(yaml.safe_dump({"maxRetries": 0, **settings}))
    config = {"resources": [port_resource("/items", ".items")]}
    (tmp_path / "c.yml").write_text(yaml.safe_dump(config))
    arguments = ["--settings", str(tmp_path / "s.yml"), "--config", str(tmp_path / "c.yml")]
    done = run_cli([PYTHON, "-m", "preview", *arguments])
    return done.returncode, done.stdout, done.stderr


def assert_reported(code: int, out: str, err: str, request: str) -> None:
    assert "Traceback" not in out + err, err[-3000:]
    assert code == 1, err[-3000:]
    assert f"{request} → no response" in out
    assert "Some resources FAILED" in out


def test_unreachable_base_url_is_a_message(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/api"
    code, out, err = preview(tmp_path, {"baseUrl": url, "apiToken": TOKEN})
    assert_reported(code, out, err, f"GET {url}/items")
    assert "ConnectError" in out and "Check baseUrl" in out


def test_unreachable_token_endpoint_is_a_message(tmp_path: Path) -> None:
    token_url = f"http://127.0.0.1:{closed_port()}/oauth/token"
    settings = {
        "baseUrl": f"http://127.0.0.1:{closed_port()}/api",
        "authType": "oauth2_client_credentials",
        "oauthTokenUrl": token_url,
        "oauthClientId": "client",
        "oauthClientSecret": SECRET,
    }
    code, out, err = preview(tmp_path, settings)
    assert_reported(code, out, err, f"POST {token_url}")
    # The error names the token call that got no response, not only the page it was for.
    assert f"while sending POST {token_url} for it, failed: ConnectError" in out
    assert "Check the token or login endpoint (oauthTokenUrl" in out
    assert SECRET not in out + err


def test_a_request_that_timed_out_is_a_message(api: FakeApi, tmp_path: Path) -> None:
    api.route("GET", "/api/items", lambda _r: Reply(json_body={"items": []}, delay=3))
    code, out, err = preview(tmp_path, {"baseUrl": api.url + "/api", "timeout": 1})
    assert_reported(code, out, err, f"GET {api.url}/api/items")
    assert "timed out (timeout=1s, which bounds connecting, the headers and the whole body)" in out


async def test_probe_of_an_unreachable_api_is_a_failed_check() -> None:
    settings = load_settings({"base_url": f"http://127.0.0.1:{closed_port()}"})
    (check,) = await run_checks(settings, Redactor([]), [], inside_ocean=False)
    assert (check.name, check.ok) == (CONNECTION, False)
    assert "ConnectError" in check.message and "reachable" in check.message


async def test_probe_of_a_resource_that_times_out_is_a_failed_check(api: FakeApi) -> None:
    from integration import EndpointPortAppConfig

    api.route("GET", "/", lambda _r: Reply(json_body={}))
    api.route("GET", "/slow", lambda _r: Reply(json_body=[], delay=3))
    settings = load_settings({"base_url": api.url, "timeout": 1})
    config = EndpointPortAppConfig.parse_obj({"resources": [port_resource("/slow", ".")]})
    first, slow = await run_checks(
        settings, Redactor([]), list(config.resources), inside_ocean=False
    )
    assert first.ok and not slow.ok
    assert "timed out" in slow.message
