"""The preview command over a real loopback API: real subprocess runs of the command, and
in-process runs of the same code for the finer points (mapping diagnosis, limits, progress)."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from core.redaction import Redactor
from preview.model import PreviewReport
from preview.recorder import Limits
from preview.render import Progress, redact_tree, render_report
from preview.runner import run_preview
from preview.sources import read_mapping, read_settings
from sample_api.server import FakeApi, Received, Reply
from tests.conftest import ROOT
from tests.preview_kit import (
    ITEMS,
    TOKEN,
    authed,
    port_resource,
    serve_items,
    write_inputs,
)

PYTHON = str(ROOT / ".venv" / "bin" / "python")


def run_cli(
    command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OCEAN__")}
    return subprocess.run(
        command,
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=180,
    )


# --- the command, as a user runs it ------------------------------------------------------------


def test_text_report_shows_requests_pages_stop_reason_and_entities(
    api: FakeApi, tmp_path: Path
) -> None:
    serve_items(api)
    settings, config = write_inputs(tmp_path, api, port_resource("/items", ".items"))
    arguments = ["--config", str(config), "--settings", str(settings), "-v"]
    done = run_cli([PYTHON, "-m", "preview", *arguments])
    out = done.stdout
    assert done.returncode == 0, done.stderr[-3000:]
    assert "GET /items: fetching" in done.stderr  # -v: the integration's log, on stderr
    assert f"GET {api.url}/api/items?page=2&access_token=[REDACTED] → 200" in out
    assert "Items per page (data_path .items): p1: 2, p2: 2, p3: 1" in out
    assert "Pagination stopped: no next link" in out
    assert "Items: 5 raw → 5 entities; 0 filtered out by selector.query; 0 failed mapping" in out
    assert '{"identifier": "1", "blueprint": "service", "title": "svc-1"' in out
    assert "All resources OK" in out
    assert TOKEN not in out + done.stderr


def test_console_script_json_output_parses_and_fails_on_a_failing_resource(
    api: FakeApi, tmp_path: Path
) -> None:
    serve_items(api)
    api.route("GET", "/api/broken", lambda _r: Reply(500, {"error": f"db down, token {TOKEN}"}))
    write_inputs(tmp_path, api, port_resource("/items", ".items"), port_resource("/broken", ".x"))
    launcher = str(ROOT / "bin" / "ocean-custom")
    arguments = ["--config", "port-app-config.yml", "--settings", "settings.yml", "--json"]
    # Relative paths resolve against the caller's directory, not the project's.
    done = run_cli([launcher, "preview", *arguments], cwd=tmp_path)
    assert done.returncode == 1, done.stderr[-3000:]
    assert TOKEN not in done.stdout + done.stderr
    report = json.loads(done.stdout)
    items, broken = report["resources"]
    assert report["ok"] is False
    assert (items["status"], broken["status"]) == ("ok", "failed")
    assert [r["status"] for r in items["requests"]] == [200, 200, 200]
    assert [p["items"] for p in items["pages"]] == [2, 2, 1]
    assert items["stop_reasons"] and "next link" in items["stop_reasons"][0]
    assert [e["identifier"] for e in items["entities"]] == ["1", "2", "3", "4", "5"]
    assert items["raw_samples"][0] == ITEMS[0]
    assert "returned 500" in broken["error"] and "[REDACTED]" in broken["error"]


def test_settings_from_environment_variables(api: FakeApi, tmp_path: Path) -> None:
    serve_items(api)
    _, config = write_inputs(tmp_path, api, port_resource("/items", ".items"))
    env = {
        "OCEAN__INTEGRATION__CONFIG__BASE_URL": api.url + "/api",
        "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE": "bearer_token",
        "OCEAN__INTEGRATION__CONFIG__API_TOKEN": TOKEN,
        "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE": "next_link",
        "OCEAN__INTEGRATION__CONFIG__NEXT_LINK_PATH": "next",
    }
    done = run_cli([PYTHON, "-m", "preview", "--config", str(config), "--json"], env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["settings_source"] == "environment"
    assert len(report["resources"][0]["entities"]) == 5


def test_invalid_port_app_config_exits_2_naming_the_path(api: FakeApi, tmp_path: Path) -> None:
    settings, config = write_inputs(tmp_path, api, port_resource("/items", ".items["))
    done = run_cli([PYTHON, "-m", "preview", "--config", str(config), "--settings", str(settings)])
    assert done.returncode == 2
    assert "resources[0].selector.data_path = '.items['" in done.stderr
    assert api.received == []


def test_demo_previews_the_bundled_sample_api() -> None:
    done = run_cli([PYTHON, "-m", "sample_api.demo", "--json"])
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    kinds = {r["kind"]: r for r in report["resources"]}
    assert set(kinds) == {"/teams", "/services", "/incidents"}
    assert len(kinds["/services"]["entities"]) == 7
    assert len(kinds["/services"]["pages"]) == 3  # pageSize 3: 3 + 3 + 1
    assert kinds["/incidents"]["filtered_out"] == 2  # resolved incidents stay out of Port
    assert "[REDACTED]" not in done.stdout  # the sample API echoes no secret


# --- the same code in process: what the report finds ---------------------------------------------


async def preview(
    api: FakeApi, folder: Path, *resources: dict[str, Any], limits: Limits | None = None
) -> PreviewReport:
    settings, config = write_inputs(folder, api, *resources)
    inputs = read_settings(settings, {}, ROOT)
    return await run_preview(inputs, read_mapping(config), limits or Limits(samples=3))


async def test_items_that_fail_mapping_are_named_with_the_reason(
    api: FakeApi, tmp_path: Path
) -> None:
    items = [
        {"id": 1, "name": "ok"},
        {"name": "no-id"},
        {"id": 0, "name": "zero"},
        {"id": 4, "name": "archived"},
        {"id": 5, "name": "ok-too"},
    ]
    api.route("GET", "/api/items", authed(lambda _r: Reply(json_body={"items": items})))
    mapped = port_resource("/items", ".items", identifier=".id", query='.name != "archived"')
    report = await preview(api, tmp_path, mapped)
    (resource,) = report.resources
    assert resource.status == "mapping_failed" and not report.ok
    assert [e["identifier"] for e in resource.entities] == [1, 5]
    assert resource.filtered_out == 1
    reasons = {json.dumps(f.item): f.reason for f in resource.mapping_failures}
    assert reasons[json.dumps({"name": "no-id"})] == "identifier is null (`.id` evaluated to null)"
    assert "evaluated to 0, which Ocean treats as missing" in reasons[json.dumps(items[2])]
    assert any("number as identifier" in warning for warning in resource.warnings)


async def test_null_optional_fields_are_warned_with_the_jq_error(
    api: FakeApi, tmp_path: Path
) -> None:
    api.route("GET", "/api/items", authed(lambda _r: Reply(json_body={"items": ITEMS})))
    mapped = port_resource("/items", ".items", properties={"size": ".name | test(1)"})
    report = await preview(api, tmp_path, mapped)
    (resource,) = report.resources
    assert resource.status == "ok" and len(resource.entities) == 5
    # One response with no next link at `next`: an uncertain stop, warned about too.
    assert len(resource.warnings) == 2
    (uncertain,) = [w for w in resource.warnings if "UNCERTAIN" in w]
    (warning,) = [w for w in resource.warnings if "UNCERTAIN" not in w]
    assert "stopped (UNCERTAIN): no next link: link at nextLinkPath 'next'" in uncertain
    assert warning.startswith("properties.size ('.name | test(1)') is null for 5 of 5 items")
    assert "jq error" in warning


async def test_data_path_matching_nothing_is_warned_with_the_response_keys(
    api: FakeApi, tmp_path: Path
) -> None:
    api.route("GET", "/api/items", authed(lambda _r: Reply(json_body={"data": ITEMS})))
    report = await preview(api, tmp_path, port_resource("/items", ".items"))
    (resource,) = report.resources
    assert [page.items for page in resource.pages] == [0]
    # Issue 19: no longer an uncertain stop of a resource that is "OK": a failure.
    assert not report.ok and resource.status == "failed" and resource.error is not None
    assert "data_path '.items' found no value (absent or null; response keys: data)" in (
        resource.error
    )
    (warning,) = resource.warnings
    assert "data_path '.items' matched no items" in warning
    assert "the response is an object with keys: data" in warning


@pytest.mark.parametrize(
    ("limits", "requests", "items"),
    [(Limits(max_pages=1), 1, 2), (Limits(max_items=3), 2, 3), (Limits(), 3, 5)],
)
async def test_limits_stop_fetching(
    api: FakeApi, tmp_path: Path, limits: Limits, requests: int, items: int
) -> None:
    serve_items(api)
    report = await preview(api, tmp_path, port_resource("/items", ".items"), limits=limits)
    (resource,) = report.resources
    assert len(api.received) == requests  # no page is fetched past the limit
    assert resource.items == items and len(resource.entities) == items
    assert resource.status == "ok"
    if limits.max_pages or limits.max_items:
        assert resource.stop_reasons[-1].startswith("preview limit reached (--max-")


async def test_progress_display_and_text_rendering(api: FakeApi, tmp_path: Path) -> None:
    serve_items(api)
    screen = io.StringIO()
    settings, config = write_inputs(tmp_path, api, port_resource("/items", ".items"))
    inputs = read_settings(settings, {}, ROOT)
    console = Console(file=screen, force_terminal=True, width=120)
    with Progress(enabled=True, console=console) as progress:
        report = await run_preview(inputs, read_mapping(config), Limits(), progress)
    assert "/items" in screen.getvalue() and "5 items" in screen.getvalue()
    text = io.StringIO()
    data = redact_tree(report.to_json(), Redactor(inputs.settings.secrets))
    render_report(data, 2, Console(file=text, width=200, soft_wrap=True))
    assert "Raw items (first 2 of 5):" in text.getvalue()
    assert TOKEN not in text.getvalue() + screen.getvalue()


async def test_limits_hold_when_the_api_states_a_total(api: FakeApi, tmp_path: Path) -> None:
    # With totalPath, the integration would fetch pages in parallel (parallelPages: auto);
    # the preview must still request nothing past --max-pages.
    items = [{"id": n, "name": f"s{n}"} for n in range(20)]

    def page(request: Any) -> Reply:
        number, size = int(request.query["page"]), int(request.query["size"])
        chunk = items[(number - 1) * size : number * size]
        return Reply(json_body={"items": chunk, "total": len(items)})

    api.route("GET", "/api/items", page)
    settings = tmp_path / "settings.yml"
    settings.write_text(
        json.dumps(
            {
                "baseUrl": api.url + "/api",
                "paginationType": "page",
                "pageSize": 2,
                "totalPath": "total",
                "maxConcurrentRequests": 5,
            }
        )
    )
    config = tmp_path / "port-app-config.yml"
    config.write_text(json.dumps({"resources": [port_resource("/items", ".items")]}))
    inputs = read_settings(settings, {}, ROOT)
    report = await run_preview(inputs, read_mapping(config), Limits(max_pages=2), None)
    assert [r.query["page"] for r in api.received] == ["1", "2"]
    assert report.resources[0].items == 4


async def test_a_resource_with_its_own_pagination_is_previewed_with_it(
    api: FakeApi, tmp_path: Path
) -> None:
    """The connection pages by next link; this resource by cursor (`selector.pagination`)."""

    def events(request: Received) -> Reply:
        start = int(request.query.get("after", "0"))
        chunk = ITEMS[start : start + 2]
        return Reply(json_body={"events": chunk, "next_cursor": str(start + len(chunk))})

    api.route("GET", "/api/events", authed(events))
    own = {"paginationType": "cursor", "cursorPath": "next_cursor", "paginationParam": "after"}
    events_resource = port_resource("/events", ".events")
    events_resource["selector"]["pagination"] = {**own, "pageSize": 2}
    report = await preview(api, tmp_path, events_resource, limits=Limits(max_pages=2))
    (resource,) = report.resources
    assert [r.url for r in resource.requests] == [
        f"{api.url}/api/events?limit=2",
        f"{api.url}/api/events?after=2&limit=2",
    ]
    assert resource.status == "ok" and resource.items == 4


async def test_limits_hold_when_a_resource_of_its_own_states_a_total(
    api: FakeApi, tmp_path: Path
) -> None:
    # Its own pagination with totalPath would fetch pages in parallel (parallelPages: auto).
    items = [{"id": n, "name": f"s{n}"} for n in range(20)]

    def page(request: Received) -> Reply:
        number, size = int(request.query["page"]), int(request.query["size"])
        chunk = items[(number - 1) * size : number * size]
        return Reply(json_body={"items": chunk, "total": len(items)})

    api.route("GET", "/api/items", authed(page))
    paged = port_resource("/items", ".items")
    own = {"paginationType": "page", "pageSize": 2, "totalPath": "total"}
    paged["selector"]["pagination"] = own
    report = await preview(api, tmp_path, paged, limits=Limits(max_pages=2))
    assert [r.query["page"] for r in api.received] == ["1", "2"]
    assert report.resources[0].items == 4
