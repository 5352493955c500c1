"""`authType: oauth2_client_credentials`: the token request on the wire, and its settings."""

from __future__ import annotations

from base64 import b64decode
from typing import Any
from urllib.parse import parse_qs

import pytest

from auth.factory import build_auth
from auth.oauth2 import ClientCredentialsAuth
from connection.settings import ConnectionSettings, load_settings
from core.errors import AuthenticationError, ConfigurationError
from core.redaction import Redactor
from sample_api.server import FakeApi, Reply
from tests.auth.auth_kit import (
    CLIENT_SECRET,
    Clock,
    LoginServer,
    all_logs,
    api_client,
    endpoint,
    http_client,
    items_of,
    token_number,
)

ITEMS = [{"id": 1}, {"id": 2}]


def oauth2_settings(base_url: str, token_url: str, **raw: Any) -> ConnectionSettings:
    return load_settings(
        {
            "base_url": base_url,
            "auth_type": "oauth2_client_credentials",
            "oauth_token_url": token_url,
            "oauth_client_id": "ocean-client",
            "oauth_client_secret": CLIENT_SECRET,
            **raw,
        }
    )


async def fetch_items(settings: ConnectionSettings) -> list[Any]:
    async with api_client(settings) as (client, _):
        return await items_of(client, endpoint(settings.base_url))


async def test_client_secret_basic_by_default(api: FakeApi, other_api: FakeApi) -> None:
    server = LoginServer(other_api, "/oauth/token", expires_in=3600)
    api.route("GET", "/items", server.guard(ITEMS))
    settings = oauth2_settings(
        api.url,
        f"{other_api.url}/oauth/token",
        oauth_scope="read:users read:groups",
        oauth_audience="https://api.example.com",
    )
    assert await fetch_items(settings) == ITEMS
    (login,) = server.logins
    scheme, _, encoded = login.headers["authorization"].partition(" ")
    assert (scheme, b64decode(encoded).decode()) == ("Basic", f"ocean-client:{CLIENT_SECRET}")
    assert login.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(login.body.decode()) == {
        "grant_type": ["client_credentials"],
        "scope": ["read:users read:groups"],
        "audience": ["https://api.example.com"],
    }
    (call,) = api.requests_to("/items")
    assert call.headers["authorization"] == f"Bearer {token_number(1)}"
    # Scope: the secret never reaches the API, the token never reaches the token server.
    assert all(CLIENT_SECRET.encode() not in r.body for r in api.received)
    assert [r.path for r in other_api.received] == ["/oauth/token"]


async def test_client_secret_post(api: FakeApi) -> None:
    server = LoginServer(api, "/oauth/token")
    api.route("GET", "/items", server.guard(ITEMS))
    settings = oauth2_settings(
        api.url, "/oauth/token", oauth_client_authentication="client_secret_post"
    )
    assert await fetch_items(settings) == ITEMS
    (login,) = server.logins
    assert "authorization" not in login.headers
    assert parse_qs(login.body.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["ocean-client"],
        "client_secret": [CLIENT_SECRET],
    }


def test_basic_credentials_are_form_encoded_first() -> None:
    """RFC 6749 §2.3.1: a ':' or '+' in the id or secret is encoded before base64."""
    auth = ClientCredentialsAuth(
        "https://api.example.com", "/token", "id:1", "s+cret/x", Redactor()
    )
    header = auth.login_request().headers["authorization"]
    assert b64decode(header.removeprefix("Basic ")).decode() == "id%3A1:s%2Bcret%2Fx"


async def test_expires_in_drives_the_renewal(api: FakeApi) -> None:
    server = LoginServer(api, "/oauth/token", expires_in=300)
    api.route("GET", "/items", server.guard(ITEMS))
    settings = oauth2_settings(api.url, "/oauth/token")
    clock = Clock()
    auth = ClientCredentialsAuth(
        settings.base_url, "/oauth/token", "ocean-client", CLIENT_SECRET, Redactor(), clock=clock
    )
    async with http_client(settings, auth) as http:
        await http.get(f"{api.url}/items")
        clock.advance(269)  # 300 s token, renewed 30 s ahead
        await http.get(f"{api.url}/items")
        assert len(server.logins) == 1
        clock.advance(1)
        await http.get(f"{api.url}/items")
    assert len(server.logins) == 2
    assert [r.headers["authorization"][-10:] for r in api.requests_to("/items")] == [
        token_number(n)[-10:] for n in (1, 1, 2)
    ]


async def test_a_refused_client_names_the_settings_and_hides_the_secret(api: FakeApi) -> None:
    refusal = {"error": "invalid_client", "error_description": f"bad secret {CLIENT_SECRET}"}
    api.route("POST", "/oauth/token", lambda _r: Reply(401, refusal))
    with all_logs() as logs, pytest.raises(AuthenticationError) as caught:
        await fetch_items(oauth2_settings(api.url, "/oauth/token"))
    message = str(caught.value)
    assert "returned 401" in message and "invalid_client" in message
    assert "oauthClientId / oauthClientSecret" in message
    assert CLIENT_SECRET not in message and CLIENT_SECRET not in "\n".join(logs)
    assert api.requests_to("/items") == []


async def test_a_token_response_without_access_token(api: FakeApi) -> None:
    api.route("POST", "/oauth/token", lambda _r: Reply(json_body={"token": "abcdefgh123"}))
    with pytest.raises(AuthenticationError) as caught:
        await fetch_items(oauth2_settings(api.url, "/oauth/token"))
    assert "holds no access_token; its top-level keys are: token" in str(caught.value)
    assert "abcdefgh123" not in str(caught.value)


def test_settings_and_spec_keys() -> None:
    settings = oauth2_settings("https://api.example.com", "https://idp.example.com/oauth/token")
    assert settings.oauth_client_authentication == "client_secret_basic"
    assert CLIENT_SECRET in settings.secrets
    assert CLIENT_SECRET not in repr(settings)
    assert isinstance(build_auth(settings, Redactor()), ClientCredentialsAuth)
    camel = ConnectionSettings.model_validate(
        {
            "baseUrl": "https://api.example.com",
            "authType": "oauth2_client_credentials",
            "oauthTokenUrl": "/token",
            "oauthClientId": "c",
            "oauthClientSecret": CLIENT_SECRET,
        }
    )
    assert camel.oauth_token_url == "/token"


@pytest.mark.parametrize(
    ("missing", "key"),
    [
        ("oauth_token_url", "oauthTokenUrl"),
        ("oauth_client_id", "oauthClientId"),
        ("oauth_client_secret", "oauthClientSecret"),
    ],
)
def test_missing_settings_are_named(missing: str, key: str) -> None:
    raw = {
        "base_url": "https://api.example.com",
        "auth_type": "oauth2_client_credentials",
        "oauth_token_url": "https://idp.example.com/token",
        "oauth_client_id": "c",
        "oauth_client_secret": CLIENT_SECRET,
    }
    del raw[missing]
    with pytest.raises(ConfigurationError, match=f"needs {key}"):
        load_settings(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"oauth_token_url": "ftp://idp/token"}, "oauthTokenUrl: must be a path"),
        (
            {"oauth_client_authentication": "tls_client_auth"},
            "allowed: client_secret_basic, client_secret_post, private_key_jwt",
        ),
    ],
)
def test_invalid_settings_are_named(raw: dict[str, Any], expected: str) -> None:
    base = {
        "base_url": "https://api.example.com",
        "auth_type": "oauth2_client_credentials",
        "oauth_token_url": "https://idp.example.com/token",
        "oauth_client_id": "c",
        "oauth_client_secret": CLIENT_SECRET,
    }
    with pytest.raises(ConfigurationError) as caught:
        load_settings({**base, **raw})
    assert expected in str(caught.value)
    assert CLIENT_SECRET not in str(caught.value)
