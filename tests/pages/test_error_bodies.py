"""A 200 whose body is an error fails the resync by default, through real Ocean with a seeded Port.

Each fake error body follows its vendor's documentation:
- Slack — https://api.slack.com/web#evaluating_responses : HTTP 200 `{"ok": false, "error":
  "invalid_auth"}`.
- Pipedrive — https://pipedrive.readme.io/docs/core-api-concepts-responses : `{"success": false,
  "error": ..., "error_info": ..., "data": null, "additional_data": null}`.
- GraphQL — https://spec.graphql.org/October2021/#sec-Response-Format : `errors` is a non-empty
  list of `{"message": ...}` when present; `data` is null, or a partial result beside errors.
- JSON:API — https://jsonapi.org/format/#error-objects : `{"errors": [{"status", "title",
  "detail"}]}`.
- Google APIs — https://cloud.google.com/apis/design/errors#http_mapping : `{"error": {"code",
  "message", "status"}}`.
- Jira — https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes :
  ErrorCollection `{"errorMessages": [...], "errors": {}}`.
- Apigee (Salesforce Marketing Cloud and other APIs behind it) —
  https://docs.apigee.com/api-platform/fundamentals/fault-handling : `{"fault": {"faultstring",
  "detail": {"errorcode"}}}`.
The vendors send several of these with 4xx too; what is tested is the body when it comes with 200.
"""

from __future__ import annotations

from typing import Any

import pytest

from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import SECRET
from tests.log_capture import captured_logs
from tests.ocean_run import entity, mapping, resource, run_resync

ITEMS = [{"id": n, "name": f"item-{n}"} for n in range(6)]
STALE = [entity(str(n)) for n in range(6)] + [entity("stale")]
GRAPHQL_QUERY = "query { viewer { repositories(first: 2) { nodes { id name } } } }"

# name → (data_path, a good page holding `items`, the error body, text the message must quote)
SHAPES: dict[str, tuple[str, Any, dict[str, Any], str]] = {
    "slack": (
        ".members",
        lambda items: {"ok": True, "members": items, "response_metadata": {"next_cursor": ""}},
        {"ok": False, "error": "invalid_auth"},
        "invalid_auth",
    ),
    "pipedrive": (
        ".data",
        lambda items: {"success": True, "data": items, "additional_data": {"pagination": {}}},
        {
            "success": False,
            "error": "Unauthorized access",
            "error_info": f"Token {SECRET} is not valid. Please check developers.pipedrive.com",
            "data": None,
            "additional_data": None,
        },
        "Unauthorized access; Token [REDACTED] is not valid",
    ),
    "graphql": (
        ".data.viewer.repositories.nodes",
        lambda items: {"data": {"viewer": {"repositories": {"nodes": items}}}},
        {"errors": [{"message": "Bad credentials", "locations": []}], "data": None},
        "Bad credentials",
    ),
    "json-api": (
        ".data",
        lambda items: {"data": items, "links": {}},
        {"errors": [{"status": "403", "title": "Forbidden", "detail": "No access to team"}]},
        "No access to team (403)",
    ),
    "google": (
        ".items",
        lambda items: {"items": items, "nextPageToken": "t"},
        {"error": {"code": 401, "message": "Invalid credentials", "status": "UNAUTHENTICATED"}},
        "Invalid credentials (401)",
    ),
    "jira": (
        ".values",
        lambda items: {"values": items, "isLast": False},
        {"errorMessages": ["You do not have permission to view projects."], "errors": {}},
        "You do not have permission to view projects.",
    ),
    "error-message": (
        ".results",
        lambda items: {"results": items},
        {"error_message": "Invalid API key", "status": "error"},
        "Invalid API key",
    ),
    "apigee": (
        ".items",
        lambda items: {"items": items},
        {"fault": {"faultstring": f"Invalid ApiKey {SECRET}", "detail": {"errorcode": "E1"}}},
        "Invalid ApiKey [REDACTED] (E1)",
    ),
}


def config(api: FakeApi, **extra: str) -> dict[str, Any]:
    return {
        "base_url": api.url,
        "auth_type": "bearer_token",
        "api_token": SECRET,
        "pagination_type": "offset",
        "page_size": "2",
        **extra,
    }


def offset_pages(good: Any, error: Any, failing_page: int | None) -> Any:
    """Offset pages of ITEMS in the vendor's shape; page `failing_page` answers the error."""

    def handle(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        if failing_page is not None and offset // limit + 1 == failing_page:
            return Reply(200, error)
        return Reply(200, good(ITEMS[offset : offset + limit]))

    return handle


def shape_resource(name: str, path: str, data_path: str, **selector: Any) -> dict[str, Any]:
    if name == "graphql":  # a GraphQL operation: a POST whose JSON body has a query string
        selector |= {"method": "POST", "body": {"query": GRAPHQL_QUERY}, "read_only": True}
    return resource(path, data_path=data_path, **selector)


def failed_safely(result: Any, logs: list[str]) -> str:
    """The resync failed, Ocean deleted nothing, and no secret is in the error or the logs."""
    assert result.errors and result.deleted_entities == []
    message = str(result.errors[0])
    assert SECRET not in message and not any(SECRET in line for line in logs)
    return message


@pytest.mark.parametrize("page", [1, 2])
@pytest.mark.parametrize("name", list(SHAPES))
async def test_an_error_body_on_page_1_or_2_fails_the_resync(
    api: FakeApi, name: str, page: int
) -> None:
    data_path, good, error, quoted = SHAPES[name]
    target = shape_resource(name, "/items", data_path)
    api.route(target["selector"].get("method", "GET"), "/items", offset_pages(good, error, page))
    with captured_logs() as logs:
        result = await run_resync(config(api), mapping(target), STALE)
    message = failed_safely(result, logs)
    assert f"(page {page})" in message and "/items?offset=" in message
    assert f"the API says: {quoted}" in message
    upserted = sorted(e["identifier"] for e in result.upserted_entities)
    assert upserted == ([] if page == 1 else ["0", "1"])  # page 1's items, nothing deleted


@pytest.mark.parametrize("name", list(SHAPES))
async def test_the_same_shapes_with_good_pages_sync_and_delete_the_stale(
    api: FakeApi, name: str
) -> None:
    """The control: the check does not fire on the vendors' good pages, and a completed resync
    still deletes what is gone, so the failures above are the check's doing."""
    data_path, good, error, _ = SHAPES[name]
    target = shape_resource(name, "/items", data_path)
    api.route(target["selector"].get("method", "GET"), "/items", offset_pages(good, error, None))
    result = await run_resync(config(api), mapping(target), STALE)
    assert result.errors == [] and len(result.upserted_entities) == 6
    assert [e["identifier"] for e in result.deleted_entities] == ["stale"]


async def test_graphql_errors_beside_partial_data_on_page_2_fail_the_resync(api: FakeApi) -> None:
    data_path, good, _, _ = SHAPES["graphql"]

    def handle(request: Received) -> Reply:
        offset = int(request.query["offset"])
        body = good(ITEMS[offset : offset + 2])
        if offset == 2:  # a field the token may not read: data is partial, errors say why
            body["errors"] = [{"message": "Resource not accessible by integration"}]
        return Reply(200, body)

    api.route("POST", "/graphql", handle)
    target = shape_resource("graphql", "/graphql", data_path)
    with captured_logs() as logs:
        result = await run_resync(config(api), mapping(target), STALE)
    message = failed_safely(result, logs)
    assert "(page 2)" in message and "beside partial data" in message
    assert "Resource not accessible by integration" in message


async def test_a_single_request_and_no_data_path_fail_on_an_error_body(api: FakeApi) -> None:
    """paginationType none reads the response through the streaming path; an object body with
    no data_path would be the one item."""
    api.route("GET", "/members", lambda _r: Reply(200, {"ok": False, "error": "token_revoked"}))
    api.route("GET", "/me", lambda _r: Reply(200, {"ok": False, "error": "account_inactive"}))
    cases = [
        (resource("/members", data_path=".members"), "data_path '.members' selected nothing"),
        (resource("/me"), "there is no data_path"),
    ]
    for target, why in cases:
        with captured_logs() as logs:
            result = await run_resync(config(api, pagination_type="none"), mapping(target), STALE)
        message = failed_safely(result, logs)
        said = "token_revoked" if target["kind"] == "/members" else "account_inactive"
        assert "(page 1)" in message and why in message and f"the API says: {said}" in message


async def test_a_discovery_call_answering_an_error_body_fails_the_resync(api: FakeApi) -> None:
    """An error read as "no parents" would delete every child."""
    api.route("GET", "/teams", lambda _r: Reply(200, {"ok": False, "error": "missing_scope"}))
    child = resource(
        "/teams/{team_id}/members",
        data_path=".members",
        path_parameters={"team_id": {"endpoint": "/teams", "data_path": ".teams", "field": ".id"}},
    )
    with captured_logs() as logs:
        result = await run_resync(config(api, pagination_type="none"), mapping(child), STALE)
    assert "missing_scope" in failed_safely(result, logs)


async def test_error_when_false_syncs_items_that_look_like_errors(api: FakeApi) -> None:
    """A CI API's job object whose own field is `success: false`: data, not an error."""
    job = {"id": "job-7", "name": "nightly", "success": False}
    api.route("GET", "/job", lambda _r: Reply(200, job))
    port = [entity("job-7")]
    plain = resource("/job")
    result = await run_resync(config(api, pagination_type="none"), mapping(plain), port)
    assert "success: false" in str(result.errors[0]) and result.deleted_entities == []
    opted_out = resource("/job", error_when="false")
    result = await run_resync(config(api, pagination_type="none"), mapping(opted_out), port)
    assert result.errors == [] and [e["identifier"] for e in result.upserted_entities] == ["job-7"]


async def test_error_when_still_covers_other_shapes(api: FakeApi) -> None:
    body = {"status": "FAILED", "reason": "quota exceeded", "items": []}
    api.route("GET", "/items", offset_pages(lambda items: {"items": items}, body, 2))
    target = resource(
        "/items", data_path=".items", error_when='.status == "FAILED"', error_message_path=".reason"
    )
    with captured_logs() as logs:
        result = await run_resync(config(api), mapping(target), STALE)
    message = failed_safely(result, logs)
    assert "error_when" in message and "quota exceeded" in message and "(page 2)" in message
