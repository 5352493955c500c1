"""`preview --incremental-since`: what an incremental run would request, through the preview's
real Ocean run (docs/preview.md)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from sample_api.server import FakeApi, Received, Reply
from tests.conftest import ROOT
from tests.preview_kit import ITEMS, authed, port_resource, write_inputs


def _serve(api: FakeApi) -> None:
    def items(request: Received) -> Reply:
        since = request.query.get("since")
        return Reply(json_body={"items": ITEMS[3:] if since else ITEMS})

    api.route("GET", "/api/items", authed(items))
    api.route("GET", "/api/teams", authed(lambda _r: Reply(json_body={"teams": []})))


def test_incremental_since_shows_the_incremental_requests(api: FakeApi, tmp_path: Path) -> None:
    _serve(api)
    items = port_resource("/items", ".items")
    items["selector"]["incremental"] = {"param": "since", "format": "epoch"}
    teams = port_resource("/teams", ".teams")
    write_inputs(tmp_path, api, items, teams)
    arguments = ["--config", "port-app-config.yml", "--settings", "settings.yml", "--json"]
    since = ["--incremental-since", "2025-01-01T00:00:00+01:00"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OCEAN__")}
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "preview", *arguments, *since],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = {r["kind"]: r for r in json.loads(done.stdout)["resources"]}
    assert [r["url"] for r in report["/items"]["requests"]] == [
        f"{api.url}/api/items?since=1735686000"
    ]
    assert [e["identifier"] for e in report["/items"]["entities"]] == ["4", "5"]
    assert report["/teams"]["requests"] == []  # not incremental: not fetched
    assert [r.path for r in api.received] == ["/api/items"]


def test_a_timestamp_that_does_not_parse_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "preview", "--incremental-since", "soon"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "'soon' is not an ISO 8601 timestamp" in done.stderr
