"""n8n public REST API v1 for corpus A3: users, projects, workflows under `/api/v1`.

Documented behaviour followed here:
- Pagination — https://docs.n8n.io/api/pagination/ : `limit` (default 100, max 250) and
  `cursor`; each page is `{"data": [...], "nextCursor": "<string>" | null}`, `null` on the last.
- Authentication — https://docs.n8n.io/api/authentication/ : header `X-N8N-API-KEY`; without
  it the API answers 401 `{"message": "'X-N8N-API-KEY' header required"}`.
- Resources — https://docs.n8n.io/api/api-reference/ : users `{id, email, firstName,
  lastName, isPending, createdAt}`, projects `{id, name, type}`, workflows `{id, name, active,
  isArchived, nodes, connections, tags: [{id, name}], shared: [{projectId}], createdAt}`.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from typing import Any

from sample_api.server import FakeApi, Received, Reply

DENIED = Reply(401, {"message": "'X-N8N-API-KEY' header required"})
USERS = [
    {
        "id": f"u-{n:04d}",
        "email": f"user{n}@example.com",
        "firstName": f"F{n}" if n % 4 else None,
        "lastName": f"L{n}" if n % 3 else None,
        "isPending": n % 10 == 0,
        "createdAt": "2024-05-01T10:00:00.000Z",
    }
    for n in range(250)
]
PROJECTS = [{"id": f"p-{n:03d}", "name": f"Project {n}", "type": "team"} for n in range(12)]
WORKFLOWS = [
    {
        "id": f"wf{n:05d}",
        "name": f"Workflow {n}",
        "active": n % 2 == 0,
        "isArchived": False,
        "nodes": [{"name": "Start", "type": "n8n-nodes-base.manualTrigger"}],
        "connections": {},
        "triggerCount": 1,
        "tags": [{"id": "t1", "name": "prod"}],
        "shared": [{"projectId": PROJECTS[n % 12]["id"], "role": "workflow:owner"}],
        "createdAt": "2024-05-01T10:00:00.000Z",
        "updatedAt": "2024-06-01T10:00:00.000Z",
    }
    for n in range(230)
]


def _listing(items: list[dict[str, Any]], key: str) -> Any:
    def handler(request: Received) -> Reply:
        if request.headers.get("x-n8n-api-key") != key:
            return DENIED
        limit = min(int(request.query.get("limit") or 100), 250)
        cursor = request.query.get("cursor")
        start = int(b64decode(cursor)) if cursor else 0
        end = start + limit
        nxt = b64encode(str(end).encode()).decode() if end < len(items) else None
        return Reply(json_body={"data": items[start:end], "nextCursor": nxt})

    return handler


def install(api: FakeApi, key: str) -> None:
    api.route("GET", "/api/v1/users", _listing(USERS, key))
    api.route("GET", "/api/v1/projects", _listing(PROJECTS, key))
    api.route("GET", "/api/v1/workflows", _listing(WORKFLOWS, key))


EXPECTED: dict[str, set[str]] = {
    "n8nUser": {str(u["id"]) for u in USERS},
    "n8nProject": {str(p["id"]) for p in PROJECTS},
    "n8nWorkflow": {str(w["id"]) for w in WORKFLOWS},
}
