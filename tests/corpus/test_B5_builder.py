"""B5: the commands Port's "Build your integration" guide generates, for each auth type it offers.

Docker carries the credential as `OCEAN__INTEGRATION__CONFIG__AUTH_VALUE` (not a spec key:
the token, the API key, or `user:password` for basic) and quotes `PAGE_SIZE`; Helm writes the
spec keys under `integration.config`. The fake serves the builder's default sample response
(`{data: [{id, name, email, role}], meta: {total, page}}`), 250 users.
"""

from __future__ import annotations

from base64 import b64encode

import pytest

from sample_api.server import FakeApi, Handler
from tests.corpus.fakes.generic import builder_page, by_offset, by_page, guarded, people
from tests.corpus.kit import Published, load, sync
from tests.corpus.variants import items_by_blueprint

USERS = people(250)
EXPECTED = items_by_blueprint("user", USERS)


def credential(published: Published, auth: str) -> tuple[str, str]:
    """The header the fake requires, from the dummies the kit put in place of the placeholders."""
    if auth == "bearer":
        return "Authorization", f"Bearer {published.value('<YOUR_API_TOKEN>')}"
    if auth == "api-key":
        return "X-API-Key", published.value("<YOUR_API_KEY>")
    pair = f"{published.value('<USERNAME>')}:{published.value('<PASSWORD>')}"
    return "Authorization", "Basic " + b64encode(pair.encode()).decode()


def pager(auth: str) -> Handler:
    if auth == "api-key":  # generated with paginationType offset
        return by_offset(USERS, builder_page, offset="offset", limit="limit")
    return by_page(USERS, builder_page, page="page", per="size", first=1)


@pytest.mark.parametrize("connection", ["docker.sh", "helm.sh"])
@pytest.mark.parametrize("auth", ["bearer", "api-key", "basic"])
async def test_generated_command_syncs_every_user(
    auth: str, connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(f"B5-builder-{auth}", connection)
    header, value = credential(published, auth)
    api.route("GET", "/api/v1/users", guarded(header, value)(pager(auth)))

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_complete()
    assert all(request.headers.get(header.lower()) == value for request in api.received)
