"""The generic teams API of corpus C8 (the reference's
`integrations/custom/examples/dynamic-endpoints.yaml`) and C1's users/projects.

No vendor stands behind these; the shapes are the ones the examples' own `data_path`s imply:
`GET /api/v1/teams` → `{"teams": [{"id", "name", "description", "member_count", "status"}]}`
and `GET /api/v1/teams/{id}/members` → `{"members": [{"user_id", "name", "email", "role"}]}` (a
member listed under its team carries no team id, as such sub-resources usually do). C1:
`GET /api/v1/users` → `{"users": [...]}` with `user_id` and `is_active`, and
`GET /api/v1/users/{user_id}/projects` → `{"projects": [{"id", "name"}]}`.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi
from tests.corpus.fakes.generic import whole

TEAMS: list[dict[str, Any]] = [
    {
        "id": f"t{n:02d}",
        "name": f"Team {n}",
        "description": "d",
        "member_count": 4,
        "status": "active" if n % 3 else "archived",
    }
    for n in range(30)
]
MEMBERS = {
    t["id"]: [
        {
            "user_id": f"{t['id']}-m{k}",
            "name": f"Member {k}",
            "email": f"m{k}@example.com",
            "role": "dev",
        }
        for k in range(4)
    ]
    for t in TEAMS
}
USERS: list[dict[str, Any]] = [
    {"user_id": f"usr{n:03d}", "id": f"usr{n:03d}", "name": f"User {n}", "is_active": n % 4 != 0}
    for n in range(40)
]
PROJECTS = {
    u["user_id"]: [{"id": f"{u['user_id']}-p{k}", "name": f"Project {k}"} for k in range(3)]
    for u in USERS
}


def install_teams(api: FakeApi) -> None:
    api.route("GET", "/api/v1/teams", whole({"teams": TEAMS}))
    for team_id, members in MEMBERS.items():
        api.route("GET", f"/api/v1/teams/{team_id}/members", whole({"members": members}))


def install_user_projects(api: FakeApi) -> None:
    api.route("GET", "/api/v1/users", whole({"users": USERS}))
    for user_id, projects in PROJECTS.items():
        api.route("GET", f"/api/v1/users/{user_id}/projects", whole({"projects": projects}))


TEAMS_EXPECTED: dict[str, set[str]] = {
    "team": {t["id"] for t in TEAMS},
    "team_member": {
        m["user_id"] for t in TEAMS if t["status"] == "active" for m in MEMBERS[t["id"]]
    },
}
PROJECTS_EXPECTED = {
    "project": {p["id"] for u in USERS if u["is_active"] for p in PROJECTS[u["user_id"]]}
}


def active_team_ids() -> list[Any]:
    return [t["id"] for t in TEAMS if t["status"] == "active"]
