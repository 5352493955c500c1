"""Static auth on the wire: the headers that really arrived, and none at another origin."""

from __future__ import annotations

from base64 import b64encode
from typing import Any

import httpx
import pytest

from auth.factory import build_auth
from auth.static import BasicAuth, HeaderAuth, NoAuth, origin_of
from connection.settings import ConnectionSettings, load_settings
from core.errors import ConfigurationError
from sample_api.server import FakeApi, Reply
from tests.client_kit import SECRET, endpoint, fetch

CREDENTIAL_HEADERS = ("authorization", "x-auth-key", "x-tenant-token", "cookie")


def basic(pair: str) -> str:
    return "Basic " + b64encode(pair.encode()).decode()


AUTH_CASES: list[tuple[dict[str, Any], dict[str, str]]] = [
    ({"auth_type": "bearer_token", "api_token": SECRET}, {"authorization": f"Bearer {SECRET}"}),
    (
        {"auth_type": "basic", "username": "me", "password": SECRET},
        {"authorization": basic(f"me:{SECRET}")},
    ),
    # Token-as-username APIs: the password is empty and the colon is still sent.
    ({"auth_type": "basic", "username": SECRET}, {"authorization": basic(f"{SECRET}:")}),
    (
        {"auth_type": "basic", "username": SECRET, "password": ""},
        {"authorization": basic(f"{SECRET}:")},
    ),
    ({"auth_type": "api_key", "api_key": SECRET}, {"x-api-key": SECRET}),
    (
        {"auth_type": "api_key", "api_key": SECRET, "api_key_header": "X-Auth-Key"},
        {"x-auth-key": SECRET},
    ),
    (
        {"auth_type": "api_key", "api_key": f"Token {SECRET}", "api_key_header": "Authorization"},
        {"authorization": f"Token {SECRET}"},
    ),
]
AUTH_IDS = [
    "bearer",
    "basic",
    "basic-no-password",
    "basic-empty-password",
    "api-key",
    "api-key-custom",
    "api-key-authz",
]


@pytest.mark.parametrize(("auth", "expected"), AUTH_CASES, ids=AUTH_IDS)
async def test_the_credential_arrives_as_configured(
    api: FakeApi, auth: dict[str, Any], expected: dict[str, str]
) -> None:
    api.json_route("/items", {"items": [{"id": 1}]})
    await fetch(api.url, **auth)
    headers = api.requests_to("/items")[0].headers
    for name, value in expected.items():
        assert headers[name] == value
    other_credentials = set(CREDENTIAL_HEADERS) - set(expected)
    assert not other_credentials & set(headers)


async def test_no_auth_sends_no_credential(api: FakeApi) -> None:
    api.json_route("/items", {"items": []})
    await fetch(api.url)
    headers = api.requests_to("/items")[0].headers
    assert not set(CREDENTIAL_HEADERS) & set(headers)
    assert "x-api-key" not in headers


@pytest.mark.parametrize(("auth", "_expected"), AUTH_CASES, ids=AUTH_IDS)
async def test_no_credential_follows_a_next_link_to_another_origin(
    api: FakeApi, other_api: FakeApi, auth: dict[str, Any], _expected: dict[str, str]
) -> None:
    # The API sets a session cookie and points its next link at another origin (other port).
    api.route(
        "GET",
        "/items",
        lambda _r: Reply(
            json_body={"items": [{"id": 1}], "next": f"{other_api.url}/items?page=2"},
            headers={"Set-Cookie": f"session={SECRET}; Path=/"},
        ),
    )
    other_api.json_route("/items", {"items": [{"id": 2}]})
    selector = {"Accept": "application/json", "X-Tenant-Token": SECRET}
    target = endpoint(api.url, data_path=".items", headers=selector)
    pages = await fetch(api.url, target, pagination_type="next_link", next_link_path="next", **auth)
    assert pages == [[{"id": 1}], [{"id": 2}]]
    assert api.requests_to("/items")[0].headers["x-tenant-token"] == SECRET  # home: sent
    abroad = other_api.requests_to("/items")[0]
    assert not set(CREDENTIAL_HEADERS) & set(abroad.headers)
    assert "x-api-key" not in abroad.headers
    assert SECRET not in str(abroad.headers) + abroad.raw_query
    assert abroad.headers["accept"] == "application/json"  # a neutral header still goes


async def test_no_credential_follows_a_link_header_to_another_origin(
    api: FakeApi, other_api: FakeApi
) -> None:
    link = f'<{other_api.url}/items?page=2>; rel="next"'
    api.route("GET", "/items", lambda _r: Reply(json_body=[{"id": 1}], headers={"Link": link}))
    other_api.json_route("/items", [{"id": 2}])
    target = endpoint(api.url, headers={"X-Tenant-Token": SECRET})
    auth = {"auth_type": "bearer_token", "api_token": SECRET}
    assert await fetch(api.url, target, pagination_type="header_link", **auth) == [
        [{"id": 1}],
        [{"id": 2}],
    ]
    assert api.requests_to("/items")[0].headers["authorization"] == f"Bearer {SECRET}"
    assert not set(CREDENTIAL_HEADERS) & set(other_api.requests_to("/items")[0].headers)


# --- pure: scope and factory ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "same"),
    [
        ("https://api.example.com/other/path?x=1", True),
        ("https://api.example.com:443/v1", True),  # default port made explicit
        ("HTTPS://API.EXAMPLE.COM/v1", True),
        ("http://api.example.com/v1", False),  # scheme differs
        ("https://api.example.com:8443/v1", False),  # port differs
        ("https://evil.example.com/v1", False),
        ("https://api.example.com.evil.net/v1", False),
    ],
)
def test_origin_scope(url: str, same: bool) -> None:
    auth = HeaderAuth(["https://api.example.com/v1"], "Authorization", "Bearer x")
    assert auth.in_scope(httpx.Request("GET", url)) is same
    assert (origin_of(url) == origin_of("https://api.example.com")) is same


def test_auth_flow_driven_by_hand_adds_the_header_only_in_scope() -> None:
    auth = BasicAuth(["https://h.example.com"], "me", "")
    home = next(auth.auth_flow(httpx.Request("GET", "https://h.example.com/x")))
    away = next(auth.auth_flow(httpx.Request("GET", "https://o.example.com/x")))
    assert home.headers["Authorization"] == basic("me:")
    assert "Authorization" not in away.headers


@pytest.mark.parametrize(
    ("auth", "auth_class"),
    [
        ({}, NoAuth),
        ({"auth_type": "bearer_token", "api_token": SECRET}, HeaderAuth),
        ({"auth_type": "api_key", "api_key": SECRET}, HeaderAuth),
        ({"auth_type": "basic", "username": "u"}, BasicAuth),
    ],
)
def test_build_auth_maps_each_auth_type(auth: dict[str, Any], auth_class: type) -> None:
    settings = load_settings({"base_url": "https://h.example.com", **auth})
    assert type(build_auth(settings)) is auth_class


def test_build_auth_unknown_type_lists_the_allowed_ones() -> None:
    settings = ConnectionSettings.model_construct(base_url="https://h", auth_type="oauth")
    with pytest.raises(ConfigurationError, match=r"authType: 'oauth'.*allowed: none, bearer"):
        build_auth(settings)
