"""GitHub GraphQL API: an organization's teams and repositories, paged by `first` / `after`
variables and `pageInfo { endCursor hasNextPage }`.

Documented behaviour followed here:
- Forming calls — https://docs.github.com/en/graphql/guides/forming-calls-with-graphql : one
  endpoint, `POST https://api.github.com/graphql`, a JSON body `{"query": ..., "variables":
  {...}}`; the query string is not part of the operation. `Authorization: Bearer <token>`; a
  bad token gets HTTP 401 `{"message": "Bad credentials"}` (not a GraphQL `errors` body).
- Pagination — https://docs.github.com/en/graphql/guides/using-pagination-in-the-graphql-api :
  every connection needs `first` (or `last`) between 1 and 100; `after` takes the previous
  page's `pageInfo.endCursor`; `hasNextPage` is false on the last page, whose `endCursor` is
  still set (the last node's cursor).
- Errors — https://docs.github.com/en/graphql/overview/resource-limitations and the GraphQL
  spec (https://spec.graphql.org/October2021/#sec-Errors): a query that fails validation or
  execution still answers HTTP 200, with a top-level `errors` array (`message`, `locations`,
  `path`, `type`) and `data` null or partial — e.g. an unknown organization is
  `{"data": {"organization": null}, "errors": [{"type": "NOT_FOUND", ...}]}`, and a variable
  of the wrong type ("100" for `Int!`) is rejected before execution.
- Objects — https://docs.github.com/en/graphql/reference/objects#repository and
  #team: `visibility` (PUBLIC, PRIVATE, INTERNAL), `privacy` (SECRET, VISIBLE).

The fake does not execute GraphQL: it tells the connection asked for by the query text
(`teams(` or `repositories(`), reads `variables.first` / `variables.after` and `variables.org`,
and answers the documented fields of each node.
"""

from __future__ import annotations

import json
from base64 import b64decode, b64encode
from typing import Any

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected, requires

TOKEN = "github_pat_REPLACE_ME_0000000000000000000000000000000000000000"
ORG = "my-org"
DENIED = Reply(
    401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/graphql"}
)
TEAMS: list[dict[str, Any]] = [
    {
        "id": f"T_kwDOAB{n:06d}",
        "slug": f"team-{n:03d}",
        "name": f"Team {n:03d}",
        "description": None if n % 4 == 0 else f"Owners of area {n}",
        "privacy": "VISIBLE" if n % 2 else "SECRET",
        "url": f"https://github.com/orgs/{ORG}/teams/team-{n:03d}",
    }
    for n in range(37)
]
REPOSITORIES: list[dict[str, Any]] = [
    {
        "name": f"service-{n:03d}",
        "nameWithOwner": f"{ORG}/service-{n:03d}",
        "url": f"https://github.com/{ORG}/service-{n:03d}",
        "description": None if n % 5 == 0 else f"Service number {n}",
        "visibility": ["PUBLIC", "PRIVATE", "INTERNAL"][n % 3],
        "isArchived": n % 17 == 0,
        "pushedAt": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z",
        "primaryLanguage": None if n % 4 == 0 else {"name": ["Python", "Go", "TypeScript"][n % 3]},
        "defaultBranchRef": {"name": "main"},
        "repositoryTopics": {"nodes": [{"topic": {"name": "backend"}}] if n % 2 else []},
    }
    for n in range(205)
]
CONNECTIONS = {"teams": TEAMS, "repositories": REPOSITORIES}


def graphql_errors(message: str, **extra: Any) -> Reply:
    """HTTP 200 with a top-level `errors` array: how GraphQL reports a failed query."""
    return Reply(json_body={"errors": [{"message": message, **extra}]})


def cursor(index: int) -> str:
    return b64encode(f"cursor:v2:{index}".encode()).decode()


def position(after: str) -> int | None:
    try:
        return int(b64decode(after).decode().removeprefix("cursor:v2:"))
    except ValueError:
        return None


def graphql(request: Received) -> Reply:
    try:
        body = json.loads(request.body)
    except ValueError:
        return Reply(400, {"message": "Problems parsing JSON"})
    query, variables = body.get("query"), body.get("variables") or {}
    if not isinstance(query, str):
        return graphql_errors("A query attribute must be specified and must be a string.")
    name = next((name for name in CONNECTIONS if f"{name}(" in query), None)
    if name is None:
        return graphql_errors("This fake serves organization teams and repositories only.")
    first, after = variables.get("first"), variables.get("after")
    if not isinstance(first, int) or isinstance(first, bool):
        return graphql_errors(
            f"Variable $first of type Int! was provided invalid value {first!r}",
            extensions={"value": first, "problems": [{"explanation": "Could not coerce to Int"}]},
        )
    if not 1 <= first <= 100:
        return graphql_errors(
            f"Requesting {first} records on the `{name}` connection exceeds the `first` limit "
            "of 100 records.",
            type="EXCESSIVE_PAGINATION",
        )
    if (login := variables.get("org")) != ORG:
        return Reply(
            json_body={
                "data": {"organization": None},
                "errors": [
                    {
                        "type": "NOT_FOUND",
                        "path": ["organization"],
                        "message": (
                            f"Could not resolve to an Organization with the login of '{login}'."
                        ),
                    }
                ],
            }
        )
    start = 0
    if after is not None:
        found = position(after) if isinstance(after, str) else None
        if found is None:
            return graphql_errors(f"`{after}` does not appear to be a valid cursor.", path=[name])
        start = found + 1
    return Reply(
        json_body={"data": {"organization": {name: page(CONNECTIONS[name], start, first)}}}
    )


def page(nodes: list[dict[str, Any]], start: int, first: int) -> dict[str, Any]:
    chosen = nodes[start : start + first]
    end = start + len(chosen) - 1
    return {
        "nodes": chosen,
        "pageInfo": {
            "endCursor": cursor(end) if chosen else None,
            "hasNextPage": start + first < len(nodes),
        },
    }


def install(api: FakeApi) -> Expected:
    api.route("POST", "/graphql", requires("Authorization", f"Bearer {TOKEN}", DENIED)(graphql))
    return Expected(
        entities={
            "githubTeam": {team["slug"] for team in TEAMS},
            "githubRepository": {repo["name"] for repo in REPOSITORIES},
        },
        auth_header="authorization",
        auth_value=f"Bearer {TOKEN}",
        requests=1 + 3,  # 37 teams at first=100; 205 repositories at first=100
    )
