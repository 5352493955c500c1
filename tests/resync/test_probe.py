"""`ocean probe` with the integration's `@ocean.on_probe()` handler: real `ocean probe` runs in
the project directory against a loopback API, plus the checks in process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from port_ocean.context.event import EventType, event_context
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from connection.settings import load_settings
from core.errors import ConfigurationError
from core.redaction import Redactor
from integration import EndpointPortAppConfig, EndpointResourceConfig
from resync.probe import MAPPING_ENV, probe_resources, probe_settings, run_checks
from sample_api.catalog import PREFIX, serve_catalog
from sample_api.server import FakeApi, Received, Reply
from tests.conftest import ROOT

TOKEN = "tok-" + "pr0b3" * 10
WRONG = "wrong-" + "t0k3n" * 10
SAMPLE_MAPPING = ROOT / "sample_api" / "port-app-config.yml"


def ocean_probe(
    base_url: str, token: str, mapping: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCEAN__")}
    env.pop(MAPPING_ENV, None)
    env.update(
        {
            "OCEAN__PORT__CLIENT_ID": "probe-test-client-id-0123456789",
            "OCEAN__PORT__CLIENT_SECRET": "probe-test-client-secret-0123456789",
            "OCEAN__PORT__BASE_URL": "http://127.0.0.1:9",  # never called in log mode
            "OCEAN__INTEGRATION__IDENTIFIER": "probe-test",
            "OCEAN__CACHING_STORAGE_MODE": "memory",
            "OCEAN__INTEGRATION__CONFIG__BASE_URL": base_url,
            "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE": "bearer_token",
            "OCEAN__INTEGRATION__CONFIG__API_TOKEN": token,
            "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE": "offset",
            # The installation's own budget is long; the probe must not use it.
            "OCEAN__INTEGRATION__CONFIG__MAX_RETRIES": "10",
            "OCEAN__INTEGRATION__CONFIG__TIMEOUT": "120",
        }
    )
    if mapping is not None:
        env[MAPPING_ENV] = str(mapping)
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ocean"), "probe", "--reporting-mode", "log"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,  # bounds "finishes, not hung"; a healthy run takes a few seconds
    )


def test_reachable_api_with_good_token_passes(api: FakeApi) -> None:
    serve_catalog(api, token=TOKEN)
    done = ocean_probe(api.url + PREFIX, TOKEN, SAMPLE_MAPPING)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "Connection probe: all checks passed" in output
    for kind in ("/teams", "/services", "/incidents"):
        assert f"ok {kind}: first page loaded" in output
    assert TOKEN not in output
    # One request per resource, plus the base URL: first pages only.
    assert len(api.received) == 4


def test_wrong_token_fails_in_seconds(api: FakeApi) -> None:
    serve_catalog(api, token=TOKEN)
    done = ocean_probe(api.url + PREFIX, WRONG, SAMPLE_MAPPING)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Probe failed: Connection probe: 3 of 4 checks failed" in output
    assert "returned 401: the API rejected the credentials" in output
    assert WRONG not in output and TOKEN not in output
    assert len(api.received) == 4  # a 401 is not retried


def test_wrong_token_without_a_mapping_fails_when_the_base_url_wants_auth(api: FakeApi) -> None:
    def root(request: Received) -> Reply:
        accepted = request.headers.get("authorization") == f"Bearer {TOKEN}"
        return Reply(200 if accepted else 401, {})

    api.route("GET", "/api", root)
    done = ocean_probe(api.url + "/api", WRONG)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "answered 401: the credentials were rejected" in output
    good = ocean_probe(api.url + "/api", TOKEN)
    assert good.returncode == 0, (good.stdout + good.stderr)[-3000:]
    assert "resources not checked: a local probe has no mapping" in good.stdout + good.stderr


def test_unreachable_host_fails_fast(api: FakeApi) -> None:
    base_url = api.url + "/api"
    api.stop()  # nothing listens on that port any more
    done = ocean_probe(base_url, TOKEN)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "Connection probe: 1 of 1 checks failed" in output
    assert "ConnectError" in output


# --- in process -----------------------------------------------------------------------------------


def test_probe_budget_is_short_and_leaves_the_installation_alone() -> None:
    settings = load_settings({"base_url": "https://api.example.com", "max_retries": "10"})
    short = probe_settings(settings)
    assert (short.max_retries, short.max_retry_wait, short.timeout, short.pagination.max_pages) == (
        1,
        5.0,
        10.0,
        1,
    )
    assert settings.max_retries == 10 and short.base_url == settings.base_url


async def test_a_failing_server_gets_one_retry_not_ten(api: FakeApi) -> None:
    api.route("GET", "/api/items", lambda _r: Reply(503, {"error": "down"}))
    api.json_route("/api", {})
    settings = load_settings({"base_url": api.url + "/api", "max_retries": "10"})
    resources = _resources({"kind": "/items", "selector": {"query": "true"}})
    checks = await run_checks(settings, Redactor(), resources, inside_ocean=False)
    assert [check.ok for check in checks] == [True, False]
    assert "returned 503" in checks[1].message
    assert len(api.requests_to("/api/items")) == 2


async def test_a_resource_with_its_own_pagination_is_probed_with_it_and_one_page(
    api: FakeApi,
) -> None:
    """Its own pagination replaces maxPages too; the probe's one-page cap still holds (an API
    sending empty pages with ever-new cursors would otherwise be walked 100000 times)."""

    def events(request: Received) -> Reply:
        after = int(request.query.get("cursor", "0"))
        return Reply(json_body={"events": [], "next": str(after + 1)})

    api.json_route("/api", {})
    api.route("GET", "/api/events", events)
    own = {"paginationType": "cursor", "cursorPath": "next"}
    selector = {"query": "true", "data_path": ".events", "pagination": own}
    resources = _resources({"kind": "/events", "selector": selector})
    settings = load_settings({"base_url": api.url + "/api", "pagination_type": "offset"})
    checks = await run_checks(settings, Redactor(), resources, inside_ocean=False)
    assert checks[1].ok and checks[1].message == "first page loaded: no items, more pages announced"
    assert [r.raw_query for r in api.requests_to("/api/events")] == ["limit=100"]


async def test_a_templated_kind_probes_its_discovery_endpoint(api: FakeApi) -> None:
    api.json_route("/api", {})
    api.json_route("/api/tickets", {"tickets": [{"id": 7}]})
    selector = {
        "query": "true",
        "path_parameters": {
            "ticket_id": {"endpoint": "/tickets", "data_path": ".tickets", "field": ".id"}
        },
    }
    resources = _resources({"kind": "/tickets/{ticket_id}/comments", "selector": selector})
    settings = load_settings({"base_url": api.url + "/api"})
    checks = await run_checks(settings, Redactor(), resources, inside_ocean=False)
    assert [c.name for c in checks][1] == (
        "/tickets/{ticket_id}/comments (selector.path_parameters.ticket_id)"
    )
    assert checks[1].ok and checks[1].message == "first page loaded: 1 items"
    assert [r.path for r in api.received] == ["/api", "/api/tickets"]


async def test_mapping_file_is_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "mapping.yml"
    bad.write_text(yaml.safe_dump({"resources": [{"kind": "/x", "selector": {"query": ".a =="}}]}))
    monkeypatch.setenv(MAPPING_ENV, str(bad))
    with pytest.raises(ConfigurationError, match=r"resources\[0\]\.selector\.query"):
        await probe_resources("log")
    monkeypatch.setenv(MAPPING_ENV, str(SAMPLE_MAPPING))
    resources, note = await probe_resources("log")
    assert [r.kind for r in resources or []] == ["/teams", "/services", "/incidents"]
    assert note == f"resources from {SAMPLE_MAPPING}"


def _resources(*resources: dict[str, object]) -> list[EndpointResourceConfig]:
    port = {"entity": {"mappings": {"identifier": ".id", "blueprint": '"x"'}}}
    config = EndpointPortAppConfig.parse_obj(
        {"resources": [{**r, "port": port} for r in resources]}
    )
    return list(config.resources)


async def test_a_probe_requested_by_port_reads_the_mapping_from_port(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `--reporting-mode port` the mapping lives in Port: read through Ocean's own
    port-app-config handler (Port mocked by the integration_testing harness here)."""
    monkeypatch.delenv(MAPPING_ENV, raising=False)
    mapping = yaml.safe_load(SAMPLE_MAPPING.read_text())
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping,
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={
            "integration": {"identifier": "t", "type": "custom", "config": {"base_url": api.url}}
        },
    )
    try:  # shut down even when the start fails: the harness patches globals
        await harness.start()
        # `ocean probe` runs the handler inside an ON_PROBE event, as here.
        async with event_context(EventType.ON_PROBE, trigger_type="machine"):
            resources, note = await probe_resources("port")
    finally:
        await harness.shutdown()
    assert [r.kind for r in resources or []] == ["/teams", "/services", "/incidents"]
    assert note == "resources from the mapping in Port"


async def test_an_uncertain_first_page_stop_is_a_warning_naming_the_path(api: FakeApi) -> None:
    """A typo in cursorPath shows before the first sync: the path and the response's keys."""
    api.json_route("/api", {})
    api.json_route("/api/users", {"users": [{"id": 1}], "meta": {"next_cursor": "c2"}})
    settings = load_settings(
        {
            "base_url": api.url + "/api",
            "pagination_type": "cursor",
            "cursor_path": "meta.nextCursor",
        }
    )
    resources = _resources({"kind": "/users", "selector": {"query": "true", "data_path": ".users"}})
    checks = await run_checks(settings, Redactor(), resources, inside_ocean=False)
    message = checks[1].message
    assert checks[1].ok and message.startswith("first page loaded: 1 items; WARNING, uncertain")
    assert "cursorPath 'meta.nextCursor' matched nothing" in message
    assert "response keys: users, meta" in message


async def test_a_single_request_that_would_truncate_fails_the_probe(api: FakeApi) -> None:
    """Port's Entra ID page sets no pagination; Graph pages by @odata.nextLink."""
    api.json_route("/api", {})
    page = {"value": [{"id": "u1"}], "@odata.nextLink": f"{api.url}/api/users?$skiptoken=X"}
    api.json_route("/api/users", page)
    settings = load_settings({"base_url": api.url + "/api"})
    resources = _resources({"kind": "/users", "selector": {"query": "true", "data_path": ".value"}})
    checks = await run_checks(settings, Redactor(), resources, inside_ocean=False)
    assert not checks[1].ok
    assert "paginationType is none, but the response says more pages exist" in checks[1].message
