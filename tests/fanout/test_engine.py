"""The fan-out engine over a real loopback API: levels, pagination, encoding, dedupe, failures."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from core.errors import ConfigurationError, FetchError
from fanout.discovery import Discovery, DiscoveryCache
from sample_api.server import FakeApi, Received, Reply
from selector_checks.path_parameters import PathParameter
from tests.fanout.fan_out_kit import (
    api_client,
    captured_logs,
    collect,
    fan_out,
    offset_route,
    replying,
)

TICKETS = {"endpoint": "/tickets", "data_path": ".tickets", "field": ".id"}
# One page at a time: the exact requests of each level are asserted here (the page window,
# on by default, may add a request or two past each list's end).
PAGED = {"pagination_type": "offset", "page_size": "2", "parallel_pages": "1"}

NONE = PaginationSettings()  # the signature a cache shares calls by does not read it


def tickets_with_comments(api: FakeApi, ids: list[Any], per_ticket: int = 3) -> None:
    api.route("GET", "/tickets", offset_route([{"id": i} for i in ids], "tickets"))
    for ticket in {str(i) for i in ids if i is not None}:
        comments = [{"id": f"{ticket}-{n}"} for n in range(per_ticket)]
        api.route("GET", f"/tickets/{ticket}/comments", offset_route(comments, "comments"))


async def test_two_levels_paginate_at_each_level(api: FakeApi) -> None:
    tickets_with_comments(api, [1, 2, 3, 4, 5])
    async with api_client(api, **PAGED) as client:
        items = await collect(
            fan_out(
                client,
                api.url,
                "/tickets/{ticket_id}/comments",
                {"ticket_id": TICKETS},
                data_path=".comments",
            )
        )
    assert sorted(item["id"] for item in items) == sorted(
        f"{t}-{n}" for t in range(1, 6) for n in range(3)
    )
    assert all(item["__ticket_id"] == item["id"].split("-")[0] for item in items)
    assert all(isinstance(item["__ticket_id"], str) for item in items)
    # 5 tickets in pages of 2: offsets 0, 2, 4, then the empty page at 5 ends it.
    assert [r.query["offset"] for r in api.requests_to("/tickets")] == ["0", "2", "4", "5"]
    assert [r.query["offset"] for r in api.requests_to("/tickets/3/comments")] == ["0", "2", "3"]


async def test_child_calls_log_below_info_and_the_kind_logs_one_summary(api: FakeApi) -> None:
    tickets_with_comments(api, [1, 2, 3, 4, 5])
    async with api_client(api, **PAGED) as client:
        with captured_logs() as logs:
            await collect(
                fan_out(
                    client,
                    api.url,
                    "/tickets/{ticket_id}/comments",
                    {"ticket_id": TICKETS},
                    data_path=".comments",
                )
            )
    info = [line for line in logs if "| INFO" in line]
    assert not any("/comments: fetching" in line or "/comments: done" in line for line in info)
    assert any("/comments: done" in line for line in logs)  # still there at DEBUG
    assert sum("fan-out done" in line for line in info) == 1


async def test_three_levels_repos_branches_rules(api: FakeApi) -> None:
    repos = ["api", "web", "ops"]
    api.route("GET", "/repos", offset_route([{"name": r} for r in repos]))
    for repo in repos:
        branches = [{"name": f"{repo}-b{n}"} for n in range(3)]
        api.route("GET", f"/repos/{repo}/branches", offset_route(branches))
        for branch in branches:
            rules = [{"rule": f"{branch['name']}-r{n}"} for n in range(3)]
            api.route("GET", f"/repos/{repo}/branches/{branch['name']}/rules", offset_route(rules))
    parameters = {
        "repo": {"endpoint": "/repos", "data_path": ".items", "field": ".name"},
        "branch": {"endpoint": "/repos/{repo}/branches", "data_path": ".items", "field": ".name"},
    }
    async with api_client(api, **PAGED) as client:
        run = fan_out(
            client, api.url, "/repos/{repo}/branches/{branch}/rules", parameters, data_path=".items"
        )
        items = await collect(run)
    assert len(items) == 3 * 3 * 3
    for item in items:
        assert item["rule"].startswith(f"{item['__branch']}-")
        assert item["__branch"].startswith(f"{item['__repo']}-")
    assert len(api.requests_to("/repos")) == 3  # 3 repos in pages of 2, then an empty page
    for repo in repos:  # each repo's branches discovered once, every page of them
        assert len(api.requests_to(f"/repos/{repo}/branches")) == 3
    assert run.stats.children == 9


async def test_values_are_encoded_as_one_path_segment(api: FakeApi) -> None:
    awkward = ["a b/../x", "..", "é/ü?#", 42, True]
    raw_paths = {
        "a b/../x": "/t/a%20b%2F..%2Fx/c",
        "..": "/t/%2E%2E/c",
        "é/ü?#": "/t/%C3%A9%2F%C3%BC%3F%23/c",
        "42": "/t/42/c",
        "true": "/t/true/c",
    }
    api.json_route("/things", [{"v": value} for value in awkward])
    for value, path in raw_paths.items():
        api.json_route(path, [{"id": value}])
    async with api_client(api) as client:
        items = await collect(
            fan_out(client, api.url, "/t/{v}/c", {"v": {"endpoint": "/things", "field": ".v"}})
        )
    assert sorted(r.path for r in api.received if r.path != "/things") == sorted(raw_paths.values())
    assert sorted(item["__v"] for item in items) == sorted(raw_paths)
    assert all(item["__v"] == item["id"] for item in items)


async def test_duplicates_fetched_once_nulls_and_filtered_counted(api: FakeApi) -> None:
    tickets = [
        {"id": 1},
        {"id": 1},
        {"id": None},
        {"id": ""},
        {},
        {"id": 2, "closed": True},
        {"id": 3},
    ]
    api.json_route("/tickets", {"tickets": tickets})
    for ticket in (1, 3):
        api.json_route(f"/tickets/{ticket}/comments", [{"id": ticket}])
    spec = {**TICKETS, "filter": ".closed != true"}
    with captured_logs() as logs:
        async with api_client(api) as client:
            items = await collect(
                fan_out(client, api.url, "/tickets/{ticket_id}/comments", {"ticket_id": spec})
            )
    assert sorted(item["__ticket_id"] for item in items) == ["1", "3"]
    assert len(api.requests_to("/tickets/1/comments")) == 1
    assert api.requests_to("/tickets/2/comments") == []
    summary = next(line for line in logs if "7 items of GET /tickets" in line)
    assert "WARNING" in summary
    assert "1 filtered out, 1 duplicates fetched once" in summary
    assert "3 items gave no value" in summary and "path_parameters.ticket_id.field" in summary


async def test_filter_must_be_a_condition(api: FakeApi) -> None:
    api.json_route("/tickets", {"tickets": [{"id": 1, "status": "open"}]})
    spec = {**TICKETS, "filter": ".status"}
    async with api_client(api) as client:
        run = fan_out(client, api.url, "/tickets/{ticket_id}/comments", {"ticket_id": spec})
        with pytest.raises(ConfigurationError, match=r"path_parameters\.ticket_id\.filter"):
            await collect(run)


async def test_field_selecting_an_object_is_an_error(api: FakeApi) -> None:
    api.json_route("/tickets", {"tickets": [{"id": {"value": 1}}]})
    async with api_client(api) as client:
        run = fan_out(client, api.url, "/tickets/{ticket_id}/c", {"ticket_id": TICKETS})
        with pytest.raises(ConfigurationError, match=r"ticket_id\.field '\.id' selected a JSON"):
            await collect(run)


async def test_skip_statuses_mean_no_children_and_are_counted(api: FakeApi) -> None:
    tickets_with_comments(api, [1, 2, 3, 4], per_ticket=1)
    api.route("GET", "/tickets/2/comments", lambda _r: Reply(404, {"error": "gone"}))
    api.route("GET", "/tickets/3/comments", lambda _r: Reply(403, {"error": "private"}))
    with captured_logs() as logs:
        async with api_client(api) as client:
            run = fan_out(
                client,
                api.url,
                "/tickets/{ticket_id}/comments",
                {"ticket_id": TICKETS},
                skip_statuses=[403, 404],
                data_path=".comments",
            )
            items = await collect(run)
    assert sorted(item["__ticket_id"] for item in items) == ["1", "4"]
    assert run.stats.skipped == {403: 1, 404: 1}
    assert any("ticket_id='2'" in line and "returned 404" in line for line in logs)
    summary = next(line for line in logs if "fan-out done" in line)
    assert "WARNING" in summary and "403: 1, 404: 1" in summary


async def test_unlisted_child_status_raises_with_a_hint(api: FakeApi) -> None:
    tickets_with_comments(api, [1, 2], per_ticket=1)
    api.route("GET", "/tickets/2/comments", lambda _r: Reply(404, {"error": "gone"}))
    async with api_client(api) as client:
        run = fan_out(
            client,
            api.url,
            "/tickets/{ticket_id}/comments",
            {"ticket_id": TICKETS},
            skip_statuses=[403],
            data_path=".comments",
        )
        with pytest.raises(FetchError) as caught:
            await collect(run)
    assert caught.value.status_code == 404
    assert "child call for ticket_id='2'" in str(caught.value)
    assert "list it in selector.skip_statuses" in str(caught.value)


async def test_discovery_failure_raises_naming_the_key(api: FakeApi) -> None:
    api.route("GET", "/tickets", lambda _r: Reply(500, {"error": "down"}))
    async with api_client(api) as client:
        run = fan_out(
            client,
            api.url,
            "/tickets/{ticket_id}/comments",
            {"ticket_id": TICKETS},
            skip_statuses=[404],
        )
        with pytest.raises(FetchError, match=r"selector\.path_parameters\.ticket_id") as caught:
            await collect(run)
    assert caught.value.status_code == 500


async def test_first_child_failure_stops_the_rest(api: FakeApi) -> None:
    tickets_with_comments(api, list(range(500)), per_ticket=1)
    api.route("GET", "/tickets/5/comments", lambda _r: Reply(500, {"error": "boom"}))
    async with api_client(api, max_concurrent_requests="4") as client:
        run = fan_out(
            client,
            api.url,
            "/tickets/{ticket_id}/comments",
            {"ticket_id": TICKETS},
            limit=4,
            data_path=".comments",
        )
        with pytest.raises(FetchError, match="ticket_id='5'"):
            await collect(run)
        await asyncio.sleep(0.05)  # anything still running would reach the server now
    children = [r for r in api.received if r.path != "/tickets"]
    assert len(children) < 50  # not the 500 a log-and-continue loop would send


async def test_two_thousand_parents_stay_within_the_limit(api: FakeApi) -> None:
    parents = 2000
    api.json_route("/parents", [{"id": n} for n in range(parents)])
    for n in range(parents):  # 2 ms in the server, so overlapping requests are visible
        reply = Reply(json_body=[{"child": n}], delay=0.002)
        api.route("GET", f"/parents/{n}/children", replying(reply))
    peak_tasks = 0
    async with api_client(api, max_concurrent_requests="10") as client:
        run = fan_out(
            client,
            api.url,
            "/parents/{parent}/children",
            {"parent": {"endpoint": "/parents", "field": ".id"}},
            limit=10,
        )
        items = []
        async for page in run.pages():
            items.extend(page)
            peak_tasks = max(peak_tasks, len(asyncio.all_tasks()))
    assert 1 < api.peak_in_flight <= 10
    assert sorted(item["child"] for item in items) == list(range(parents))
    assert all(item["__parent"] == str(item["child"]) for item in items)
    assert peak_tasks <= 30  # a bounded pool, not one task per parent


async def test_first_children_arrive_before_discovery_ends(api: FakeApi) -> None:
    last_page_may_go = threading.Event()

    def tickets(request: Received) -> Reply:
        offset = int(request.query["offset"])
        if offset == 0:
            return Reply(json_body={"tickets": [{"id": 1}, {"id": 2}]})
        if offset == 2:  # the last page waits until a child batch has reached the consumer
            if not last_page_may_go.wait(timeout=10):
                return Reply(500, {"error": "no child batch arrived while discovery ran"})
            return Reply(json_body={"tickets": [{"id": 3}]})
        return Reply(json_body={"tickets": []})

    api.route("GET", "/tickets", tickets)
    for ticket in (1, 2, 3):
        api.route("GET", f"/tickets/{ticket}/comments", offset_route([{"id": ticket}], "comments"))
    async with api_client(api, **PAGED, max_concurrent_requests="4") as client:
        run = fan_out(
            client,
            api.url,
            "/tickets/{ticket_id}/comments",
            {"ticket_id": TICKETS},
            limit=4,
            data_path=".comments",
        )
        seen: list[str] = []
        async for page in run.pages():
            seen.extend(item["__ticket_id"] for item in page)
            last_page_may_go.set()
    assert seen[0] in {"1", "2"}
    assert sorted(seen) == ["1", "2", "3"]


async def test_several_placeholders_fetch_every_combination(api: FakeApi) -> None:
    api.json_route("/orgs", [{"slug": "a"}, {"slug": "b"}])
    api.json_route("/envs", {"envs": [{"name": "dev"}, {"name": "prod"}, {"name": "qa"}]})
    for org in "ab":
        for env in ("dev", "prod", "qa"):
            api.json_route(f"/orgs/{org}/envs/{env}/apps", [{"app": f"{org}.{env}"}])
    parameters = {
        "org": {"endpoint": "/orgs", "field": ".slug"},
        "env": {"endpoint": "/envs", "data_path": ".envs", "field": ".name"},
    }
    async with api_client(api) as client:
        items = await collect(fan_out(client, api.url, "/orgs/{org}/envs/{env}/apps", parameters))
    assert sorted(item["app"] for item in items) == sorted(
        f"{org}.{env}" for org in "ab" for env in ("dev", "prod", "qa")
    )
    assert all(item["app"] == f"{item['__org']}.{item['__env']}" for item in items)
    assert len(api.requests_to("/orgs")) == len(api.requests_to("/envs")) == 1


async def test_discovery_body_and_method_are_sent(api: FakeApi) -> None:
    api.json_route("/search", {"results": [{"key": "k1"}]}, method="POST")
    api.json_route("/items/k1/parts", [{"id": 1}])
    spec = {
        "endpoint": "/search",
        "method": "post",
        "body": {"query": "type = x"},
        "read_only": True,
        "data_path": ".results",
        "field": ".key",
    }
    async with api_client(api) as client:
        items = await collect(fan_out(client, api.url, "/items/{key}/parts", {"key": spec}))
    assert [item["__key"] for item in items] == ["k1"]
    (search,) = api.requests_to("/search")
    assert search.method == "POST" and search.json() == {"query": "type = x"}


async def test_one_discovery_call_serves_every_kind_of_a_resync(api: FakeApi) -> None:
    tickets_with_comments(api, [1, 2], per_ticket=1)
    api.json_route("/tickets/1/audits", [{"audit": 1}])
    api.json_route("/tickets/2/audits", [{"audit": 2}])
    api.json_route("/users/10/tickets", [{"id": 1}])
    api.json_route("/users/20/tickets", [{"id": 2}])
    by_id = {"ticket_id": TICKETS}
    by_requester = {"user": {**TICKETS, "field": ".id * 10"}}
    owners = [
        ("/tickets/{ticket_id}/comments", by_id),
        ("/tickets/{ticket_id}/audits", by_id),
        ("/users/{user}/tickets", by_requester),
    ]
    cache = DiscoveryCache(
        Discovery.of(
            Endpoint(kind=kind, url="", pagination=NONE),
            name,
            PathParameter.parse_obj(raw),
            NONE,
        )
        for kind, parameters in owners
        for name, raw in parameters.items()
    )
    async with api_client(api) as client:
        results = [
            await collect(fan_out(client, api.url, kind, parameters, cache=cache))
            for kind, parameters in owners
        ]
    assert [len(items) for items in results] == [2, 2, 2]
    assert sorted(item["__user"] for item in results[2]) == ["10", "20"]
    assert len(api.requests_to("/tickets")) == 1  # three kinds, two fields, one call


async def test_skip_statuses_cover_per_parent_discovery(api: FakeApi) -> None:
    api.json_route("/repos", [{"name": "api"}, {"name": "archived"}])
    api.json_route("/repos/api/branches", [{"name": "main"}])
    api.route("GET", "/repos/archived/branches", lambda _r: Reply(404, {"error": "gone"}))
    api.json_route("/repos/api/branches/main/rules", [{"rule": "r"}])
    parameters = {
        "repo": {"endpoint": "/repos", "field": ".name"},
        "branch": {"endpoint": "/repos/{repo}/branches", "field": ".name"},
    }
    async with api_client(api) as client:
        run = fan_out(
            client,
            api.url,
            "/repos/{repo}/branches/{branch}/rules",
            parameters,
            skip_statuses=[404],
        )
        items = await collect(run)
    assert [(i["__repo"], i["__branch"]) for i in items] == [("api", "main")]
    assert run.stats.skipped == {404: 1}


async def test_a_discovery_shared_by_several_combinations_runs_once_per_call(
    api: FakeApi,
) -> None:
    api.json_route("/xs", [{"id": "x1"}, {"id": "x2"}])
    api.json_route("/ys", [{"id": "y1"}, {"id": "y2"}])
    for y in ("y1", "y2"):
        api.json_route(f"/ys/{y}/zs", [{"id": f"{y}z"}])
        for x in ("x1", "x2"):
            api.json_route(f"/a/{x}/b/{y}/c/{y}z", [{"ok": True}])
    parameters = {
        "x": {"endpoint": "/xs", "field": ".id"},
        "y": {"endpoint": "/ys", "field": ".id"},
        "z": {"endpoint": "/ys/{y}/zs", "field": ".id"},  # depends on y only, not on x
    }
    async with api_client(api) as client:
        items = await collect(fan_out(client, api.url, "/a/{x}/b/{y}/c/{z}", parameters))
    assert len(items) == 4
    assert len(api.requests_to("/ys/y1/zs")) == len(api.requests_to("/ys/y2/zs")) == 1


async def test_the_readme_form_tostring_and_filter_true(api: FakeApi) -> None:
    tickets_with_comments(api, [7, 8], per_ticket=1)
    spec = {**TICKETS, "method": "GET", "field": ".id | tostring", "filter": "true"}
    async with api_client(api) as client:
        items = await collect(
            fan_out(
                client,
                api.url,
                "/tickets/{ticket_id}/comments",
                {"ticket_id": spec},
                data_path=".comments",
            )
        )
    assert sorted(item["__ticket_id"] for item in items) == ["7", "8"]
