"""`selector.dynamic_query_params` through the real Ocean app (Port mocked): every item carries
its values, stale entities go on success, and a failed call or a config error deletes nothing.

The fake follows Sentry's API: `GET /api/0/organizations/` lists organizations,
`GET /api/0/organizations/{organization_id_or_slug}/projects/` their projects, and
`GET /api/0/organizations/{organization_id_or_slug}/issues/?project=<id>` an organization's
issues filtered by project (docs.sentry.io/api/events/list-an-organizations-issues/). The
fake answers 400 to an issues call without `project`, so a value sent anywhere else fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from preview.recorder import Limits
from preview.runner import run_preview
from preview.sources import read_mapping, read_settings
from sample_api.server import FakeApi, Received, Reply
from tests.conftest import ROOT
from tests.ocean_run import entity, mapping, resource, run_resync

PROJECTS = {"acme": [{"id": "11", "slug": "web"}, {"id": "12", "slug": "api"}], "beta": []}
PROJECTS["beta"] = [{"id": "21", "slug": "app"}]
ISSUES_KIND = "/api/0/organizations/{org}/issues/"


def sentry(api: FakeApi, failing_project: str | None = None) -> None:
    api.json_route("/api/0/organizations/", [{"slug": "acme"}, {"slug": "beta"}])
    for org, projects in PROJECTS.items():
        api.json_route(f"/api/0/organizations/{org}/projects/", projects)
        api.route("GET", f"/api/0/organizations/{org}/issues/", issues_of(org, failing_project))


def issues_of(org: str, failing_project: str | None) -> Any:
    def handle(request: Received) -> Reply:
        project = request.query.get("project")
        if project is None:
            return Reply(400, {"detail": "project is required"})
        if project == failing_project:
            return Reply(500, {"detail": "Internal Error"})
        ids = [p["id"] for p in PROJECTS[org]]
        if project not in ids:
            return Reply(json_body=[])
        return Reply(json_body=[{"id": f"{project}0{n}", "title": f"E{n}"} for n in range(2)])

    return handle


def issues_resource(**selector: Any) -> dict[str, Any]:
    return resource(
        ISSUES_KIND,
        blueprint="sentry_issue",
        title=".title",
        properties={"org": ".__org", "project": ".__project"},
        path_parameters={"org": {"endpoint": "/api/0/organizations/", "field": ".slug"}},
        dynamic_query_params={
            "project": {"endpoint": "/api/0/organizations/{org}/projects/", "field": ".id"}
        },
        query_params={"statsPeriod": "14d"},
        **selector,
    )


def existing() -> list[dict[str, Any]]:
    """Port holds every issue of a good resync and one stale issue: Ocean deletes only when
    most of what Port holds came back, so a resync that wrongly completed would delete here."""
    ids = ("1100", "1101", "1200", "1201", "2100", "2101", "999")
    return [entity(identifier, "sentry_issue") for identifier in ids]


def config(api: FakeApi) -> dict[str, Any]:
    return {"base_url": api.url, "max_retries": "0"}


async def test_every_item_carries_its_values_and_stale_entities_go(api: FakeApi) -> None:
    sentry(api)
    result = await run_resync(config(api), mapping(issues_resource()), existing())
    assert result.errors == []
    issues = {e["identifier"]: e["properties"] for e in result.upserted_entities}
    assert issues == {
        "1100": {"org": "acme", "project": "11"},
        "1101": {"org": "acme", "project": "11"},
        "1200": {"org": "acme", "project": "12"},
        "1201": {"org": "acme", "project": "12"},
        "2100": {"org": "beta", "project": "21"},
        "2101": {"org": "beta", "project": "21"},
    }
    sent = sorted((r.path, r.raw_query) for r in api.received if r.path.endswith("/issues/"))
    assert sent == [
        ("/api/0/organizations/acme/issues/", "statsPeriod=14d&project=11"),
        ("/api/0/organizations/acme/issues/", "statsPeriod=14d&project=12"),
        ("/api/0/organizations/beta/issues/", "statsPeriod=14d&project=21"),
    ]
    assert [e["identifier"] for e in result.deleted_entities] == ["999"]


async def test_a_failing_child_call_deletes_nothing(api: FakeApi) -> None:
    sentry(api, failing_project="12")
    result = await run_resync(config(api), mapping(issues_resource()), existing())
    assert result.deleted_entities == []  # a resync that logged and went on deletes 3 here
    messages = " ".join(str(error) for error in result.errors)
    assert "child call for org='acme', project='12'" in messages and "500" in messages


async def test_a_failing_discovery_deletes_nothing(api: FakeApi) -> None:
    sentry(api)
    api.route("GET", "/api/0/organizations/beta/projects/", lambda _r: Reply(503, {"e": "down"}))
    result = await run_resync(config(api), mapping(issues_resource()), existing())
    messages = " ".join(str(error) for error in result.errors)
    assert "selector.dynamic_query_params.project (discovery endpoint" in messages
    assert result.deleted_entities == []


async def test_a_name_also_in_query_params_fails_at_load_and_deletes_nothing(api: FakeApi) -> None:
    sentry(api)
    broken = issues_resource()
    broken["selector"]["query_params"] = {"project": "11"}
    result = await run_resync(config(api), mapping(broken), existing())
    messages = " ".join(str(error) for error in result.errors)
    assert "resources[0].selector.dynamic_query_params.project" in messages
    assert "selector.query_params.project" in messages
    assert result.deleted_entities == []
    assert api.received == []


async def test_the_preview_fetches_every_value(api: FakeApi, tmp_path: Path) -> None:
    sentry(api)
    settings, config = tmp_path / "settings.yml", tmp_path / "port-app-config.yml"
    settings.write_text(yaml.safe_dump({"baseUrl": api.url, "maxRetries": 0}))
    config.write_text(yaml.safe_dump({"resources": [issues_resource()]}))
    inputs = read_settings(settings, {}, ROOT)
    report = await run_preview(inputs, read_mapping(config), Limits(samples=3))
    (previewed,) = report.resources
    assert previewed.status == "ok" and report.errors == []
    assert sorted(e["identifier"] for e in previewed.entities) == [
        "1100",
        "1101",
        "1200",
        "1201",
        "2100",
        "2101",
    ]
    assert all("project=" in r.raw_query for r in api.received if r.path.endswith("/issues/"))
