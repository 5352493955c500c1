"""`header:<name>` paths over real loopback fakes: Azure DevOps' continuation token header, GitLab's
`x-next-page` / `x-total`, a total in `X-Total-Count` checked by the completeness check, and a
real Ocean resync (stale entities deleted after success, nothing after a failure)."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import IncompleteResultError
from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import api_client, captured_logs, collect, endpoint
from tests.ocean_run import entity, mapping, resource, run_resync
from tests.page_body_kit import ROWS, azure_projects, gitlab_projects

PROJECTS = "/_apis/projects"
AZURE = {
    "pagination_type": "cursor",
    "cursor_path": "header:x-ms-continuationtoken",
    "pagination_param": "continuationToken",
    "size_param": "$top",
    "page_size": "3",
}
GITLAB = {
    "pagination_type": "page",
    "size_param": "per_page",
    "has_more_path": "header:X-Next-Page",
    "total_path": "header:x-total",
    "strict_total": "true",
    "page_size": "3",
}


async def test_azure_devops_token_header_goes_back_as_a_query_parameter(api: FakeApi) -> None:
    api.route("GET", PROJECTS, azure_projects(ROWS))
    with captured_logs() as lines:
        async with api_client(api.url, **AZURE) as client:
            pages = await collect(client, endpoint(api.url, PROJECTS, data_path=".value"))
    assert [row for rows in pages for row in rows] == ROWS
    assert [r.raw_query for r in api.requests_to(PROJECTS)] == [
        "%24top=3",
        "continuationToken=3&%24top=3",
        "continuationToken=6&%24top=3",
    ]
    finish = next(line for line in lines if "done —" in line)
    assert "stopped: no next cursor" in finish and "UNCERTAIN" not in finish


async def test_gitlab_headers_drive_the_pages_and_the_total_check(api: FakeApi) -> None:
    api.route("GET", "/projects", gitlab_projects(ROWS))
    with captured_logs() as lines:
        async with api_client(api.url, **GITLAB) as client:
            pages = await collect(client, endpoint(api.url, "/projects"))
    assert [row for rows in pages for row in rows] == ROWS
    assert sorted(int(r.query["page"]) for r in api.requests_to("/projects")) == [1, 2, 3]
    assert "API total 7 matched" in next(line for line in lines if "done —" in line)


async def test_a_header_total_the_items_fall_short_of_fails_with_strict_total(
    api: FakeApi,
) -> None:
    def short(request: Received) -> Reply:
        reply = gitlab_projects(ROWS)(request)
        return Reply(json_body=reply.json_body, headers={**reply.headers, "X-Total": "8"})

    api.route("GET", "/projects", short)
    with pytest.raises(IncompleteResultError, match="total of 8 the API reported at totalPath"):
        async with api_client(api.url, **GITLAB, parallel_pages="1") as client:
            await collect(client, endpoint(api.url, "/projects"))


async def test_total_count_header_on_a_single_request(api: FakeApi) -> None:
    api.route("GET", "/users", lambda _r: Reply(json_body=ROWS, headers={"X-Total-Count": "7"}))
    with captured_logs() as lines:
        async with api_client(api.url, total_path="header:X-Total-Count") as client:
            await collect(client, endpoint(api.url, "/users"))
    assert "API total 7 matched" in next(line for line in lines if "done —" in line)


# --- real Ocean resyncs ----------------------------------------------------------------------


def azure_mapping() -> dict[str, Any]:
    return mapping(resource(PROJECTS, blueprint="project", data_path=".value"))


async def test_resync_by_header_cursor_syncs_all_and_deletes_the_stale(api: FakeApi) -> None:
    api.route("GET", PROJECTS, azure_projects(ROWS))
    stale = [entity("row-00", "project"), entity("row-gone", "project")]
    result = await run_resync({"base_url": api.url, **AZURE}, azure_mapping(), stale)
    assert result.errors == []
    assert {e["identifier"] for e in result.upserted_entities} == {r["id"] for r in ROWS}
    assert [e["identifier"] for e in result.deleted_entities] == ["row-gone"]


async def test_resync_failing_after_a_header_cursor_deletes_nothing(api: FakeApi) -> None:
    handler = azure_projects(ROWS)

    def failing(request: Received) -> Reply:
        if "continuationToken" in request.query:
            return Reply(500, {"message": "TF400898: An internal error occurred"})
        return handler(request)

    api.route("GET", PROJECTS, failing)
    stale = [entity("row-00", "project"), entity("row-gone", "project")]
    config = {"base_url": api.url, **AZURE, "max_retries": "0"}
    result = await run_resync(config, azure_mapping(), stale)
    assert result.errors and "returned 500" in str(result.errors[0])
    assert result.deleted_entities == []
