"""`paginationLocation: body` over real loopback fakes: the exact JSON bodies that went over the
wire, the loop guard, retries, and real Ocean resyncs (stale entities deleted after a complete
run, nothing deleted after a failed one)."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import FetchError, PaginationError
from sample_api.server import FakeApi, Reply
from tests.client_kit import api_client, captured_logs, collect, endpoint
from tests.ocean_run import entity, mapping, resource, run_resync
from tests.page_body_kit import (
    ROWS,
    graphql_repositories,
    notion_query,
    search_after,
    search_from_size,
)

QUERY = "/v1/databases/db1/query"
NOTION = {
    "pagination_type": "cursor",
    "pagination_location": "body",
    "pagination_param": "start_cursor",
    "size_param": "page_size",
    "cursor_path": "next_cursor",
    "has_more_path": "has_more",
    "page_size": "3",
    "max_retries": "2",
}
SEARCH = {
    "pagination_type": "offset",
    "pagination_location": "body",
    "pagination_param": "from",
    "size_param": "size",
    "page_size": "3",
    "total_path": "hits.total.value",
    "strict_total": "true",
}
FILTER = {"filter": {"property": "Status", "select": {"equals": "Done"}}}


def bodies(api: FakeApi, path: str) -> list[Any]:
    return [request.json() for request in api.requests_to(path)]


def query(api: FakeApi, **selector: Any) -> Any:
    return endpoint(api.url, QUERY, method="POST", data_path=".results", **selector)


async def test_notion_pages_by_start_cursor_in_the_body_with_a_numeric_page_size(
    api: FakeApi,
) -> None:
    api.route("POST", QUERY, notion_query(ROWS))
    async with api_client(api.url, **NOTION) as client:
        pages = await collect(client, query(api, body=FILTER))
    assert [row for rows in pages for row in rows] == ROWS
    assert bodies(api, QUERY) == [
        {**FILTER, "page_size": 3},  # the first request carries no cursor at all
        {**FILTER, "page_size": 3, "start_cursor": "cur-3"},
        {**FILTER, "page_size": 3, "start_cursor": "cur-6"},
    ]
    assert all(request.raw_query == "" for request in api.requests_to(QUERY))


async def test_graphql_variables_after_and_first_are_merged_into_the_query_body(
    api: FakeApi,
) -> None:
    api.route("POST", "/graphql", graphql_repositories(ROWS))
    connection = "data.organization.repositories"
    settings = {
        "pagination_type": "cursor",
        "pagination_location": "body",
        "pagination_param": "variables.after",
        "size_param": "variables.first",
        "cursor_path": f"{connection}.pageInfo.endCursor",
        "has_more_path": f"{connection}.pageInfo.hasNextPage",
        "page_size": "4",
    }
    body = {"query": "query($org: String!, $first: Int!, $after: String) {...}",
            "variables": {"org": "acme"}}  # fmt: skip
    target = endpoint(
        api.url, "/graphql", method="POST", body=body, data_path=f".{connection}.nodes"
    )
    async with api_client(api.url, **settings) as client:
        pages = await collect(client, target)
    assert [row for rows in pages for row in rows] == ROWS
    assert [b["variables"] for b in bodies(api, "/graphql")] == [
        {"org": "acme", "first": 4},
        {"org": "acme", "first": 4, "after": "4"},
    ]


async def test_search_after_sends_the_last_hits_sort_array(api: FakeApi) -> None:
    api.route("POST", "/_search", search_after(ROWS))
    settings = {
        "pagination_type": "cursor",
        "pagination_location": "body",
        "pagination_param": "search_after",
        "size_param": "size",
        "cursor_path": ".hits.hits[-1].sort",
        "page_size": "3",
    }
    target = endpoint(api.url, "/_search", method="POST", body={"sort": [{"n": "asc"}]},
                      data_path=".hits.hits | map(._source)")  # fmt: skip
    async with api_client(api.url, **settings) as client:
        pages = await collect(client, target)
    assert [row for rows in pages for row in rows] == ROWS
    assert [b.get("search_after") for b in bodies(api, "/_search")] == [
        None, [2, "row-02"], [5, "row-05"], [6, "row-06"],
    ]  # fmt: skip


async def test_offset_in_the_body_with_a_total_goes_parallel_and_sends_exact_bodies(
    api: FakeApi,
) -> None:
    api.route("POST", "/_search", search_from_size(ROWS))
    target = endpoint(api.url, "/_search", method="POST", body={"query": {"match_all": {}}},
                      data_path=".hits.hits | map(._source)")  # fmt: skip
    with captured_logs() as lines:
        async with api_client(api.url, **SEARCH, parallel_pages="3") as client:
            pages = await collect(client, target)
    assert [row for rows in pages for row in rows] == ROWS
    finish = next(line for line in lines if "done —" in line)
    assert "parallel pages: up to" in finish and "0 discarded" in finish
    sent = sorted(bodies(api, "/_search"), key=lambda body: body["from"])
    assert sent == [{"query": {"match_all": {}}, "from": n, "size": 3} for n in (0, 3, 6)]


async def test_cursor_sent_in_the_query_to_a_body_api_fails_on_the_loop_guard(
    api: FakeApi,
) -> None:
    """The fake, as Notion, ignores the query string (and serves 100 rows when the body has
    no page_size): the wrong location cannot pass."""
    many = [{"id": f"row-{n}", "n": n} for n in range(150)]
    api.route("POST", QUERY, notion_query(many))
    wrong = {**NOTION, "pagination_location": "query"}
    with pytest.raises(PaginationError, match="page 2 is identical to page 1"):
        async with api_client(api.url, **wrong) as client:
            await collect(client, query(api, body=FILTER))


async def test_a_body_api_repeating_its_cursor_is_a_loop(api: FakeApi) -> None:
    stuck = {"results": [{"id": 1}], "next_cursor": "same", "has_more": True}
    answers = iter([stuck, {**stuck, "results": [{"id": 2}]}, {**stuck, "results": [{"id": 3}]}])
    api.route("POST", QUERY, lambda _r: Reply(json_body=next(answers)))
    with pytest.raises(PaginationError, match=r'repeats an earlier one .*"start_cursor": "same"'):
        async with api_client(api.url, **NOTION) as client:
            await collect(client, query(api))
    assert len(api.requests_to(QUERY)) == 2  # the third request would repeat URL and body


@pytest.mark.parametrize(("read_only", "sent"), [(None, 2), (False, 1)])
async def test_a_body_paginated_post_is_retried_as_a_read_unless_read_only_is_false(
    api: FakeApi, read_only: bool | None, sent: int
) -> None:
    answers = [Reply(503, {"object": "error", "code": "service_unavailable"})]
    handler = notion_query(ROWS)
    api.route("POST", QUERY, lambda r: answers.pop(0) if answers else handler(r))
    async with api_client(api.url, **NOTION) as client:
        if read_only is False:
            with pytest.raises(FetchError, match="returned 503"):
                await collect(client, query(api, read_only=False))
        else:
            assert len([r for p in await collect(client, query(api)) for r in p]) == len(ROWS)
    assert len(api.requests_to(QUERY)) == sent + (2 if read_only is None else 0)


# --- real Ocean resyncs ----------------------------------------------------------------------


def notion_mapping(**selector: Any) -> dict[str, Any]:
    return mapping(
        resource(QUERY, blueprint="row", data_path=".results", method="POST", **selector)
    )


async def test_resync_notion_body_cursor_syncs_all_and_deletes_the_stale(api: FakeApi) -> None:
    api.route("POST", QUERY, notion_query(ROWS))
    stale = [entity("row-00", "row"), entity("row-gone", "row")]
    result = await run_resync({"base_url": api.url, **NOTION}, notion_mapping(body=FILTER), stale)
    assert result.errors == []
    assert {e["identifier"] for e in result.upserted_entities} == {r["id"] for r in ROWS}
    assert [e["identifier"] for e in result.deleted_entities] == ["row-gone"]
    assert [b.get("start_cursor") for b in bodies(api, QUERY)] == [None, "cur-3", "cur-6"]


async def test_resync_body_offset_syncs_all_and_a_failure_deletes_nothing(api: FakeApi) -> None:
    api.route("POST", "/_search", search_from_size(ROWS))
    search = resource("/_search", blueprint="row", method="POST", body={"query": {}},
                      data_path=".hits.hits | map(._source)")  # fmt: skip
    stale = [entity("row-01", "row"), entity("row-gone", "row")]
    result = await run_resync({"base_url": api.url, **SEARCH}, mapping(search), stale)
    assert result.errors == [] and len(result.upserted_entities) == len(ROWS)
    assert [e["identifier"] for e in result.deleted_entities] == ["row-gone"]

    handler = search_from_size(ROWS)
    failing = lambda r: Reply(500, {"error": "shard failure"}) if r.json()["from"] else handler(r)  # noqa: E731
    api.route("POST", "/_search", failing)
    result = await run_resync({"base_url": api.url, **SEARCH, "max_retries": "0"},
                              mapping(search), stale)  # fmt: skip
    assert result.errors and "returned 500" in str(result.errors[0])
    assert result.deleted_entities == []


async def test_resync_with_an_array_body_fails_at_load_and_deletes_nothing(api: FakeApi) -> None:
    api.route("POST", QUERY, notion_query(ROWS))
    result = await run_resync(
        {"base_url": api.url, **NOTION}, notion_mapping(body=[FILTER]), [entity("row-00", "row")]
    )
    assert result.errors and api.received == []
    assert "resources[0].selector.body" in str(result.errors[0])
    assert result.deleted_entities == []
