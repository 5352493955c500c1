"""B3: the configuration page's mapping blocks and pagination snippets.

- The endpoints block (users `.users` with `active`/`department` query params, projects at
  `.data.projects`) against the overview's response shapes.
- The nested-endpoint blocks: `/api/tickets` (no selector at all: a top-level array) and
  `/api/tickets/{ticket_id}/comments` (a selector holding only `path_parameters`). Ocean's
  mapping model requires `selector.query` (the reference refused these too): asserted refused
  with an error naming the selector, nothing deleted.
- The GitHub snippet (page, `page`/`per_page`, startPage 1) over GitHub's list API (205 repos,
  an empty page past the end); the Stripe snippet (cursor, `starting_after`/`limit`, no
  cursorPath) over Stripe's list API: Stripe's cursor is the last item's id, which no default
  path holds, so the snippet must fail naming cursorPath (never stop at page 1 as complete);
  with the extension `cursorPath: .data[-1].id` it syncs.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from sample_api.server import FakeApi, Reply
from tests.corpus.fakes.generic import keyed_page, people, whole
from tests.corpus.kit import sync
from tests.corpus.published import CONFIGS
from tests.corpus.variants import items_by_blueprint, variant
from tests.example_fakes.github import REPOS, link_paged
from tests.example_fakes.stripe import CUSTOMERS, stripe_list

BASE = {"OCEAN__INTEGRATION__CONFIG__BASE_URL": "https://api.yourcompany.com"}
# The page's snippets are separate code blocks, pasted one after another, blank-line separated.
SNIPPET_TEXT = (CONFIGS / "B3-configuration-pagination" / "snippets.yaml").read_text()
SNIPPETS = [yaml.safe_load(block) for block in SNIPPET_TEXT.split("\n\n") if block.strip()]


async def test_endpoints_block(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    users = [u for u in people(120) if u["is_active"]]
    projects = [
        {"project_id": f"p{n}", "project_name": f"P{n}", "owner": {"email": "o@x.io"}}
        for n in range(40)
    ]
    api.route(
        "GET",
        "/api/v1/users",
        lambda r: (
            Reply(json_body=keyed_page("users")(users, 0, 0, 0))
            if r.query.get("active") == "true"
            else Reply(400, {"error": "active filter missing"})
        ),
    )
    api.route("GET", "/api/v1/projects", whole({"data": {"projects": projects}}))
    published = variant("B3-endpoints", "B3-configuration-endpoints", BASE)

    outcome = await sync(
        published,
        api.url,
        monkeypatch,
        {
            **items_by_blueprint("user", users),
            **items_by_blueprint("project", projects, "project_id"),
        },
    )

    outcome.assert_complete()


async def test_nested_endpoint_blocks(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    tickets: list[dict[str, Any]] = [{"id": 100 + n, "subject": f"T{n}"} for n in range(25)]
    api.route("GET", "/api/tickets", whole(tickets))
    comments = {
        t["id"]: [{"id": t["id"] * 10 + k, "ticket_id": t["id"]} for k in range(2)] for t in tickets
    }
    for ticket_id, listed in comments.items():
        api.route("GET", f"/api/tickets/{ticket_id}/comments", whole(listed))
    published = variant("B3-nested", "B3-configuration-nested", BASE)
    expected = {
        "ticket": {str(t["id"]) for t in tickets},
        "comment": {str(c["id"]) for cs in comments.values() for c in cs},
    }

    outcome = await sync(published, api.url, monkeypatch, expected)

    outcome.assert_failed_safely("selector")


def snippet_env(snippet: dict[str, object], **extra: str) -> dict[str, str]:
    from tests.ocean_config import helm_snakecase

    env = {"OCEAN__INTEGRATION__CONFIG__BASE_URL": "https://api.example.com"}
    for key, value in {**snippet, **extra}.items():
        env[f"OCEAN__INTEGRATION__CONFIG__{helm_snakecase(key).upper()}"] = str(value)
    return env


def single_kind(kind: str, identifier: str, blueprint: str) -> dict[str, object]:
    mapping = {"identifier": identifier, "title": identifier, "blueprint": f'"{blueprint}"'}
    return {
        "resources": [
            {"kind": kind, "selector": {"query": "true"}, "port": {"entity": {"mappings": mapping}}}
        ]
    }


async def test_github_page_snippet(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    api.route("GET", "/orgs/my-org/repos", link_paged(REPOS, "/orgs/my-org/repos"))
    published = variant("B3-github", "B3-configuration-endpoints", snippet_env(SNIPPETS[0]))
    published = type(published)(
        published.name,
        "snippet",
        published.env,
        {},
        single_kind("/orgs/my-org/repos", ".name", "repo"),
    )

    outcome = await sync(published, api.url, monkeypatch, {"repo": {r["name"] for r in REPOS}})

    outcome.assert_complete()
    assert {r.query.get("per_page") for r in api.received} == {"100"}


@pytest.mark.parametrize("cursor_path", [None, ".data[-1].id"])
async def test_stripe_cursor_snippet(
    cursor_path: str | None, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.route("GET", "/v1/customers", stripe_list("/v1/customers", CUSTOMERS))
    extra = {"cursorPath": cursor_path} if cursor_path else {}
    published = variant(
        "B3-stripe", "B3-configuration-endpoints", snippet_env(SNIPPETS[1], **extra)
    )
    mapping = single_kind("/v1/customers", ".id", "customer")
    mapping["resources"][0]["selector"]["data_path"] = ".data"  # type: ignore[index]
    published = type(published)(published.name, "snippet", published.env, {}, mapping)

    outcome = await sync(
        published, api.url, monkeypatch, {"customer": {c["id"] for c in CUSTOMERS}}
    )

    if cursor_path:
        outcome.assert_complete()
    else:
        outcome.assert_failed_safely("cursorPath")
