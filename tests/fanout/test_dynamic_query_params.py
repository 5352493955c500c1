"""`selector.dynamic_query_params` through the fan-out engine over a real loopback API: the exact
query strings sent, combinations (with each other and with path parameters), dedupe, bounds and
failures. The fakes read the discovered parameter from the query string and refuse a call
without it (400), as a filtered list endpoint does."""

from __future__ import annotations

from typing import Any

import pytest

from connection.endpoint import Endpoint
from connection.urls import join_url
from core.errors import ConfigurationError, FetchError
from fanout.discovery import DiscoveryCache
from fanout.engine import FanOut, FanOutPlan
from sample_api.server import FakeApi, Handler, Received, Reply
from selector_checks.path_parameters import PathParameter
from tests.client_kit import with_call
from tests.fanout.fan_out_kit import Items, api_client, captured_logs, collect, offset_route

PROJECTS = {"endpoint": "/projects", "data_path": ".values", "field": ".key"}
# One page after another, so the pages each value's call sends are exact.
PAGED = {"pagination_type": "offset", "page_size": "2", "parallel_pages": "1"}


def run_of(
    client: Any,
    base_url: str,
    kind: str,
    dynamic: dict[str, dict[str, Any]],
    path: dict[str, dict[str, Any]] | None = None,
    *,
    limit: int = 10,
    skip_statuses: list[int] | None = None,
    **selector: Any,
) -> FanOut:
    """A fan-out built as main.py builds it, from the dicts a user writes in the mapping."""
    paging = client.connection.pagination
    url = join_url(base_url, kind)
    child = Endpoint(kind=kind, url=url, pagination=paging, **with_call(selector))
    specs = {name: PathParameter.parse_obj(raw) for name, raw in (path or {}).items()}
    queries = {name: PathParameter.parse_obj(raw) for name, raw in dynamic.items()}
    plan = FanOutPlan.build(
        child, base_url, specs, skip_statuses, queries, discovery_pagination=paging
    )
    return FanOut(client, plan, DiscoveryCache(), limit)


def by_query(*names: str, items_per_call: int = 1, key: str = "issues") -> Handler:
    """Issues filtered by the query parameters `names` (400 when one is missing), offset-paged."""

    def handle(request: Received) -> Reply:
        if missing := [name for name in names if name not in request.query]:
            return Reply(400, {"error": f"missing required parameter {missing[0]}"})
        label = "|".join(request.query[name] for name in names)
        issues = [{"id": f"{label}#{n}"} for n in range(items_per_call)]
        return offset_route(issues, key)(request)

    return handle


def first_pages(api: FakeApi, path: str) -> list[str]:
    return sorted(r.raw_query for r in api.requests_to(path) if "offset=0" in r.raw_query)


async def test_one_call_per_value_with_the_exact_query_string(api: FakeApi) -> None:
    keys = ["P1", "P 2", "a&b", "P4", "P5"]
    api.route("GET", "/projects", offset_route([{"key": k} for k in keys], "values"))
    api.route("GET", "/issues", by_query("project", items_per_call=3))
    async with api_client(api, **PAGED) as client:
        run = run_of(
            client,
            api.url,
            "/issues",
            {"project": PROJECTS},
            query_params={"state": "open"},
            data_path=".issues",
        )
        items = await collect(run)
    assert first_pages(api, "/issues") == sorted(
        f"state=open&project={sent}&offset=0&limit=2" for sent in ("P1", "P+2", "a%26b", "P4", "P5")
    )
    # Every page of a value's call repeats the value; 3 issues in pages of 2, then empty.
    p1 = [r.raw_query for r in api.requests_to("/issues") if "project=P1&" in r.raw_query]
    assert p1 == [f"state=open&project=P1&offset={o}&limit=2" for o in (0, 2, 3)]
    assert sorted(item["id"] for item in items) == sorted(
        f"{k}#{n}" for k in keys for n in range(3)
    )
    assert all(item["id"].startswith(f"{item['__project']}#") for item in items)
    assert run.stats.children == 5


async def test_several_dynamic_params_fetch_every_combination(api: FakeApi) -> None:
    api.json_route("/projects", {"values": [{"key": "A"}, {"key": "B"}]})
    api.json_route("/labels", [{"name": "bug"}, {"name": "ui"}, {"name": "db"}])
    api.route("GET", "/issues", by_query("project", "label"))
    dynamic = {"project": PROJECTS, "label": {"endpoint": "/labels", "field": ".name"}}
    async with api_client(api) as client:
        items = await collect(run_of(client, api.url, "/issues", dynamic, data_path=".issues"))
    assert sorted(r.raw_query for r in api.requests_to("/issues")) == sorted(
        f"project={p}&label={label}" for p in "AB" for label in ("bug", "ui", "db")
    )
    assert sorted(item["id"] for item in items) == sorted(
        f"{p}|{label}#0" for p in "AB" for label in ("bug", "ui", "db")
    )
    assert all(item["id"] == f"{item['__project']}|{item['__label']}#0" for item in items)
    assert len(api.requests_to("/projects")) == len(api.requests_to("/labels")) == 1


async def test_combined_with_path_parameters_and_discovered_per_parent(api: FakeApi) -> None:
    api.json_route("/teams", [{"id": "red"}, {"id": "blue"}])
    api.json_route("/states", [{"name": "open"}, {"name": "done"}])
    for team, members in {"red": ["ann", "bo"], "blue": ["cy"]}.items():
        api.json_route(f"/teams/{team}/members", [{"login": m} for m in members])
        api.route("GET", f"/teams/{team}/issues", by_query("assignee", "state"))
    dynamic = {
        "assignee": {"endpoint": "/teams/{team}/members", "field": ".login"},  # once per team
        "state": {"endpoint": "/states", "field": ".name"},
    }
    path = {"team": {"endpoint": "/teams", "field": ".id"}}
    async with api_client(api) as client:
        run = run_of(client, api.url, "/teams/{team}/issues", dynamic, path, data_path=".issues")
        items = await collect(run)
    sent = sorted((r.path, r.raw_query) for r in api.received if r.path.endswith("/issues"))
    assert sent == sorted(
        (f"/teams/{team}/issues", f"assignee={who}&state={state}")
        for team, who in (("red", "ann"), ("red", "bo"), ("blue", "cy"))
        for state in ("open", "done")
    )
    assert len(api.requests_to("/teams/red/members")) == len(api.requests_to("/states")) == 1
    assert {(i["__team"], i["__assignee"], i["__state"]) for i in items} == {
        (team, who, state)
        for team, who in (("red", "ann"), ("red", "bo"), ("blue", "cy"))
        for state in ("open", "done")
    }


async def test_duplicates_and_converging_chains_are_fetched_once(api: FakeApi) -> None:
    api.json_route("/orgs", [{"id": "o1"}, {"id": "o2"}])
    # Two orgs share team t2; o1 also lists t1 twice.
    api.json_route("/orgs/o1/teams", [{"id": "t1"}, {"id": "t1"}, {"id": "t2"}])
    api.json_route("/orgs/o2/teams", [{"id": "t2"}, {"id": "t3"}])
    api.route("GET", "/issues", by_query("team"))
    path = {"org": {"endpoint": "/orgs", "field": ".id"}}
    dynamic = {"team": {"endpoint": "/orgs/{org}/teams", "field": ".id"}}
    with captured_logs() as logs:
        async with api_client(api) as client:
            run = run_of(client, api.url, "/issues", dynamic, path, data_path=".issues")
            items = await collect(run)
    assert sorted(r.raw_query for r in api.requests_to("/issues")) == [
        "team=t1",
        "team=t2",
        "team=t3",
    ]
    assert sorted(item["__team"] for item in items) == ["t1", "t2", "t3"]
    assert run.stats.duplicates == 1  # t2 reached through both orgs
    assert any("1 duplicates fetched once" in line for line in logs)  # t1 twice in o1


async def test_child_calls_stay_within_the_limit(api: FakeApi) -> None:
    values = 300
    api.json_route("/projects", {"values": [{"key": f"K{n}"} for n in range(values)]})
    api.route(
        "GET", "/issues", lambda r: Reply(json_body=[{"id": r.query["project"]}], delay=0.003)
    )
    async with api_client(api, max_concurrent_requests="5") as client:
        items = await collect(run_of(client, api.url, "/issues", {"project": PROJECTS}, limit=5))
    assert 1 < api.peak_in_flight <= 5
    assert sorted(item["id"] for item in items) == sorted(f"K{n}" for n in range(values))
    assert len(api.requests_to("/issues")) == values


async def test_a_discovery_failure_raises_naming_the_entry(api: FakeApi) -> None:
    api.route("GET", "/projects", lambda _r: Reply(503, {"error": "maintenance"}))
    async with api_client(api) as client:
        run = run_of(client, api.url, "/issues", {"project": PROJECTS}, skip_statuses=[404])
        with pytest.raises(FetchError) as caught:
            await collect(run)
    assert caught.value.status_code == 503
    assert "selector.dynamic_query_params.project (discovery endpoint /projects)" in str(
        caught.value
    )
    assert api.requests_to("/issues") == []


async def test_a_child_failure_raises_naming_the_value(api: FakeApi) -> None:
    api.json_route("/projects", {"values": [{"key": "P1"}, {"key": "P2"}, {"key": "P3"}]})

    def issues(request: Received) -> Reply:
        if request.query.get("project") == "P2":
            return Reply(500, {"error": "boom"})
        return by_query("project")(request)

    api.route("GET", "/issues", issues)
    async with api_client(api) as client:
        with pytest.raises(FetchError, match="child call for project='P2'") as caught:
            await collect(run_of(client, api.url, "/issues", {"project": PROJECTS}))
    assert caught.value.status_code == 500


async def test_a_field_that_gives_no_value_anywhere_fails(api: FakeApi) -> None:
    api.json_route("/projects", {"values": [{"id": 1}, {"id": 2}]})  # no .key on any item
    async with api_client(api) as client:
        run = run_of(client, api.url, "/issues", {"project": PROJECTS})
        with pytest.raises(ConfigurationError) as caught:
            await collect(run)
    message = str(caught.value)
    assert "selector.dynamic_query_params.project.field '.key' gave no value on any" in message
    assert api.requests_to("/issues") == []


async def test_skip_statuses_skip_one_value_and_count_it(api: FakeApi) -> None:
    api.json_route("/projects", {"values": [{"key": "P1"}, {"key": "GONE"}]})

    def issues(request: Received) -> Reply:
        if request.query["project"] == "GONE":
            return Reply(404, {"error": "no such project"})
        return Reply(json_body=[{"id": 1}])

    api.route("GET", "/issues", issues)
    async with api_client(api) as client:
        run = run_of(client, api.url, "/issues", {"project": PROJECTS}, skip_statuses=[404])
        items: Items = await collect(run)
    assert [item["__project"] for item in items] == ["P1"]
    assert run.stats.skipped == {404: 1}
