"""B4: Port's custom-authentication page - its Helm (`--set-json`) and Docker commands and its
five "common examples", each against a token endpoint answering the page's own "expected auth
response", and the hidden main-branch spelling `customAuthResponse`.

Every fetched token and every credential in `customAuthRequest` is a secret: none may appear in
the log. The API serves 250 users in one document (the page configures no pagination).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sample_api.server import FakeApi, Handler, Received, Reply
from tests.corpus.fakes.generic import DENIED, people
from tests.corpus.fakes.token_server import form_has, json_body_is, token_endpoint
from tests.corpus.kit import Published, load, sync
from tests.corpus.variants import items_by_blueprint, load_helm_json, variant

NAME = "B4-custom-auth"
USERS = people(250)
EXPECTED = items_by_blueprint("user", USERS)
TOKEN = "corpus-fetched-token-" + "f" * 40
BASE = "https://api.yourcompany.com"


def example(number: int) -> dict[str, Any]:
    text = (Path(__file__).parent / "configs" / NAME / f"example-{number}.json").read_text()
    return dict(json.loads(text))


def from_example(number: int, template_key: str = "CUSTOM_AUTH_REQUEST_TEMPLATE") -> Published:
    given = example(number)
    return variant(
        f"{NAME}-example-{number}",
        NAME,
        {
            "OCEAN__INTEGRATION__CONFIG__BASE_URL": BASE,
            "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE": "custom",
            "OCEAN__INTEGRATION__CONFIG__CUSTOM_AUTH_REQUEST": json.dumps(
                given["customAuthRequest"]
            ),
            f"OCEAN__INTEGRATION__CONFIG__{template_key}": json.dumps(
                given["customAuthRequestTemplate"]
            ),
        },
    )


def api_requiring(headers: dict[str, str], query: dict[str, str]) -> Handler:
    def handler(request: Received) -> Reply:
        ok = all(request.headers.get(k.lower()) == v for k, v in headers.items()) and all(
            request.query.get(k) == v for k, v in query.items()
        )
        return (
            Reply(json_body={"data": USERS, "meta": {"total": len(USERS), "page": 1}})
            if ok
            else DENIED
        )

    return handler


def serve(api: FakeApi, published: Published, number: int) -> None:
    """The token endpoint and API of example `number`, checking the dummies the kit filled in."""
    v = published.value
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    if number == 1:
        check = form_has(
            {
                "grant_type": "client_credentials",
                "client_id": v("<CLIENT_ID>"),
                "client_secret": v("<CLIENT_SECRET>"),
            }
        )
        login = (
            "/oauth/token",
            check,
            {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600},
        )
        wanted: tuple[dict[str, str], dict[str, str]] = (bearer, {})
    elif number == 2:
        check = json_body_is({"username": v("<USERNAME>"), "password": v("<PASSWORD>")})
        login = ("/api/auth/login", check, {"apiKey": TOKEN, "userId": "u-1"})
        wanted = ({}, {"api_key": TOKEN})
    elif number == 3:
        check = json_body_is({"clientId": v("<CLIENT_ID>"), "clientSecret": v("<CLIENT_SECRET>")})
        login = (
            "/v1/auth/token",
            check,
            {"jwt": TOKEN, "version": "2024-01", "expiresAt": "2099-01-01T00:00:00Z"},
        )
        wanted = ({**bearer, "X-API-Version": "2024-01"}, {})
    elif number == 4:
        check = json_body_is(
            {"credentials": {"username": v("<USERNAME>"), "password": v("<PASSWORD>")}}
        )
        login = (
            "/auth/login",
            check,
            {"status": "ok", "data": {"token": TOKEN, "sessionId": "s-42"}},
        )
        wanted = ({**bearer, "X-Session-ID": "s-42"}, {})
    else:
        check = json_body_is({"clientId": v("<CLIENT_ID>"), "clientSecret": v("<CLIENT_SECRET>")})
        login = ("/v1/auth/token", check, {"access_token": TOKEN})
        wanted = (bearer, {"token": TOKEN})
    path, checker, answer = login
    api.route("POST", path, token_endpoint(checker, answer))
    api.route("GET", "/api/v1/users", api_requiring(*wanted))


def assert_no_token_logged(lines: list[str]) -> None:
    assert not [line for line in lines if TOKEN in line], "a fetched token reached the log"


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
async def test_common_example_authenticates_and_syncs(
    number: int, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = from_example(number)
    serve(api, published, number)

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_complete()
    assert_no_token_logged(outcome.log)


@pytest.mark.parametrize("connection", ["docker.sh", "helm.sh"])
async def test_published_commands(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, "docker.sh") if connection == "docker.sh" else load_helm_json(NAME)
    assert "OCEAN__INTEGRATION__CONFIG__CUSTOM_AUTH_REQUEST" in published.env
    serve(api, published, 1)

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_complete()
    assert_no_token_logged(outcome.log)


async def test_hidden_page_spelling_custom_auth_response(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = from_example(1, template_key="CUSTOM_AUTH_RESPONSE")
    serve(api, published, 1)

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_complete()


async def test_both_template_spellings_is_an_error(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = from_example(1)
    env = {
        **base.env,
        "OCEAN__INTEGRATION__CONFIG__CUSTOM_AUTH_RESPONSE": json.dumps(
            {"headers": {"Authorization": "Bearer {{.token}}"}}
        ),
    }
    published = variant(base.name, NAME, env)
    serve(api, published, 1)

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_failed_safely("customAuthResponse", "customAuthRequestTemplate")
    assert api.received == []
