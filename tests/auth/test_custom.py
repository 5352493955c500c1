"""`authType: custom` on the wire: the documented configs, over a real loopback API."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

import pytest

from auth.custom import CustomLoginAuth
from connection.auth_config import CustomAuthRequest, CustomAuthTemplate
from core.errors import ConfigurationError
from core.redaction import Redactor
from sample_api.server import FakeApi, Received, Reply
from tests.auth.auth_kit import (
    PASSWORD,
    Clock,
    LoginServer,
    all_logs,
    api_client,
    custom_settings,
    endpoint,
    http_client,
    items_of,
    token_number,
)

ITEMS = [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}]
BEARER_TEMPLATE = {"headers": {"Authorization": "Bearer {{.access_token}}"}}
FORM_LOGIN = {
    "endpoint": "/oauth/token",
    "method": "POST",
    "bodyForm": f"grant_type=client_credentials&client_id=x&client_secret={PASSWORD}",
}
JSON_LOGIN = {"endpoint": "/auth/login", "body": {"username": "u", "password": PASSWORD}}


async def fetch_items(settings: Any, kind: str = "/items", **selector: Any) -> list[Any]:
    async with api_client(settings) as (client, _redact):
        return await items_of(client, endpoint(settings.base_url, kind, **selector))


async def test_documented_form_login_with_a_bearer_template(api: FakeApi) -> None:
    server = LoginServer(api, "/oauth/token")
    api.route("GET", "/items", server.guard(ITEMS))
    assert await fetch_items(custom_settings(api.url, FORM_LOGIN, BEARER_TEMPLATE)) == ITEMS
    (login,) = server.logins
    assert login.headers["content-type"] == "application/x-www-form-urlencoded"
    assert login.body.decode() == FORM_LOGIN["bodyForm"]  # sent exactly as written
    (call,) = api.requests_to("/items")
    assert call.headers["authorization"] == f"Bearer {token_number(1)}"


async def test_documented_json_login_and_configs_given_as_json_strings(api: FakeApi) -> None:
    # Env vars and Helm values deliver the objects as JSON strings.
    server = LoginServer(api, "/auth/login", shape=lambda token: {"token": token})
    api.route("GET", "/items", server.guard(ITEMS))
    template = json.dumps({"headers": {"Authorization": "Bearer {{.token}}"}})
    settings = custom_settings(api.url, json.dumps(JSON_LOGIN), template)
    assert await fetch_items(settings) == ITEMS
    (login,) = server.logins
    assert login.headers["content-type"] == "application/json"
    assert login.json() == {"username": "u", "password": PASSWORD}


async def test_port_style_login_with_explicit_headers_and_camel_case_answer(api: FakeApi) -> None:
    """Port's own example: JSON login with Content-Type/Accept given, `{{.accessToken}}`."""
    server = LoginServer(api, "/v1/auth/access_token", shape=lambda t: {"accessToken": t})
    api.route("GET", "/items", server.guard(ITEMS))
    login = {
        "endpoint": "/v1/auth/access_token",
        "headers": {"Content-Type": "application/json", "Accept": "application/json"},
        "body": {"clientId": "my-client", "clientSecret": PASSWORD},
    }
    template = {"headers": {"Authorization": "Bearer {{.accessToken}}"}}
    assert await fetch_items(custom_settings(api.url, login, template)) == ITEMS
    (request,) = server.logins
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"clientId": "my-client", "clientSecret": PASSWORD}


async def test_login_headers_query_params_method_and_a_base_path(api: FakeApi) -> None:
    seen: list[Received] = []

    def login(request: Received) -> Reply:
        seen.append(request)
        return Reply(json_body={"access_token": token_number(1)})

    api.route("PUT", "/api/session", login)
    api.json_route("/api/items", ITEMS)
    config = {
        "endpoint": "session",  # joined to baseUrl, keeping its /api prefix
        "method": "put",
        "headers": {"X-Client": "ocean", "X-Login-Key": PASSWORD},
        "queryParams": {"tenant": "acme", "v": 2},
    }
    await fetch_items(custom_settings(api.url + "/api", config, BEARER_TEMPLATE))
    (request,) = seen
    assert request.headers["x-client"] == "ocean" and request.headers["x-login-key"] == PASSWORD
    assert request.query == {"tenant": "acme", "v": "2"}
    # The login's own headers are not sent to the API.
    assert "x-login-key" not in api.requests_to("/api/items")[0].headers


async def test_templated_query_parameter(api: FakeApi) -> None:
    server = LoginServer(api, "/auth/login", shape=lambda token: {"token": token})
    api.route("GET", "/items", server.guard(ITEMS, lambda r: r.query.get("api_key")))
    template = {"queryParams": {"api_key": "{{.token}}"}}
    settings = custom_settings(api.url, JSON_LOGIN, template)
    with all_logs() as logs:
        items = await fetch_items(settings, query_params={"status": "open"})
    assert items == ITEMS
    (call,) = api.requests_to("/items")
    assert call.query == {"status": "open", "api_key": token_number(1)}
    text = "\n".join(logs)
    encoded = parse_qs(call.raw_query)["api_key"][0]
    assert token_number(1) not in text and "%2B%2F%3D" not in text
    assert encoded == token_number(1)


async def test_templated_body_merges_into_json_bodies_only(api: FakeApi) -> None:
    server = LoginServer(api, "/auth/login", shape=lambda token: {"token": token, "uid": 42})
    bodies: list[Any] = []

    def search(request: Received) -> Reply:
        bodies.append(request.json())
        return Reply(json_body=ITEMS)

    api.route("POST", "/search", search)
    api.json_route("/items", ITEMS)
    template = {"body": {"token": "{{.token}}", "user": "{{.uid}}", "label": "uid={{.uid}}"}}
    settings = custom_settings(api.url, JSON_LOGIN, template)
    async with api_client(settings) as (client, _):
        search_call = endpoint(api.url, "/search", method="POST", body={"q": "x", "token": "old"})
        assert await items_of(client, search_call) == ITEMS
        assert await items_of(client, endpoint(api.url)) == ITEMS
    # The template wins a clash; a whole-placeholder value keeps its JSON type.
    assert bodies == [{"q": "x", "token": token_number(1), "user": 42, "label": "uid=42"}]
    (get,) = api.requests_to("/items")
    assert get.body == b""  # a GET has no body to carry it
    assert len(server.logins) == 1


async def test_non_string_values_render_as_json_not_python(api: FakeApi) -> None:
    answer = {"session": {"id": "s-1", "ok": True}, "n": 7, "flag": False}
    api.route("POST", "/auth/login", lambda _r: Reply(json_body=answer))
    api.json_route("/items", ITEMS)
    template = {"headers": {"X-Session": "{{.session}}", "X-N": "{{.n}}", "X-F": "{{.flag}}"}}
    await fetch_items(custom_settings(api.url, JSON_LOGIN, template))
    headers = api.requests_to("/items")[0].headers
    assert json.loads(headers["x-session"]) == {"id": "s-1", "ok": True}
    assert (headers["x-n"], headers["x-f"]) == ("7", "false")


async def test_a_placeholder_missing_from_the_answer_raises(api: FakeApi) -> None:
    api.route("POST", "/auth/login", lambda _r: Reply(json_body={"jwt": token_number(1)}))
    api.json_route("/items", ITEMS)
    with pytest.raises(ConfigurationError) as caught:
        await fetch_items(custom_settings(api.url, JSON_LOGIN, BEARER_TEMPLATE))
    assert "top-level keys are: jwt" in str(caught.value)
    assert token_number(1) not in str(caught.value)
    assert api.requests_to("/items") == []


async def test_a_401_from_the_api_logs_in_again_and_resends(api: FakeApi) -> None:
    server = LoginServer(api, "/auth/login")
    api.route("GET", "/items", server.guard(ITEMS))
    async with api_client(custom_settings(api.url, JSON_LOGIN, BEARER_TEMPLATE)) as (client, _):
        assert await items_of(client, endpoint(api.url)) == ITEMS
        server.revoke_all()  # the server ends the session
        assert await items_of(client, endpoint(api.url)) == ITEMS
    assert len(server.logins) == 2
    sent = [r.headers["authorization"] for r in api.requests_to("/items")]
    # ok, 401 (revoked), then the same request again with the new token
    assert sent == [f"Bearer {token_number(n)}" for n in (1, 1, 2)]


async def test_expiry_renews_ahead_of_time_over_the_wire(api: FakeApi) -> None:
    server = LoginServer(api, "/auth/login", expires_in=30)
    api.route("GET", "/items", server.guard(ITEMS))
    settings = custom_settings(api.url, JSON_LOGIN, BEARER_TEMPLATE)
    clock = Clock()
    auth = built_auth(settings, clock)
    async with http_client(settings, auth) as http:
        assert (await http.get(f"{api.url}/items")).status_code == 200
        clock.advance(27)  # 30 s token, renewed 3 s ahead: the old one still works server-side
        assert (await http.get(f"{api.url}/items")).status_code == 200
    calls = api.requests_to("/items")  # two calls, no 401 in between: renewed before it
    assert [c.headers["authorization"] for c in calls] == [
        f"Bearer {token_number(1)}",
        f"Bearer {token_number(2)}",
    ]
    assert len(server.logins) == 2


async def test_twenty_concurrent_requests_at_expiry_cause_one_login(api: FakeApi) -> None:
    server = LoginServer(api, "/auth/login", expires_in=60, delay=0.05)
    api.route("GET", "/items", server.guard(ITEMS))
    settings = custom_settings(api.url, JSON_LOGIN, BEARER_TEMPLATE, max_concurrent_requests=25)
    clock = Clock()
    async with http_client(settings, built_auth(settings, clock)) as http:
        await http.get(f"{api.url}/items")
        clock.advance(60)
        responses = await asyncio.gather(*(http.get(f"{api.url}/items") for _ in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    assert len(server.logins) == 2  # the first login, and exactly one renewal


async def test_twenty_concurrent_401s_cause_one_login(api: FakeApi) -> None:
    server = LoginServer(api, "/auth/login", delay=0.05)
    api.route("GET", "/items", server.guard(ITEMS))
    settings = custom_settings(api.url, JSON_LOGIN, BEARER_TEMPLATE, max_concurrent_requests=25)
    async with http_client(settings) as http:
        await http.get(f"{api.url}/items")
        server.revoke_all()
        responses = await asyncio.gather(*(http.get(f"{api.url}/items") for _ in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    assert len(server.logins) == 2


async def test_the_login_is_retried_on_429_and_5xx_like_any_call(api: FakeApi) -> None:
    answers = iter(
        [
            Reply(503, {"error": "busy"}),
            Reply(429, {"error": "slow down"}, headers={"Retry-After": "0"}),
            Reply(json_body={"access_token": token_number(1)}),
        ]
    )
    api.route("POST", "/auth/login", lambda _r: next(answers))
    api.json_route("/items", ITEMS)
    assert await fetch_items(custom_settings(api.url, JSON_LOGIN, BEARER_TEMPLATE)) == ITEMS
    assert len(api.requests_to("/auth/login")) == 3


async def test_a_login_endpoint_on_another_origin(api: FakeApi, other_api: FakeApi) -> None:
    """The login goes to the auth server only; the token goes to the API only."""
    server = LoginServer(other_api, "/token")
    api.route("GET", "/items", server.guard(ITEMS))
    config = {**JSON_LOGIN, "endpoint": f"{other_api.url}/token"}
    assert await fetch_items(custom_settings(api.url, config, BEARER_TEMPLATE)) == ITEMS
    assert [r.path for r in other_api.received] == ["/token"]
    assert "authorization" not in other_api.received[0].headers
    assert all(PASSWORD.encode() not in r.body for r in api.received)


async def test_a_next_link_to_another_origin_gets_no_credential(
    api: FakeApi, other_api: FakeApi
) -> None:
    server = LoginServer(api, "/auth/login", shape=lambda t: {"access_token": t, "sid": t})
    first = {"items": ITEMS[:1], "next": f"{other_api.url}/items?page=2"}
    api.route("GET", "/items", server.guard(first))
    other_api.json_route("/items", {"items": ITEMS[1:]})
    template = {
        "headers": {"Authorization": "Bearer {{.access_token}}", "Cookie": "sid={{.sid}}"},
        "queryParams": {"api_key": "{{.access_token}}"},
    }
    settings = custom_settings(
        api.url, JSON_LOGIN, template, pagination_type="next_link", next_link_path="next"
    )
    assert await fetch_items(settings, data_path=".items") == ITEMS
    (foreign,) = other_api.received
    assert "authorization" not in foreign.headers and "cookie" not in foreign.headers
    assert foreign.query == {"page": "2"}
    assert token_number(1) not in json.dumps(foreign.headers) + foreign.raw_query


def test_settings_secrets_hold_every_login_value() -> None:
    settings = custom_settings("https://api.example.com", FORM_LOGIN, BEARER_TEMPLATE)
    assert PASSWORD in settings.secrets
    assert PASSWORD not in repr(settings)


def built_auth(settings: Any, clock: Clock) -> CustomLoginAuth:
    login, template = settings.custom_auth_request, settings.custom_auth_request_template
    assert isinstance(login, CustomAuthRequest) and isinstance(template, CustomAuthTemplate)
    return CustomLoginAuth(
        settings.base_url, login, template, Redactor(settings.secrets), clock=clock
    )
