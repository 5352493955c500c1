"""GitLab REST API v4: groups (offset pages) and projects (keyset pages), both via `Link`.

Documented behaviour followed here:
- Pagination — https://docs.gitlab.com/api/rest/#pagination :
  offset: `page`, `per_page` (default 20, max 100), headers `x-page`, `x-per-page`,
  `x-next-page` (empty on the last page), `x-prev-page`, `x-total`, `x-total-pages`, and a `Link`
  header with `rel="prev"/"next"/"first"/"last"`;
  keyset: `pagination=keyset&order_by=id&sort=asc&per_page=N`, the `Link` header's `rel="next"`
  carries `id_after=<last id>`; "when the end of the collection is reached ... the Link header
  is absent and the resulting array is empty". Keyset without `order_by=id` is refused (405).
- List groups — https://docs.gitlab.com/api/groups/#list-groups
- List all projects — https://docs.gitlab.com/api/projects/#list-all-projects
- Authentication — https://docs.gitlab.com/api/rest/authentication/ : the `PRIVATE-TOKEN`
  header; a bad token gets 401 `{"message": "401 Unauthorized"}`.
"""

from __future__ import annotations

from math import ceil
from typing import Any
from urllib.parse import urlencode

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, origin, requires, size

TOKEN = "glpat-REPLACE_ME_00000000000000000000"
GROUPS: list[dict[str, Any]] = [
    {
        "id": 9000 + n,
        "name": f"Area {n}",
        "path": f"area-{n}",
        "full_path": f"acme/area-{n}",
        "description": "" if n % 3 else f"Everything about area {n}",
        "visibility": ["private", "internal", "public"][n % 3],
        "web_url": f"https://gitlab.com/groups/acme/area-{n}",
    }
    for n in range(104)
]
PROJECTS: list[dict[str, Any]] = [
    {
        "id": 70000 + 7 * n,  # keyset pages on id: ids need not be contiguous
        "name": f"svc-{n}",
        "path_with_namespace": f"acme/area-{n % 104}/svc-{n}" if n % 10 else f"jdoe/svc-{n}",
        "description": None if n % 4 == 0 else f"Service {n}",
        "default_branch": "main",
        "visibility": ["private", "internal", "public"][n % 3],
        "topics": ["ocean"] if n % 2 else [],
        "web_url": f"https://gitlab.com/acme/svc-{n}",
        "last_activity_at": "2024-06-01T08:30:12.000Z",
        "namespace": (
            {"id": 9000 + n % 104, "kind": "group", "full_path": f"acme/area-{n % 104}"}
            if n % 10
            else {"id": 1, "kind": "user", "full_path": "jdoe"}
        ),
    }
    for n in range(205)
]
DENIED = Reply(401, {"message": "401 Unauthorized"})


def groups(request: Received) -> Reply:
    per_page = size(request, "per_page", 20, 100)
    page = int(request.query.get("page", "1"))
    total_pages = max(1, ceil(len(GROUPS) / per_page))
    base = {name: value for name, value in request.query.items() if name != "page"}

    def link(number: int, rel: str) -> str:
        query = urlencode({**base, "page": number, "per_page": per_page})
        return f'<{origin(request)}/api/v4/groups?{query}>; rel="{rel}"'

    links = [link(page - 1, "prev")] if page > 1 else []
    links += [link(page + 1, "next")] if page < total_pages else []
    links += [link(1, "first"), link(total_pages, "last")]
    headers = {
        "Link": ", ".join(links),
        "x-page": str(page),
        "x-per-page": str(per_page),
        "x-next-page": str(page + 1) if page < total_pages else "",
        "x-prev-page": str(page - 1) if page > 1 else "",
        "x-total": str(len(GROUPS)),
        "x-total-pages": str(total_pages),
    }
    return Reply(json_body=GROUPS[(page - 1) * per_page : page * per_page], headers=headers)


def projects(request: Received) -> Reply:
    query = request.query
    if query.get("pagination") != "keyset" or query.get("order_by") != "id":
        return Reply(405, {"error": "Keyset pagination needs order_by=id in this example's fake"})
    if query.get("membership") != "true":
        return Reply(400, {"error": "this example lists the projects the user is a member of"})
    per_page = size(request, "per_page", 20, 100)
    after = int(query.get("id_after", "0"))
    chunk = [project for project in PROJECTS if project["id"] > after][:per_page]
    if not chunk:
        return Reply(json_body=[])
    next_query = urlencode({**query, "per_page": per_page, "id_after": chunk[-1]["id"]})
    link = f'<{origin(request)}/api/v4/projects?{next_query}>; rel="next"'
    return Reply(json_body=chunk, headers={"Link": link})


def install(api: FakeApi) -> Expected:
    auth = requires("PRIVATE-TOKEN", TOKEN, DENIED)
    api.route("GET", "/api/v4/groups", auth(groups))
    api.route("GET", "/api/v4/projects", auth(projects))
    return Expected(
        entities={
            "gitlabGroup": {str(group["id"]) for group in GROUPS},
            "gitlabProject": {str(project["id"]) for project in PROJECTS},
        },
        auth_header="private-token",
        auth_value=TOKEN,
        # 104 groups at 100 per page: 2 pages. 205 projects: 3 pages, then the documented
        # empty keyset page without a Link header.
        requests=2 + 4,
    )
