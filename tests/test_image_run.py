"""Run the real `ocean sail` process from exactly the files the image would hold.

The build context (`.dockerignore` applied) is laid out as the image's /app; this checkout's
virtualenv stands in for /app/.venv (both come from requirements/runtime.lock) and is put first
on PATH, as the image's ENV does. Port and the API are loopback servers. The three runs go in
parallel to keep the suite fast.
"""

from __future__ import annotations

import os
import signal
import subprocess
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sample_api.server import FakeApi, Received, Reply
from tests.conftest import ROOT
from tests.fake_port import FakePort
from tests.image import build_context
from tests.ocean_run import entity, mapping, resource
from tests.sail_once import free_port, port_env

USERS = [{"id": 1, "name": "ada"}, {"id": 2, "name": "grace"}]
# What Port already holds: the two users and one entity the API no longer has. (Ocean skips
# deleting when more than 90 % of the existing entities would go, so stale must be a minority.)
EXISTING = [entity("1"), entity("2"), entity("stale-1")]


@dataclass
class Run:
    returncode: int
    output: str
    port: FakePort | None = None
    api: FakeApi | None = None


def _env(home: Path, port_url: str, api_url: str, **extra: str) -> dict[str, str]:
    return {
        **port_env(home, port_url),
        "OCEAN__INTEGRATION__CONFIG__BASE_URL": api_url,
        "OCEAN__INTEGRATION__CONFIG__MAX_RETRIES": "0",
        **extra,
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    app = build_context(tmp_path_factory.mktemp("image") / "app")
    home = tmp_path_factory.mktemp("home")
    with (
        FakeApi() as good_api,
        FakeApi() as bad_api,
        FakeApi() as basic_api,
        FakeApi() as login_api,
        FakePort(mapping(resource("/users")), existing=EXISTING) as good_port,
        FakePort(mapping(resource("/users")), existing=EXISTING) as bad_port,
        FakePort(mapping(resource("/users")), existing=EXISTING) as typo_port,
        FakePort(mapping(resource("/users")), existing=EXISTING) as secrets_port,
        FakePort(mapping(resource("/users")), existing=EXISTING) as login_port,
    ):
        good_api.json_route("/users", USERS)
        bad_api.route("GET", "/users", lambda _request: Reply(500, {"error": "down"}))
        basic_api.route("GET", "/users", _basic_only(USERS))
        _serve_login(login_api)
        commands: dict[str, tuple[list[str], dict[str, str], FakePort | None, FakeApi | None]] = {
            "ok": (
                ["scripts/sail-once.sh", "-p", str(free_port())],
                _env(home, good_port.url, good_api.url),
                good_port,
                good_api,
            ),
            "failed": (
                ["scripts/sail-once.sh", "-p", str(free_port())],
                _env(home, bad_port.url, bad_api.url),
                bad_port,
                bad_api,
            ),
            # Port's docker commands for Cursor and others: credentials as SECRETS__ variables,
            # which port-ocean itself does not read.
            "secrets_env": (
                ["scripts/sail-once.sh", "-p", str(free_port())],
                _env(home, secrets_port.url, basic_api.url, **SECRETS_ENV),
                secrets_port,
                basic_api,
            ),
            # Port's custom-authentication page: `--set-json integration.config.customAuthRequest`;
            # the chart's ConfigMap prints that map as Go text, not JSON.
            "helm_maps": (
                ["scripts/sail-once.sh", "-p", str(free_port())],
                _env(home, login_port.url, login_api.url, **HELM_MAP_ENV),
                login_port,
                login_api,
            ),
            # A misspelt variable, dropped by Ocean's config model: without the check, this
            # installation would sync unpaginated and Ocean would delete the rest.
            "misspelt": (
                ["scripts/sail-once.sh", "-p", str(free_port())],
                _env(home, typo_port.url, good_api.url, **MISSPELT_ENV),
                typo_port,
                good_api,
            ),
            # Port unreachable: Ocean retries its token call forever; the wrapper bounds it.
            "port_unreachable": (
                ["scripts/sail-once.sh", "-p", str(free_port())],
                _env(
                    home, f"http://127.0.0.1:{free_port()}", good_api.url, SAIL_ONCE_PORT_WAIT="5"
                ),
                None,
                None,
            ),
            # The image's own entry point, with a setting our code rejects.
            "bad_settings": (
                ["ocean", "sail", "-p", str(free_port())],
                _env(home, "http://127.0.0.1:9", "ftp://api.example.com", **_once()),
                None,
                None,
            ),
        }
        started = {
            name: subprocess.Popen(
                argv,
                cwd=app,
                env=env,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # the wrapper's ocean and tee die with it, below
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for name, (argv, env, _port, _api) in commands.items()
        }
        results: dict[str, Run] = {}
        try:
            for name, process in started.items():
                output, _ = process.communicate(timeout=90)
                *_command, port, api = commands[name]
                results[name] = Run(process.returncode, output, port, api)
        finally:
            for process in started.values():
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        yield results


BASIC_USER = "api-user@example.com"
BASIC_PASSWORD = "s3cret-basic-password-0123456789abcdef"
SECRETS_ENV = {
    "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE": "basic",
    "OCEAN__INTEGRATION__SECRETS__USERNAME": BASIC_USER,
    "OCEAN__INTEGRATION__SECRETS__PASSWORD": BASIC_PASSWORD,
}
LOGIN_SECRET = "client-secret-" + "0123456789abcdef" * 2
ISSUED_TOKEN = "issued-token-" + "fedcba9876543210" * 2
# As the chart's ConfigMap writes `--set-json` maps: sprig's quote, i.e. Go's %v.
HELM_MAP_ENV = {
    "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE": "custom",
    "OCEAN__INTEGRATION__CONFIG__CUSTOM_AUTH_REQUEST": (
        f"map[bodyForm:grant_type=client_credentials&client_id=my-client&client_secret="
        f"{LOGIN_SECRET} endpoint:/oauth/token headers:map[Content-Type:"
        "application/x-www-form-urlencoded] method:POST reauthenticateIntervalSeconds:3600]"
    ),
    "OCEAN__INTEGRATION__CONFIG__CUSTOM_AUTH_REQUEST_TEMPLATE": (
        "map[headers:map[Authorization:Bearer {{.access_token}}]]"
    ),
}
MISSPELT_ENV = {"OCEAN__INTEGRATION__CONFIG__PAGINATON_TYPE": "header_link"}


def _basic_only(items: list[dict[str, Any]]) -> Any:
    expected = "Basic " + b64encode(f"{BASIC_USER}:{BASIC_PASSWORD}".encode()).decode()

    def handler(request: Received) -> Reply:
        if request.headers.get("authorization") != expected:
            return Reply(401, {"error": "unauthorized"})
        return Reply(json_body=items)

    return handler


def _serve_login(api: FakeApi) -> None:
    def token(request: Received) -> Reply:
        if f"client_secret={LOGIN_SECRET}" not in request.body.decode():
            return Reply(401, {"error": "invalid_client"})
        return Reply(json_body={"access_token": ISSUED_TOKEN, "expires_in": 3600})

    def users(request: Received) -> Reply:
        if request.headers.get("authorization") != f"Bearer {ISSUED_TOKEN}":
            return Reply(401, {"error": "unauthorized"})
        return Reply(json_body=USERS)

    api.route("POST", "/oauth/token", token)
    api.route("GET", "/users", users)


def _once() -> dict[str, str]:
    return {"OCEAN__EVENT_LISTENER__TYPE": "ONCE"}


def _states(run: Run) -> list[Any]:
    assert run.port is not None
    return [state["status"] for state in run.port.resync_states]


def test_a_finished_resync_upserts_deletes_stale_and_exits_0(runs: dict[str, Run]) -> None:
    run = runs["ok"]
    assert run.returncode == 0, run.output[-3000:]
    assert run.port is not None
    assert sorted(e["identifier"] for e in run.port.upserted) == ["1", "2"]
    assert [e["identifier"] for e in run.port.deleted] == ["stale-1"]
    assert _states(run)[-1] == "completed"
    assert "Resync finished successfully" in run.output
    assert "sail-once: resync finished successfully" in run.output


def test_a_failed_resync_deletes_nothing_and_the_wrapper_exits_1(runs: dict[str, Run]) -> None:
    run = runs["failed"]
    # `ocean sail --once` itself exited 0; only the log and Port's resync state tell.
    assert "sail-once: ocean sail exited 0, but the resync FAILED" in run.output, run.output[-3000:]
    assert run.returncode == 1
    assert run.port is not None and run.port.deleted == []
    assert _states(run)[-1] == "failed"
    assert "Resync failed with 1 errors, skipping delete phase" in run.output


def test_image_entry_point_loads_our_settings_from_the_image_files(runs: dict[str, Run]) -> None:
    run = runs["bad_settings"]
    assert run.returncode == 1
    assert "baseUrl: expected an absolute http(s) URL" in run.output
    assert "Traceback" not in run.output  # the message alone (issue 22 item 4)
    # Our modules were imported from the laid-out /app, not from this checkout.
    assert f"({ROOT}) cannot start" not in run.output
    assert os.sep + "app) cannot start: Invalid connection settings" in run.output


def test_credentials_given_as_secrets_variables_reach_the_api(runs: dict[str, Run]) -> None:
    run = runs["secrets_env"]
    assert run.returncode == 0, run.output[-3000:]
    assert run.port is not None
    assert sorted(e["identifier"] for e in run.port.upserted) == ["1", "2"]
    assert [e["identifier"] for e in run.port.deleted] == ["stale-1"]
    assert BASIC_PASSWORD not in run.output


def test_a_misspelt_setting_variable_stops_at_start_and_deletes_nothing(
    runs: dict[str, Run],
) -> None:
    run = runs["misspelt"]
    assert run.returncode == 1, run.output[-3000:]
    assert "OCEAN__INTEGRATION__CONFIG__PAGINATON_TYPE: not a setting of this integration" in (
        run.output
    )
    assert "did you mean paginationType?" in run.output
    # The did-you-mean comes alone, not after a traceback through `ocean sail` (issue 22).
    assert "Traceback" not in run.output
    assert run.port is not None and run.port.deleted == [] and run.port.upserted == []


def test_port_unreachable_ends_the_run_once_wrapper_with_exit_1(runs: dict[str, Run]) -> None:
    """`make run-once` with Port down used to run forever (issue 22 item 5)."""
    run = runs["port_unreachable"]
    assert run.returncode == 1, run.output[-3000:]
    assert "/v1/auth/access_token failed" in run.output  # Ocean's own retries, passed through
    assert "sail-once: Port's API at http://127.0.0.1:" in run.output
    assert "did not answer Ocean's token call for 5s; stopped ocean sail" in run.output


def test_object_settings_written_by_the_helm_chart_as_go_map_text_work(
    runs: dict[str, Run],
) -> None:
    run = runs["helm_maps"]
    assert run.returncode == 0, run.output[-3000:]
    assert run.port is not None
    assert sorted(e["identifier"] for e in run.port.upserted) == ["1", "2"]
    assert LOGIN_SECRET not in run.output and ISSUED_TOKEN not in run.output
