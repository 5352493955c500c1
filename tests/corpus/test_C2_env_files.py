"""C2a-e: the reference's five `examples/config-*.env` files, verbatim.

They spell the pager's parameters `CURSOR_PARAM`, `OFFSET_PARAM`, `PAGE_PARAM` (= paginationParam)
and `LIMIT_PARAM` (= sizeParam): these must load (not stop the integration as unknown names).
Credentials are plain words (`your-api-key-here`, `api-password`): they are replaced by long
dummies so the log can be searched for them. C2a pages by cursor with no `CURSOR_PATH`
against the reference README's documented cursor response (`{data, pagination: {next_cursor,
has_more}}`): the defaults do not cover `pagination.next_cursor`, so the run must page fully
or fail naming cursorPath. C2b has `VERIFY_SSL=false  # For legacy systems ...`: read as a
docker `--env-file` (the comment is part of the value) it must work or fail naming verifySsl;
read as Ocean reads `./.env` (python-dotenv strips the comment) it must work.
"""

from __future__ import annotations

from base64 import b64encode
from dataclasses import replace
from pathlib import Path

import pytest
from dotenv import dotenv_values

from sample_api.server import FakeApi, Reply
from tests.corpus.fakes import token_server
from tests.corpus.fakes.generic import (
    builder_page,
    by_cursor,
    by_offset,
    by_page,
    guarded,
    people,
    readme_cursor_page,
    whole,
)
from tests.corpus.kit import load, sync
from tests.corpus.variants import items_by_blueprint, with_placeholders

USERS = people(250)
EXPECTED = items_by_blueprint("user", USERS)
PATH = "/api/v1/users"
CONFIGS = Path(__file__).parent / "configs"


async def test_c2a_api_key_cursor(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    published = with_placeholders(
        load("C2a-config-api-key"), {"your-api-key-here": "YOUR_API_KEY_HERE"}
    )
    handler = by_cursor(USERS, readme_cursor_page, cursor="cursor", limit="limit")
    api.route("GET", PATH, guarded("X-API-Key", published.value("YOUR_API_KEY_HERE"))(handler))

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    if outcome.errors:
        outcome.assert_failed_safely("cursorPath")
    else:
        outcome.assert_complete()
        assert len(api.requests_to(PATH)) == 10  # 250 at PAGE_SIZE=25


def basic_auth_published(dotenv: bool) -> tuple[object, str]:
    published = load("C2b-config-basic-auth")
    if dotenv:  # as Ocean's pydantic-settings reads ./.env
        values = dotenv_values(CONFIGS / "C2b-config-basic-auth" / "settings.env")
        env = {k: str(v) for k, v in values.items() if k.startswith("OCEAN__INTEGRATION__")}
        published = replace(published, env=env)
    published = with_placeholders(published, {"api-password": "YOUR_API_PASSWORD"})
    header = (
        "Basic " + b64encode(f"api-user:{published.value('YOUR_API_PASSWORD')}".encode()).decode()
    )
    return published, header


@pytest.mark.parametrize("reader", ["docker-env-file", "dotenv"])
async def test_c2b_basic_auth_page(
    reader: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published, header = basic_auth_published(dotenv=reader == "dotenv")
    handler = by_page(USERS, builder_page, page="page", per="size", first=1)
    api.route("GET", PATH, guarded("Authorization", header)(handler))

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)  # type: ignore[arg-type]

    if outcome.errors and reader == "docker-env-file":
        outcome.assert_failed_safely()  # Ocean's own config model may refuse it (verify_ssl)
        assert "verifyssl" in "\n".join(outcome.errors).lower().replace("_", ""), outcome.errors
        return
    outcome.assert_complete()
    assert any("verifySsl=False" in line for line in outcome.log), (
        "VERIFY_SSL=false was not applied"
    )
    assert next(r.query.get("size") for r in api.requests_to(PATH)) == "50"


async def test_c2c_bearer_offset(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    published = with_placeholders(
        load("C2c-config-bearer-token"), {"your-bearer-token-here": "YOUR_BEARER_TOKEN"}
    )
    handler = by_offset(USERS, builder_page, offset="offset", limit="limit")
    api.route(
        "GET",
        PATH,
        guarded("Authorization", f"Bearer {published.value('YOUR_BEARER_TOKEN')}")(handler),
    )

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_complete()
    offsets = [r.query.get("offset") for r in api.requests_to(PATH)]
    # The first page first; the rest may reach the server in any order (parallel pages).
    assert offsets[0] == "0"
    assert {"0", "100", "200"} <= set(offsets)


async def test_c2d_custom_auth_against_ports_api(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = with_placeholders(
        load("C2d-config-custom-auth"),
        {
            "your-port-client-secret": "YOUR_PORT_CLIENT_SECRET",
            "your-port-client-id": "YOUR_PORT_CLIENT_ID",
        },
    )
    token = "corpus-port-access-token-" + "a" * 40
    credentials = {
        "clientId": published.value("YOUR_PORT_CLIENT_ID"),
        "clientSecret": published.value("YOUR_PORT_CLIENT_SECRET"),
    }
    api.route(
        "POST",
        "/v1/auth/access_token",
        token_server.token_endpoint(
            token_server.json_body_is(credentials),
            {"ok": True, "accessToken": token, "expiresIn": 3600, "tokenType": "Bearer"},
        ),
    )
    blueprints = [{"identifier": f"bp{n}", "title": f"Blueprint {n}"} for n in range(30)]
    api.route(
        "GET",
        "/v1/blueprints",
        guarded("Authorization", f"Bearer {token}")(whole({"ok": True, "blueprints": blueprints})),
    )

    outcome = await sync(
        published, api.url, monkeypatch, {"portBlueprint": {b["identifier"] for b in blueprints}}
    )

    outcome.assert_complete()
    assert not [line for line in outcome.log if token in line]


async def test_c2e_no_auth_no_pagination(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    published = load("C2e-config-no-auth")
    api.route(
        "GET",
        PATH,
        lambda r: (
            Reply(401, {})
            if "authorization" in r.headers
            else Reply(json_body={"data": USERS, "meta": {"total": len(USERS), "page": 1}})
        ),
    )

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_complete()
    assert len(api.requests_to(PATH)) == 1
