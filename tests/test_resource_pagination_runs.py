"""`selector.pagination` over real loopback APIs: the client, and resyncs of the real Ocean app.

One installation, two pagination styles (Jira: projects paged by offset, issues by token): each
resource is fetched completely in its own style, and a failure in the overridden one still
raises out of the resync, so Ocean deletes nothing.
"""

from __future__ import annotations

from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Any

from connection.settings import load_settings
from sample_api.server import FakeApi, Handler, Received, Reply
from tests.client_kit import api_client, captured_logs, collect, cursor_route, endpoint
from tests.ocean_run import entity, mapping, resource, run_resync

ITEMS = [{"id": n, "name": f"item-{n}"} for n in range(7)]
PROJECTS = [{"id": f"P{n}", "name": f"Project {n}"} for n in range(5)]
ISSUES = [{"id": f"P{n % 5}-{n}", "name": f"Issue {n}"} for n in range(11)]
# Jira: offset pages named startAt / maxResults for projects, each page saying isLast ...
JIRA = {
    "pagination_type": "offset",
    "pagination_param": "startAt",
    "size_param": "maxResults",
    "page_size": "2",
    "last_page_path": "isLast",
    "max_retries": "0",
}
# ... and token pages for issues, the token going back as ?nextPageToken=.
TOKEN_PAGES = {
    "paginationType": "cursor",
    "cursorPath": "nextPageToken",
    "paginationParam": "nextPageToken",
    "sizeParam": "maxResults",
    "pageSize": 4,
    "lastPagePath": "isLast",
}


def offset_with_more(items: list[dict[str, Any]]) -> Handler:
    """`?offset=&limit=` pages that carry a `more` flag."""

    def handle(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        chunk = items[offset : offset + limit]
        return Reply(json_body={"items": chunk, "more": offset + limit < len(items)})

    return handle


def project_search(request: Received) -> Reply:
    start, size = int(request.query["startAt"]), int(request.query["maxResults"])
    values = PROJECTS[start : start + size]
    return Reply(json_body={"values": values, "isLast": start + size >= len(PROJECTS)})


def issue_search(fail_on_page: int | None = None) -> Handler:
    def handle(request: Received) -> Reply:
        token, size = request.query.get("nextPageToken"), int(request.query["maxResults"])
        start = int(urlsafe_b64decode(token)) if token else 0
        if fail_on_page is not None and start // size + 1 == fail_on_page:
            return Reply(500, {"errorMessages": ["Internal server error"]})
        end = min(start + size, len(ISSUES))
        body: dict[str, Any] = {"issues": ISSUES[start:end], "isLast": end == len(ISSUES)}
        if end < len(ISSUES):
            body["nextPageToken"] = urlsafe_b64encode(str(end).encode()).decode()
        return Reply(json_body=body)

    return handle


def jira_mapping(**issue_selector: Any) -> dict[str, Any]:
    projects = resource("/projects", blueprint="project", data_path=".values")
    issues = resource(
        "/issues", blueprint="issue", data_path=".issues", pagination=TOKEN_PAGES, **issue_selector
    )
    return mapping(projects, issues)


def jira_api(api: FakeApi, issues: Handler) -> None:
    api.route("GET", "/projects", project_search)
    api.route("GET", "/issues", issues)


# --- the client ----------------------------------------------------------------------------


async def test_a_cursor_resource_on_an_offset_connection_is_fetched_completely(
    api: FakeApi,
) -> None:
    api.route("GET", "/items", offset_with_more(ITEMS))
    api.route("GET", "/events", cursor_route(ITEMS))
    raw = {"pagination_type": "offset", "page_size": "3", "has_more_path": "more"}
    own = load_settings({"base_url": api.url, **raw}).pagination.merged(
        {"paginationType": "cursor", "cursorPath": "meta.next", "pageSize": 3}
    )
    with captured_logs() as lines:
        async with api_client(api.url, **raw) as client:
            offset_pages = await collect(client, endpoint(api.url, "/items", data_path=".items"))
            cursor_pages = await collect(
                client,
                endpoint(
                    api.url, "/events", data_path=".items", pagination=own, own_pagination=True
                ),
            )
    assert [item for page in offset_pages for item in page] == ITEMS
    assert [item for page in cursor_pages for item in page] == ITEMS
    assert [r.raw_query for r in api.requests_to("/events")] == [
        "limit=3",
        "cursor=3&limit=3",
        "cursor=6&limit=3",
    ]
    # The connection's hasMorePath is not looked for in the cursor pages (they have none).
    assert not any("hasMorePath" in line for line in lines)
    finish = next(line for line in lines if "GET /events: done" in line)
    assert "stopped: no next cursor" in finish
    assert "selector.pagination: paginationType=cursor pageSize=3 cursorPath=meta.next" in finish


# --- real Ocean resyncs ----------------------------------------------------------------------


async def test_one_installation_syncs_two_pagination_styles_and_deletes_stale_ones(
    api: FakeApi,
) -> None:
    jira_api(api, issue_search())
    existing = [entity("P0", "project"), entity("P9-gone", "issue")]

    result = await run_resync({"base_url": api.url, **JIRA}, jira_mapping(), existing)

    assert result.errors == []
    upserted = {(e["blueprint"], e["identifier"]) for e in result.upserted_entities}
    assert upserted == {("project", p["id"]) for p in PROJECTS} | {
        ("issue", i["id"]) for i in ISSUES
    }
    assert [e["identifier"] for e in result.deleted_entities] == ["P9-gone"]
    assert _start_ats(api)[:3] == [0, 2, 4]
    issue_requests = api.requests_to("/issues")
    assert len(issue_requests) == 3  # 11 issues at 4 per page; the last says isLast
    assert all(r.query["maxResults"] == "4" and "startAt" not in r.query for r in issue_requests)


async def test_a_failure_in_the_overridden_resource_deletes_nothing(api: FakeApi) -> None:
    jira_api(api, issue_search(fail_on_page=2))
    existing = [entity("P0", "project"), entity("P0-0", "issue"), entity("P9-gone", "issue")]

    result = await run_resync({"base_url": api.url, **JIRA}, jira_mapping(), existing)

    assert result.errors and "returned 500" in str(result.errors[0])
    assert result.deleted_entities == []


async def test_an_override_the_connection_cannot_take_fails_before_any_request(
    api: FakeApi,
) -> None:
    """Key by key, validity depends on the connection: parallel pages on a cursor connection."""
    jira_api(api, issue_search())
    cursor_connection = {"pagination_type": "cursor", "cursor_path": "next"}
    events = resource("/issues", data_path=".issues", pagination={"parallelPages": 4})

    result = await run_resync(
        {"base_url": api.url, **cursor_connection}, mapping(events), [entity("P0-0")]
    )

    assert result.errors and api.received == []
    assert result.deleted_entities == []
    text = str(result.errors[0])
    assert "resources[0].selector.pagination = {'parallelPages': 4}" in text
    assert "parallelPages applies to paginationType offset or page only" in text


async def test_discovery_keeps_the_connections_pagination_and_children_use_their_own(
    api: FakeApi,
) -> None:
    api.route("GET", "/projects", project_search)
    for project in PROJECTS:
        own = [issue for issue in ISSUES if issue["id"].startswith(f"{project['id']}-")]
        api.route("GET", f"/projects/{project['id']}/issues", cursor_route(own))
    discovery = {"endpoint": "/projects", "data_path": ".values", "field": ".id"}
    children = resource(
        "/projects/{project}/issues",
        blueprint="issue",
        data_path=".items",
        path_parameters={"project": discovery},
        pagination={"paginationType": "cursor", "cursorPath": "meta.next", "pageSize": 2},
    )

    result = await run_resync({"base_url": api.url, **JIRA}, mapping(children))

    assert result.errors == []
    assert {e["identifier"] for e in result.upserted_entities} == {i["id"] for i in ISSUES}
    assert _start_ats(api)[:3] == [0, 2, 4]
    first_project = api.requests_to("/projects/P0/issues")
    assert [r.raw_query for r in first_project] == ["limit=2", "cursor=2&limit=2"]


def _start_ats(api: FakeApi) -> list[int]:
    """The offsets /projects was asked for, in order: the page window (on by default) may add
    a request past the page that says isLast, which is discarded."""
    return sorted(int(r.query["startAt"]) for r in api.requests_to("/projects"))
