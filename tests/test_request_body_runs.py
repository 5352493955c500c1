"""A jq-string `body` and `selector.endpoint` through real Ocean resyncs, the probe and the
preview, against loopback APIs that record the body that went over the wire."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import yaml

from connection.settings import load_settings
from core.redaction import Redactor
from integration import EndpointPortAppConfig
from preview.recorder import Limits
from preview.runner import run_preview
from preview.sources import read_mapping, read_settings
from resync.probe import run_checks
from sample_api.server import FakeApi, Received, Reply
from tests import cursor_fake
from tests.conftest import ROOT
from tests.ocean_run import entity, mapping, resource, run_resync
from tests.selector_checks.test_request_body import CURSOR_BODY

NOW_BODY = '{"at": now, "filter": {"state": "open"}, "limit": 2}'  # `at`: sub-second, per run
ITEMS = [{"id": n, "name": f"item-{n}"} for n in range(5)]


def search_route(items: list[dict[str, Any]], key: str = "items") -> Any:
    """`POST ?page=N` pages of 2 under `key`; an empty page ends it."""

    def handle(request: Received) -> Reply:
        page = int(request.query.get("page", "1"))
        return Reply(json_body={key: items[(page - 1) * 2 : page * 2]})

    return handle


async def test_cursor_daily_usage_sends_epoch_milliseconds_computed_from_now(
    api: FakeApi,
) -> None:
    """Port's Cursor selector as published (A2); the mapping is corrected to the fields the API
    returns (the published one reads .org and .totals, which it does not)."""
    cursor_fake.install(api)
    config = {
        "base_url": api.url,
        "auth_type": "basic",
        "username": cursor_fake.API_KEY,
        "password": "",
        "pagination_type": "none",
    }
    usage = resource(
        cursor_fake.PATH,
        blueprint="cursor_usage_record",
        identifier='.email + "@" + (.date | tostring)',
        title='.email + " usage"',
        method="POST",
        body=CURSOR_BODY,
        data_path=".data",
    )
    # Port holds today's records (the shrink guard judges against them) and one stale record.
    before = int(time.time())
    held = cursor_fake.record_ids_ending(before * 1000) | {"gone@0"}
    existing = [entity(identifier, "cursor_usage_record") for identifier in sorted(held)]
    result = await run_resync(config, mapping(usage), existing)
    after = int(time.time())
    assert result.errors == []
    (sent,) = api.requests_to(cursor_fake.PATH)
    assert sent.headers["content-type"] == "application/json"
    body = sent.json()
    assert type(body["startDate"]) is int and type(body["endDate"]) is int  # numbers, not text
    assert before * 1000 <= body["endDate"] <= after * 1000
    assert body["endDate"] - body["startDate"] == 30 * 86_400_000
    produced = cursor_fake.record_ids(sent)
    assert {e["identifier"] for e in result.upserted_entities} == produced
    # Only the stale record goes (plus yesterday's, should the run straddle UTC midnight).
    deleted = {e["identifier"] for e in result.deleted_entities}
    assert "gone@0" in deleted and deleted == held - produced


async def test_every_page_of_one_run_sends_the_same_evaluated_body(api: FakeApi) -> None:
    api.route("POST", "/api/search", search_route(ITEMS))
    config = {"base_url": api.url + "/api", "pagination_type": "page", "page_size": "2"}
    search = resource("/search", method="POST", body=NOW_BODY, data_path=".items")
    started = time.time()
    result = await run_resync(config, mapping(search), [])
    assert result.errors == []
    assert sorted(e["identifier"] for e in result.upserted_entities) == [str(n) for n in range(5)]
    sent = api.requests_to("/api/search")
    assert [r.query["page"] for r in sent] == ["1", "2", "3", "4"]
    bodies = [r.json() for r in sent]
    assert all(body == bodies[0] for body in bodies)  # run once, not once per page
    assert bodies[0]["filter"] == {"state": "open"} and started < bodies[0]["at"] < time.time()


async def test_fan_out_children_send_the_evaluated_body(api: FakeApi) -> None:
    api.json_route("/api/teams", {"teams": [{"id": "red"}, {"id": "blue"}]})
    for team in ("red", "blue"):
        rows = {"rows": [{"id": f"{team}-{n}", "name": team} for n in range(2)]}
        api.json_route(f"/api/teams/{team}/usage", rows, method="POST")
    discovery = {"endpoint": "/teams", "data_path": ".teams", "field": ".id"}
    usage = resource(
        "team_usage",
        identifier=".id",
        method="POST",
        endpoint="/teams/{team_id}/usage",
        body=NOW_BODY,
        data_path=".rows",
        path_parameters={"team_id": discovery},
    )
    result = await run_resync({"base_url": api.url + "/api"}, mapping(usage), [])
    assert result.errors == []
    assert {e["identifier"] for e in result.upserted_entities} == {
        "red-0",
        "red-1",
        "blue-0",
        "blue-1",
    }
    bodies = [r.json() for r in api.received if r.method == "POST"]
    assert len(bodies) == 2 and bodies[0] == bodies[1] and isinstance(bodies[0]["at"], float)
    assert [r.body for r in api.requests_to("/api/teams")] == [b""]  # discovery: a plain GET


async def test_a_body_that_fails_at_load_stops_the_resync_and_deletes_nothing(
    api: FakeApi,
) -> None:
    api.route("POST", "/api/search", search_route(ITEMS))
    bad = resource("/search", method="POST", body="(now | floor) * 1000", data_path=".items")
    result = await run_resync({"base_url": api.url + "/api"}, mapping(bad), [entity("1")])
    assert result.errors and result.deleted_entities == [] and api.received == []
    message = str(result.errors[0])
    assert "resources[0].selector.body" in message
    assert "'(now | floor) * 1000' gave a number; expected one JSON object or array" in message


async def test_a_legacy_kind_with_selector_endpoint_resyncs(api: FakeApi) -> None:
    """The existing implementation's README: `kind: api_resource` named, the path elsewhere."""
    api.json_route("/hr/api/employees", {"employees": ITEMS[:3]})
    legacy = resource("api_resource", endpoint="/api/employees", data_path=".employees")
    existing = [entity(identifier) for identifier in ("0", "1", "2", "9")]
    result = await run_resync({"base_url": api.url + "/hr"}, mapping(legacy), existing)
    assert result.errors == []
    assert sorted(e["identifier"] for e in result.upserted_entities) == ["0", "1", "2"]
    assert [e["identifier"] for e in result.deleted_entities] == ["9"]
    assert [r.path for r in api.received] == ["/hr/api/employees"]


async def test_the_probe_sends_the_evaluated_body(api: FakeApi) -> None:
    api.json_route("/api", {})
    api.route("POST", "/api/search", search_route(ITEMS))
    raw = {"resources": [resource("/search", method="POST", body=NOW_BODY, data_path=".items")]}
    resources = list(EndpointPortAppConfig.parse_obj(raw).resources)
    settings = load_settings({"base_url": api.url + "/api"})
    checks = await run_checks(settings, Redactor(), resources, inside_ocean=False)
    assert [check.ok for check in checks] == [True, True]
    (sent,) = api.requests_to("/api/search")
    assert sent.json()["filter"] == {"state": "open"} and isinstance(sent.json()["at"], float)


async def test_the_preview_sends_the_evaluated_body(api: FakeApi, tmp_path: Path) -> None:
    api.route("POST", "/api/search", search_route(ITEMS))
    settings, config = tmp_path / "settings.yml", tmp_path / "port-app-config.yml"
    settings.write_text(yaml.safe_dump({"baseUrl": api.url + "/api", "paginationType": "page"}))
    search = resource("/search", method="POST", body=NOW_BODY, data_path=".items")
    config.write_text(yaml.safe_dump({"resources": [search]}))
    inputs = read_settings(settings, {}, ROOT)
    report = await run_preview(inputs, read_mapping(config), Limits(samples=1))
    assert report.resources[0].items == 5
    bodies = [r.json() for r in api.requests_to("/api/search")]
    assert len(bodies) == 4 and all(body == bodies[0] for body in bodies)
    assert bodies[0]["limit"] == 2 and isinstance(bodies[0]["at"], float)
