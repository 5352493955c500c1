"""An incremental run of every request shape: offset and page pagination (pages sent in
parallel), the cursor in a POST body, path parameters, dynamic query parameters, a client-side
cutoff, and resources that are not incremental. Port's cursor is seeded, so each run asks from a
known moment; the fake filters by it as an API with a `since` parameter would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest

from sample_api.server import FakeApi, Received, Reply
from tests.incremental.kit import IncrementalOcean
from tests.ocean_run import mapping, resource

CURSOR = "2025-01-01T00:00:00+00:00"
SINCE = "2025-01-01T00:00:00Z"
CHANGED = {3, 8, 11, 14, 19}


def _items(prefix: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "id": prefix + n,
            "name": f"item {prefix + n}",
            "updated_at": "2025-06-01T00:00:00Z" if n in CHANGED else "2024-01-01T00:00:00Z",
        }
        for n in range(20)
    ]


def _since(items: list[dict[str, Any]], since: str | None) -> list[dict[str, Any]]:
    return [i for i in items if since is None or i["updated_at"] >= since]


def _listing(request: Received, items: list[dict[str, Any]]) -> Reply:
    """`since` filters; offset/limit or page/size slice; an empty page ends the list."""
    chosen = _since(items, request.query.get("since"))
    if "offset" in request.query:
        start, count = int(request.query["offset"]), int(request.query["limit"])
    else:
        count = int(request.query.get("size", "100"))
        start = (int(request.query.get("page", "1")) - 1) * count
    return Reply(json_body={"data": chosen[start : start + count]})


def _children(prefix: int, request: Received) -> Reply:
    return _listing(request, _items(prefix))


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with FakeApi() as server:
        server.route("GET", "/items", lambda r: _listing(r, _items()))
        yield server


async def _run(api: FakeApi, settings: dict[str, str], *resources: dict[str, Any]) -> Any:
    config = {"base_url": api.url, "max_retries": "0", **settings}
    async with IncrementalOcean(config, mapping(*resources)) as ocean:
        for index, res in enumerate(resources):
            ocean.port.cursors[(res["kind"], index)] = CURSOR
        result = await ocean.incremental()
        return result, dict(ocean.port.cursors)


INCREMENTAL = {"param": "since"}


@pytest.mark.parametrize("style", ["offset", "page"])
async def test_offset_and_page_styles_send_the_cursor_on_every_page(
    api: FakeApi, style: str
) -> None:
    settings = {"pagination_type": style, "page_size": "2", "parallel_pages": "auto"}
    items = resource("/items", data_path=".data", incremental=INCREMENTAL)
    items["selector"]["query_params"] = {"since": "1970-01-01T00:00:00Z"}  # full resyncs' value
    result, cursors = await _run(api, settings, items)
    assert set(result.titles) == {str(n) for n in CHANGED}
    sent = api.requests_to("/items")
    assert len(sent) >= 3 and {r.query["since"] for r in sent} == {SINCE}  # replaced, not merged
    assert cursors[("/items", 0)] != CURSOR  # saved: the kind succeeded


async def test_cursor_in_a_post_body(api: FakeApi) -> None:
    def search(request: Received) -> Reply:
        body = request.json()
        chosen = _since(_items(), body["filter"].get("since"))
        start = int(body.get("start_cursor") or 0)
        page = chosen[start : start + 2]
        more = start + 2 < len(chosen)
        return Reply(json_body={"results": page, "next_cursor": str(start + 2) if more else None})

    api.route("POST", "/search", search)
    settings = {
        "pagination_type": "cursor",
        "pagination_location": "body",
        "pagination_param": "start_cursor",
        "cursor_path": "next_cursor",
    }
    searched = resource(
        "/search",
        method="POST",
        read_only=True,
        data_path=".results",
        body={"filter": {"since": "1970-01-01T00:00:00Z", "kind": "task"}},
        incremental={"param": "filter.since"},
    )
    result, _ = await _run(api, settings, searched)
    assert set(result.titles) == {str(n) for n in CHANGED}
    bodies = [json.loads(r.body) for r in api.requests_to("/search")]
    assert len(bodies) == 3
    assert all(b["filter"] == {"since": SINCE, "kind": "task"} for b in bodies)


async def test_path_parameters_reread_parents_and_filter_each_child(api: FakeApi) -> None:
    api.route("GET", "/projects", lambda r: Reply(json_body=[{"id": 1}, {"id": 2}, {"id": 3}]))
    for project in (1, 2, 3):
        api.route("GET", f"/projects/{project}/issues", partial(_children, project * 100))
    issues = resource(
        "/projects/{project_id}/issues",
        data_path=".data",
        path_parameters={"project_id": {"endpoint": "/projects", "field": ".id"}},
        incremental=INCREMENTAL,
    )
    result, _ = await _run(api, {}, issues)
    assert set(result.titles) == {str(p * 100 + n) for p in (1, 2, 3) for n in CHANGED}
    assert "since" not in api.requests_to("/projects")[0].query  # parents: all of them
    for project in (1, 2, 3):
        assert [r.query["since"] for r in api.requests_to(f"/projects/{project}/issues")] == [SINCE]


async def test_dynamic_query_params_with_the_cursor(api: FakeApi) -> None:
    api.route("GET", "/teams", lambda r: Reply(json_body=[{"id": "a"}, {"id": "b"}]))
    dynamic = resource(
        "/items",
        identifier='.__team + "-" + (.id | tostring)',
        data_path=".data",
        dynamic_query_params={"team": {"endpoint": "/teams", "field": ".id"}},
        incremental=INCREMENTAL,
    )
    result, _ = await _run(api, {}, dynamic)
    assert set(result.titles) == {f"{t}-{n}" for t in "ab" for n in CHANGED}
    sent = sorted((r.query["team"], r.query["since"]) for r in api.requests_to("/items"))
    assert sent == [("a", SINCE), ("b", SINCE)]


async def test_cutoff_stops_after_the_page_that_reaches_the_cursor(api: FakeApi) -> None:
    newest_first = sorted(_items(), key=lambda i: (i["updated_at"], i["id"]), reverse=True)
    api.route("GET", "/feed", lambda r: _listing(r, newest_first))  # ignores `since`
    feed = resource("/feed", data_path=".data", incremental={"cutoff": ".updated_at"})
    settings = {"pagination_type": "page", "page_size": "4", "parallel_pages": "auto"}
    result, cursors = await _run(api, settings, feed)
    assert set(result.titles) == {str(n) for n in CHANGED}
    assert [r.query["page"] for r in api.requests_to("/feed")] == ["1", "2"]  # 5 new: 2 pages
    assert cursors[("/feed", 0)] != CURSOR


async def test_resources_without_incremental_are_not_fetched(api: FakeApi) -> None:
    api.route("GET", "/users", lambda r: Reply(json_body=[{"id": 1, "name": "u"}]))
    plain_items = resource("/items", data_path=".data")  # same kind, no incremental
    users = resource("/users")
    wanted = resource("/items", data_path=".data", incremental=INCREMENTAL)
    result, cursors = await _run(api, {}, plain_items, users, wanted)
    assert set(result.titles) == {str(n) for n in CHANGED}
    assert api.requests_to("/users") == []
    assert [r.query.get("since") for r in api.requests_to("/items")] == [SINCE]
    assert ("/users", 1) not in {k for k, v in cursors.items() if v != CURSOR}


async def test_a_failing_kind_keeps_its_cursor_and_deletes_nothing(api: FakeApi) -> None:
    loop = {"data": [{"id": 1, "name": "x"}], "next": "/loop"}
    api.route("GET", "/loop", lambda r: Reply(json_body=loop))  # the same next link forever
    looping = resource("/loop", data_path=".data", incremental=INCREMENTAL)
    settings = {"pagination_type": "next_link", "next_link_path": "next"}
    result, cursors = await _run(api, settings, looping)
    assert len(api.requests_to("/loop")) == 2  # the repeated link is refused, not followed
    assert result.deleted == []
    assert cursors[("/loop", 0)] == CURSOR


async def test_cutoff_stops_each_child_of_a_fan_out(api: FakeApi) -> None:
    boards = [{"id": 1}, {"id": 2}]
    api.route("GET", "/boards", lambda r: Reply(json_body=boards if r.query["page"] == "1" else []))
    for board in (1, 2):
        api.route("GET", f"/boards/{board}/cards", partial(_newest_first, board * 100))
    cards = resource(
        "/boards/{board_id}/cards",
        data_path=".data",
        path_parameters={"board_id": {"endpoint": "/boards", "field": ".id"}},
        incremental={"cutoff": ".updated_at"},
    )
    settings = {"pagination_type": "page", "page_size": "4", "parallel_pages": "auto"}
    result, _ = await _run(api, settings, cards)
    assert set(result.titles) == {str(b * 100 + n) for b in (1, 2) for n in CHANGED}
    for board in (1, 2):
        assert [r.query["page"] for r in api.requests_to(f"/boards/{board}/cards")] == ["1", "2"]


def _newest_first(prefix: int, request: Received) -> Reply:
    items = sorted(_items(prefix), key=lambda i: (i["updated_at"], i["id"]), reverse=True)
    return _listing(request, items)


async def test_a_config_error_stops_the_incremental_run_naming_key_and_value(
    api: FakeApi,
) -> None:
    bad = resource("/items", data_path=".data", incremental={"param": "since", "format": "isoo"})
    config = {"base_url": api.url, "max_retries": "0"}
    async with IncrementalOcean(config, mapping(bad)) as ocean:
        with pytest.raises(Exception, match=r"selector\.incremental\.format = 'isoo'"):
            await ocean.incremental()
        assert ocean.port.cursor_calls == []
    assert api.received == []


async def test_nothing_is_registered_unless_incremental_sync_is_enabled(api: FakeApi) -> None:
    # As Ocean's own `ocean.on_incremental_resync` decorator: off, it registers nothing.
    items = resource("/items", data_path=".data", incremental=INCREMENTAL)
    config = {"base_url": api.url, "max_retries": "0"}
    async with IncrementalOcean(config, mapping(items), enabled=False) as ocean:
        result = await ocean.incremental()
        assert result.upserted == [] and ocean.port.cursor_calls == []
    assert api.received == []
