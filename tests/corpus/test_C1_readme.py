"""C1: the reference README - new-format mapping, path-parameter mapping, legacy format.

Connection: the README's docker quick start (bearer_token, `PAGINATION_TYPE=offset`) for the
new format; the path-parameter mapping without pagination. The legacy format (`kind:
api_resource`, `selector.query` as an object, no blueprint) cannot produce entities - it must
be refused with an error naming `selector.query`, deleting nothing.
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import teams
from tests.corpus.fakes.generic import by_offset, guarded, keyed_page, people
from tests.corpus.kit import Published, sync
from tests.corpus.variants import variant

QUICK_START = {
    "OCEAN__INTEGRATION__CONFIG__BASE_URL": "https://api.example.com",
    "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE": "bearer_token",
    "OCEAN__INTEGRATION__CONFIG__API_TOKEN": "<YOUR_API_TOKEN>",
    "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE": "offset",
}
USERS = [u for u in people(250) if u["is_active"]]  # the fake applies ?active=true
PROJECTS = [
    {
        "project_id": f"pr{n:03d}",
        "project_name": f"P{n}",
        "description": "d",
        "owner": {"email": "o@x.io"},
        "budget_amount": n,
        "created_date": "2024-01-01",
    }
    for n in range(130)
]


def quick_start(mapping_from: str) -> Published:
    return variant(mapping_from, mapping_from, QUICK_START)


async def test_new_format_syncs_users_and_projects(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = quick_start("C1-readme-new-format")
    auth = guarded("Authorization", f"Bearer {published.value('<YOUR_API_TOKEN>')}")
    api.route(
        "GET", "/api/v1/users", auth(by_offset(USERS, keyed_page("users"), "offset", "limit"))
    )
    api.route(
        "GET",
        "/api/v1/projects",
        auth(by_offset(PROJECTS, keyed_page("data", "projects"), "offset", "limit")),
    )
    expected = {"user": {u["id"] for u in USERS}, "project": {p["project_id"] for p in PROJECTS}}

    outcome = await sync(published, api.url, monkeypatch, expected)

    outcome.assert_complete()
    first = api.requests_to("/api/v1/users")[0]
    assert (first.query.get("active"), first.query.get("department")) == ("true", "engineering")
    assert first.headers.get("accept") == "application/json"
    assert api.requests_to("/api/v1/projects")[0].query.get("status") == "active"


async def test_path_parameter_example(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    published = variant(
        "C1-pp",
        "C1-readme-path-parameters",
        {"OCEAN__INTEGRATION__CONFIG__BASE_URL": "https://api.example.com"},
    )
    teams.install_user_projects(api)

    outcome = await sync(published, api.url, monkeypatch, teams.PROJECTS_EXPECTED)

    # The README's path parameter has no data_path over a `{"users": [...]}` page: an error
    # naming the fix, rather than no projects and a "complete" resync.
    outcome.assert_failed_safely("data_path")


async def test_legacy_format_is_refused(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    published = variant(
        "C1-legacy",
        "C1-readme-legacy",
        {"OCEAN__INTEGRATION__CONFIG__BASE_URL": "https://api.example.com"},
    )

    outcome = await sync(published, api.url, monkeypatch, {"item": {"1"}})

    outcome.assert_failed_safely("selector.query")
    assert api.received == []
