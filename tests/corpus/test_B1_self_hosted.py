"""B1: Port's self-hosted setup page (Helm and Docker), and the spellings the page documents.

The page installs a bearer-token API paged by `page`; its parameter table spells the basic
auth type `basic_auth`, and its earlier text passed the credential as `authValue`
(`--set integration.secrets.authValue` / `-e OCEAN__INTEGRATION__SECRETS__AUTH_VALUE`).
The fake serves the builder's sample shape (`{data, meta: {total, page}}`), 250 users at
`size=100`: three full pages and an empty fourth.
"""

from __future__ import annotations

from base64 import b64encode

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes.generic import builder_page, by_page, guarded, people
from tests.corpus.kit import Published, connections, load, sync
from tests.corpus.variants import items_by_blueprint, variant

NAME = "B1-self-hosted"
USERS = people(250)
EXPECTED = items_by_blueprint("user", USERS)
BASE = "https://api.yourcompany.com"


def serve(api: FakeApi, header: str, value: str) -> None:
    handler = by_page(USERS, builder_page, page="page", per="size", first=1)
    api.route("GET", "/api/v1/users", guarded(header, value)(handler))


def bearer(published: Published, placeholder: str) -> str:
    return f"Bearer {published.value(placeholder)}"


@pytest.mark.parametrize("connection", connections(NAME))
async def test_published_commands_sync_every_page(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection)
    serve(api, "Authorization", bearer(published, "<YOUR_API_TOKEN>"))

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_complete()
    pages = [request.query.get("page") for request in api.requests_to("/api/v1/users")]
    # Page 1 first; the rest may reach the server in any order (parallel pages).
    assert pages[0] == "1"
    assert {"1", "2", "3"} <= set(pages)
    assert {request.query.get("size") for request in api.received} == {"100"}


async def test_basic_auth_spelling_of_the_parameter_table(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table lists authType `basic_auth`; the spec's value is `basic`: both must work."""
    published = variant(
        "B1-basic_auth",
        NAME,
        {
            "OCEAN__INTEGRATION__CONFIG__BASE_URL": BASE,
            "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE": "basic_auth",
            "OCEAN__INTEGRATION__CONFIG__USERNAME": "<YOUR_USERNAME>",
            "OCEAN__INTEGRATION__CONFIG__PASSWORD": "<YOUR_PASSWORD>",
            "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE": "page",
            "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE": "100",
        },
    )
    user, password = published.value("<YOUR_USERNAME>"), published.value("<YOUR_PASSWORD>")
    serve(api, "Authorization", "Basic " + b64encode(f"{user}:{password}".encode()).decode())

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_complete()


@pytest.mark.parametrize(
    "env_name",
    [
        # `--set integration.secrets.authValue=...`: the chart writes CONFIG__AUTH_VALUE
        "OCEAN__INTEGRATION__CONFIG__AUTH_VALUE",
        # `-e OCEAN__INTEGRATION__SECRETS__AUTH_VALUE=...` in the page's earlier docker command
        "OCEAN__INTEGRATION__SECRETS__AUTH_VALUE",
    ],
)
async def test_historical_auth_value_fills_the_bearer_token(
    env_name: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = variant(
        "B1-authValue",
        NAME,
        {
            "OCEAN__INTEGRATION__CONFIG__BASE_URL": BASE,
            "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE": "bearer_token",
            env_name: "<YOUR_API_TOKEN>",
            "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE": "page",
            "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE": "100",
        },
    )
    serve(api, "Authorization", bearer(published, "<YOUR_API_TOKEN>"))

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_complete()
