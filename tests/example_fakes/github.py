"""GitHub REST API: organization repositories and teams, paged by the `Link` header.

Documented behaviour followed here:
- Pagination — https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api :
  `per_page` (default 30, max 100) and `page`; the `Link` header carries absolute URLs with
  `rel="prev"`, `"next"`, `"last"`, `"first"`, and has no `rel="next"` on the last page. The
  links may use a canonical path other than the one requested (`/organizations/{id}/repos`).
- List organization repositories — https://docs.github.com/en/rest/repos/repos#list-organization-repositories
- List teams — https://docs.github.com/en/rest/teams/teams#list-teams
- Authentication — https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api :
  `Authorization: Bearer <token>`; a bad token gets 401 `{"message": "Bad credentials"}`.
"""

from __future__ import annotations

from math import ceil
from typing import Any
from urllib.parse import urlencode

from sample_api.server import FakeApi, Handler, Received, Reply
from tests.example_fakes import Expected, origin, requires, size

TOKEN = "github_pat_REPLACE_ME_0000000000000000000000000000000000000000"
ORG, ORG_ID = "my-org", 4242
REPOS: list[dict[str, Any]] = [
    {
        "id": 1000 + n,
        "node_id": f"R_kgDO{n:06d}",
        "name": f"service-{n:03d}",
        "full_name": f"{ORG}/service-{n:03d}",
        "private": n % 3 == 0,
        "html_url": f"https://github.com/{ORG}/service-{n:03d}",
        "description": None if n % 5 == 0 else f"Service number {n}",
        "fork": False,
        "language": [None, "Python", "Go", "TypeScript"][n % 4],
        "default_branch": "main",
        "visibility": "private" if n % 3 == 0 else "public",
        "archived": n % 17 == 0,
        "topics": ["backend"] if n % 2 else [],
        "pushed_at": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z",
        "owner": {"login": ORG, "id": ORG_ID, "type": "Organization"},
    }
    for n in range(205)
]
TEAMS: list[dict[str, Any]] = [
    {
        "id": 500 + n,
        "slug": f"team-{n:03d}",
        "name": f"Team {n:03d}",
        "description": "" if n % 4 == 0 else f"Owners of area {n}",
        "privacy": "closed" if n % 2 else "secret",
        "html_url": f"https://github.com/orgs/{ORG}/teams/team-{n:03d}",
    }
    for n in range(37)
]
DENIED = Reply(
    401,
    {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/rest",
        "status": "401",
    },
)


def link_paged(items: list[dict[str, Any]], canonical_path: str) -> Handler:
    def handler(request: Received) -> Reply:
        per_page = size(request, "per_page", 30, 100)
        page = int(request.query.get("page", "1"))
        last = max(1, ceil(len(items) / per_page))
        base = {name: value for name, value in request.query.items() if name != "page"}

        def link(number: int, rel: str) -> str:
            query = urlencode({**base, "per_page": per_page, "page": number})
            return f'<{origin(request)}{canonical_path}?{query}>; rel="{rel}"'

        links = []
        if page > 1:
            links += [link(page - 1, "prev")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first")]
        headers = {"Link": ", ".join(links)} if links else {}
        chunk = items[(page - 1) * per_page : page * per_page]
        return Reply(json_body=chunk, headers=headers)

    return handler


def install(api: FakeApi) -> Expected:
    auth = requires("Authorization", f"Bearer {TOKEN}", DENIED)
    for path, canonical, items in (
        (f"/orgs/{ORG}/repos", f"/organizations/{ORG_ID}/repos", REPOS),
        (f"/orgs/{ORG}/teams", f"/organizations/{ORG_ID}/teams", TEAMS),
    ):
        handler = auth(link_paged(items, canonical))
        api.route("GET", path, handler)
        api.route("GET", canonical, handler)
    return Expected(
        entities={
            "githubRepository": {repo["name"] for repo in REPOS},
            "githubTeam": {team["slug"] for team in TEAMS},
        },
        auth_header="authorization",
        auth_value=f"Bearer {TOKEN}",
        requests=3 + 1,  # 205 repos (3 pages) and 37 teams (1 page) at per_page=100
    )
