"""The default error shapes of a 2xx body, at the pure level: which bodies are errors, the API's
own words quoted from them, and when `check_default_errors` applies them to a page.

The error bodies follow the vendors' documentation (cited in `pages/error_envelope.py` and in
tests/pages/test_error_bodies.py, which runs each one through real Ocean)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from core.errors import ApiReportedError
from pages.error_body import check_default_errors
from pages.error_envelope import api_message, error_shape, is_graphql_request
from tests.client_kit import with_call

SECRET = "tok-" + "Zr8Wq3Nd6Hs1" * 4
WHERE = "[/x] GET https://api.test/x (page 2)"

ERROR_BODIES: list[tuple[Any, str, str]] = [
    ({"ok": False, "error": "invalid_auth"}, "ok: false", "invalid_auth"),  # Slack
    (
        {"success": False, "error": "Unauthorized access", "error_info": "See docs", "data": None},
        "success: false",
        "Unauthorized access; See docs",
    ),  # Pipedrive
    (
        {"errors": [{"message": "Bad credentials"}, {"message": "Rate limited"}], "data": None},
        "errors",
        "Bad credentials; Rate limited",
    ),  # GraphQL
    (
        {"errors": [{"status": "403", "title": "Forbidden", "detail": "No access to team"}]},
        "errors",
        "No access to team (403)",
    ),  # JSON:API: `detail` is the human text, `title` the generic one
    (
        {"error": {"code": 401, "message": "Invalid credentials", "status": "UNAUTHENTICATED"}},
        "error",
        "Invalid credentials (401)",
    ),  # Google
    (
        {"error": "invalid_token", "error_description": "The access token expired"},
        "error",
        "invalid_token; The access token expired",
    ),  # OAuth 2 (RFC 6749 section 5.2)
    (
        {"errorMessages": ["Field 'project' is invalid"], "errors": {}},
        "errorMessages",
        "Field 'project' is invalid",
    ),  # Jira
    ({"error_message": "Invalid API key", "status": "error"}, "error_message", "Invalid API key"),
    (
        {"fault": {"faultstring": "Invalid ApiKey", "detail": {"errorcode": "oauth.v2.X"}}},
        "fault",
        "Invalid ApiKey (oauth.v2.X)",
    ),  # Apigee
]

EMPTY_PAGES: list[Any] = [
    [],
    {"data": []},
    {"data": None, "pagination": {"next": None, "total": 0}},
    {"_links": {"self": {"href": "/items?page=3"}}, "page": {"number": 3}},  # HAL, no _embedded
    {"ok": True, "members": [], "response_metadata": {"next_cursor": ""}},  # Slack
    {"success": True, "data": None, "additional_data": {"pagination": {}}},  # Pipedrive
    {"errors": [], "data": []},
    {"error": None, "items": []},
    {"error": False, "items": []},
    None,
]

NO_PAGES = PaginationSettings()


@pytest.mark.parametrize(("body", "shape", "message"), ERROR_BODIES)
def test_each_documented_error_shape_is_recognised_and_quoted(
    body: Any, shape: str, message: str
) -> None:
    assert error_shape(body) == shape
    assert api_message(body) == message


@pytest.mark.parametrize("body", EMPTY_PAGES)
def test_a_genuinely_empty_page_is_not_an_error(body: Any) -> None:
    assert error_shape(body) is None


def test_a_body_with_no_text_is_quoted_as_json() -> None:
    assert api_message({"ok": False}) == '{"ok": false}'
    assert api_message({"errors": {"project": 7}}) == '{"project": 7}'  # Jira per-field errors


def test_only_the_first_errors_of_a_long_list_are_quoted() -> None:
    body = {"errors": [{"message": f"e{n}"} for n in range(10)]}
    assert api_message(body) == "e0; e1; e2"


@pytest.mark.parametrize(
    ("method", "content", "expected"),
    [
        ("POST", b'{"query": "{ viewer { login } }"}', True),
        ("POST", b' {"query": "query Q { a }", "variables": {"after": null}}', True),
        ("GET", b'{"query": "{ a }"}', False),
        ("POST", b'{"query": {"match_all": {}}}', False),  # Elasticsearch: query is an object
        ("POST", b'{"filter": {}}', False),
        ("POST", b"query=%7Ba%7D", False),
        ("POST", b"{not json", False),
    ],
)
def test_a_graphql_request_is_a_post_with_a_query_string(
    method: str, content: bytes, expected: bool
) -> None:
    assert is_graphql_request(method, content) is expected


def response(body: Any, sent: Any = None, method: str = "GET") -> httpx.Response:
    content = json.dumps(sent).encode() if sent is not None else b""
    request = httpx.Request(method, "https://api.test/x", content=content)
    return httpx.Response(200, json=body, request=request)


def check(body: Any, items: list[dict[str, Any]] | None, **selector: Any) -> None:
    sent = selector.pop("sent", None)
    method = "POST" if sent else "GET"
    selector["method"] = method
    target = Endpoint("/x", "https://api.test/x", pagination=NO_PAGES, **with_call(selector))
    masks = lambda text: text.replace(SECRET, "[REDACTED]")  # noqa: E731
    check_default_errors(body, target, response(body, sent, target.method), WHERE, masks, items)


def test_an_error_body_fails_with_its_shape_the_page_and_the_apis_masked_words() -> None:
    body = {"ok": False, "error": f"token {SECRET} revoked " + "x" * 400}
    with pytest.raises(ApiReportedError) as raised:
        check(body, [], data_path=".members")
    message = str(raised.value)
    assert message.startswith(WHERE) and "200 with an error in the body (ok: false)" in message
    assert "data_path '.members' selected nothing" in message
    assert "the API says: token [REDACTED] revoked xxx" in message and SECRET not in message
    assert "x" * 301 not in message and "selector.error_when: 'false'" in message


def test_an_error_key_beside_items_is_data() -> None:
    check({"error": "partial outage", "items": [{"id": 1}]}, [{"id": 1}], data_path=".items")


def test_without_data_path_an_object_that_looks_like_an_error_is_one() -> None:
    with pytest.raises(ApiReportedError, match="there is no data_path"):
        check({"fault": {"faultstring": "Invalid ApiKey"}}, [{"fault": {}}])


def test_items_not_extracted_yet_are_extracted_for_an_error_shaped_body() -> None:
    with pytest.raises(ApiReportedError, match="invalid_auth"):
        check({"ok": False, "error": "invalid_auth"}, None, data_path=".members")
    check({"ok": False, "members": [{"id": 1}]}, None, data_path=".members")
    with pytest.raises(ApiReportedError, match="missing_scope"):  # data_path cannot read it
        check({"ok": False, "error": "missing_scope", "members": 3}, None, data_path=".members[]")


def test_graphql_errors_fail_even_beside_data_but_only_for_a_graphql_request() -> None:
    body = {"data": {"org": {"nodes": [{"id": 1}]}}, "errors": [{"message": "Not accessible"}]}
    query = {"query": "query { org { nodes { id } } }"}
    with pytest.raises(ApiReportedError) as raised:
        check(body, [{"id": 1}], data_path=".data.org.nodes", sent=query)
    message = str(raised.value)
    assert "GraphQL response holds 1 error(s) beside partial data" in message
    assert "Not accessible" in message and "Partial data is not complete data" in message
    check(body, [{"id": 1}], data_path=".data.org.nodes", sent={"search": "x"})  # not GraphQL


@pytest.mark.parametrize("error_when", ["false", " false "])
def test_error_when_false_turns_the_defaults_off(error_when: str) -> None:
    check({"ok": False, "error": "invalid_auth"}, [], data_path=".m", error_when=error_when)
    body = {"data": None, "errors": [{"message": "Bad credentials"}]}
    check(body, [], data_path=".data", error_when=error_when, sent={"query": "{ a }"})


def test_another_error_when_keeps_the_defaults() -> None:
    with pytest.raises(ApiReportedError, match="invalid_auth"):
        check({"ok": False, "error": "invalid_auth"}, [], data_path=".m", error_when=".x == 1")
