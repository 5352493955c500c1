"""Canny API v1 for corpus C6: boards, categories, posts, companies and votes (all POST).

Documented behaviour followed here (https://developers.canny.io/api-reference ; [vendor-docs,
not retrieved], shapes as quoted on Port's Canny page, corpus C6):
- Every list endpoint is `POST /api/v1/<object>/list`, authenticated by an `apiKey` parameter.
  Canny reads request parameters from the JSON/form body; Port's example (and this fake) puts
  `apiKey` in the query string, which is accepted too. A bad or missing key gets
  `{"error": "invalid api key"}` (status 401 here).
- `boards/list` is not paginated: `{"boards": [...]}`.
- `categories/list`, `posts/list`, `votes/list`, `companies/list` take `limit` (default 10, max
  100) and `skip` in the body and answer `{"<objects>": [...], "hasMore": bool}`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from sample_api.server import FakeApi, Received, Reply

DENIED = Reply(401, {"error": "invalid api key"})
BOARDS: list[dict[str, Any]] = [
    {
        "id": f"b{n:03d}",
        "name": f"Board {n}",
        "url": f"https://x.canny.io/b{n}",
        "postCount": 20,
        "isPrivate": False,
        "token": f"tok{n}",
        "created": "2024-01-01T00:00:00.000Z",
    }
    for n in range(6)
]
CATEGORIES: list[dict[str, Any]] = [
    {
        "id": f"c{n:03d}",
        "name": f"Cat {n}",
        "url": "https://x.canny.io/c",
        "postCount": 3,
        "created": "2024-01-01T00:00:00.000Z",
        "board": {"id": BOARDS[n % 6]["id"]},
    }
    for n in range(8)
]
POSTS: list[dict[str, Any]] = [
    {
        "id": f"p{n:04d}",
        "title": f"Post {n}",
        "details": "d",
        "url": "https://x.canny.io/p",
        "score": n,
        "status": "open",
        "commentCount": 0,
        "created": "2024-01-01T00:00:00.000Z",
        "eta": None,
        "imageURLs": [],
        "author": {"email": "a@example.com", "name": "A"},
        "owner": None,
        "tags": [{"name": "ux"}],
        "board": {"id": BOARDS[n % 6]["id"]},
        "category": None,
    }
    for n in range(250)
]
COMPANIES: list[dict[str, Any]] = [
    {
        "id": f"co{n:03d}",
        "name": f"Co {n}",
        "created": "2024-01-01T00:00:00.000Z",
        "customFields": {},
        "monthlySpend": 100,
    }
    for n in range(9)
]
VOTES: list[dict[str, Any]] = [
    {
        "id": f"v{n:04d}",
        "voter": {"email": f"v{n}@example.com", "name": f"Voter {n}"},
        "created": "2024-01-01T00:00:00.000Z",
        "post": {"id": POSTS[n]["id"]},
    }
    for n in range(40)
]
LISTS: dict[str, tuple[list[dict[str, Any]], bool]] = {
    "boards": (BOARDS, False),
    "categories": (CATEGORIES, True),
    "posts": (POSTS, True),
    "companies": (COMPANIES, True),
    "votes": (VOTES, True),
}


def parameters(request: Received) -> dict[str, Any]:
    """Query string, then a JSON or form body (Canny merges both)."""
    found: dict[str, Any] = dict(request.query)
    if request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = {k: v[-1] for k, v in parse_qs(request.body.decode()).items()}
        found.update(body if isinstance(body, dict) else {})
    return found


def listing(key: str, items: list[dict[str, Any]], paged: bool, api_key: str) -> Any:
    def handler(request: Received) -> Reply:
        given = parameters(request)
        if given.get("apiKey") != api_key:
            return DENIED
        if not paged:
            return Reply(json_body={key: items})
        limit, skip = min(int(given.get("limit", 10)), 100), int(given.get("skip", 0))
        return Reply(
            json_body={key: items[skip : skip + limit], "hasMore": skip + limit < len(items)}
        )

    return handler


def install(api: FakeApi, api_key: str) -> None:
    for key, (items, paged) in LISTS.items():
        api.route("POST", f"/api/v1/{key}/list", listing(key, items, paged, api_key))


EXPECTED: dict[str, set[str]] = {
    "ocean_cannyBoard": {b["id"] for b in BOARDS},
    "ocean_cannyCategory": {c["id"] for c in CATEGORIES},
    "ocean_cannyPost": {p["id"] for p in POSTS},
    "ocean_cannyCompany": {c["id"] for c in COMPANIES},
    "ocean_cannyVote": {v["id"] for v in VOTES},
}
