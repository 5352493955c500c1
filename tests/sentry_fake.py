"""Sentry's web API: an organization's issues, paged by cursors in the `Link` header.

Documented behaviour followed here:
- Paginating Results — https://docs.sentry.io/api/pagination/ : pagination is the Link header
  standard; "cursors will always be returned for both a previous and a next page, even if
  there are no results on these pages", each entry with `results="[true|false]"` telling
  whether it leads to results, and `cursor="..."`:
  `<https://sentry.io/api/0/organizations/acme/issues/123456/events/?&cursor=0:0:1>;
  rel="previous"; results="false"; cursor="0:0:1", <...?&cursor=0:100:0>; rel="next";
  results="true"; cursor="0:100:0"`. So the last page still carries a next link, with
  `results="false"`; following it gives an empty page carrying the same link again (as
  issue 19 observed against Sentry).
- List an Organization's Issues —
  https://docs.sentry.io/api/events/list-an-organizations-issues/ :
  `GET /api/0/organizations/{organization_id_or_slug}/issues/`, a top-level JSON array of issues
  (`id` a string, `shortId`, `title`, `status`, ...), at most 100 per page.
- Authentication — https://docs.sentry.io/api/auth/ : `Authorization: Bearer <token>`; a bad
  token is a 401 `{"detail": "Invalid token"}`.

`with_results=False` leaves the `results` parameters out (as a server that does not send them
would), to show that without them the header is followed exactly as before.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi, Received, Reply

TOKEN = "sntrys_" + "S3ntryT0ken" * 5
PATH = "/api/0/organizations/acme/issues/"
PAGE = 100  # Sentry's own page size


def issues(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": str(4_500_000 + n),
            "shortId": f"ACME-{n}",
            "title": f"Issue {n}",
            "status": "unresolved",
        }
        for n in range(count)
    ]


def serve_issues(api: FakeApi, items: list[dict[str, Any]], with_results: bool = True) -> None:
    def handle(request: Received) -> Reply:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply(401, {"detail": "Invalid token"})
        offset = _offset(request.query.get("cursor", "0:0:0"))
        page = items[offset : offset + PAGE]
        following = offset + len(page)  # past the end: the same cursor again
        links = [
            _entry(api, f"0:{max(offset - PAGE, 0)}:1", "previous", offset > 0, with_results),
            _entry(api, f"0:{following}:0", "next", following < len(items), with_results),
        ]
        return Reply(json_body=page, headers={"Link": ", ".join(links)})

    api.route("GET", PATH, handle)


def _offset(cursor: str) -> int:
    """Sentry's cursor is `value:offset:is_prev`; this fake pages by the offset."""
    return int(cursor.split(":")[1])


def _entry(api: FakeApi, cursor: str, rel: str, results: bool, with_results: bool) -> str:
    params = f'; rel="{rel}"'
    if with_results:
        params += f'; results="{str(results).lower()}"'
    return f'<{api.url}{PATH}?&cursor={cursor}>{params}; cursor="{cursor}"'
