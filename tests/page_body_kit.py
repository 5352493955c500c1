"""Fakes of APIs that page through the request body or through response headers.

Each follows its vendor's documented request and response shapes, and — as the real APIs do —
ignores pagination values sent in the wrong place: the body APIs never read the query string,
the header API never reads the body. So a configuration with the wrong `paginationLocation`
gets the first page again and fails on the loop guard; it cannot pass by accident.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import Handler, Received, Reply

ROWS = [{"id": f"row-{n:02d}", "name": f"Row {n}", "n": n} for n in range(7)]


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def notion_query(rows: list[dict[str, Any]]) -> Handler:
    """Notion `POST /v1/databases/{id}/query` (developers.notion.com/reference/post-database-
    query): `start_cursor` and `page_size` (a number, at most 100) in the JSON body; answers
    `{"object": "list", "results", "next_cursor", "has_more"}`. A page_size that is not a
    number is a 400 validation_error, as Notion answers `"100"`."""

    def handle(request: Received) -> Reply:
        body = request.json() if request.body else {}
        size = body.get("page_size", 100)
        if not _is_count(size):
            return Reply(400, {"object": "error", "code": "validation_error",
                               "message": "body.page_size should be a number"})  # fmt: skip
        start = int(body["start_cursor"].removeprefix("cur-")) if "start_cursor" in body else 0
        end = min(start + size, len(rows))
        more = end < len(rows)
        return Reply(json_body={
            "object": "list", "results": rows[start:end],
            "next_cursor": f"cur-{end}" if more else None, "has_more": more,
        })  # fmt: skip

    return handle


def search_from_size(rows: list[dict[str, Any]]) -> Handler:
    """Elasticsearch/OpenSearch `POST /_search` paged by `from` and `size` in the body
    (elastic.co/guide/en/elasticsearch/reference/current/paginate-search-results.html):
    `{"hits": {"total": {"value": n}, "hits": [{"_id", "_source"}]}}`."""

    def handle(request: Received) -> Reply:
        body = request.json()
        start, size = body.get("from", 0), body.get("size", 10)
        if not (_is_count(start) and _is_count(size)):
            return Reply(400, {"error": {"type": "x_content_parse_exception"}, "status": 400})
        hits = [{"_id": row["id"], "_source": row} for row in rows[start : start + size]]
        return Reply(json_body={"hits": {"total": {"value": len(rows)}, "hits": hits}})

    return handle


def search_after(rows: list[dict[str, Any]]) -> Handler:
    """Elasticsearch `search_after`: the next request sends the last hit's `sort` array back,
    as an array (same page of the Elasticsearch reference)."""

    def handle(request: Received) -> Reply:
        body = request.json()
        after = body.get("search_after")
        if after is not None and not isinstance(after, list):
            return Reply(400, {"error": {"type": "parsing_exception"}, "status": 400})
        start = 0 if after is None else [r["n"] for r in rows].index(after[0]) + 1
        page = rows[start : start + body["size"]]
        hits = [{"_id": r["id"], "_source": r, "sort": [r["n"], r["id"]]} for r in page]
        return Reply(json_body={"hits": {"hits": hits}})

    return handle


def graphql_repositories(rows: list[dict[str, Any]]) -> Handler:
    """GitHub GraphQL `POST /graphql` (docs.github.com/en/graphql/guides/using-pagination-in-
    the-graphql-api): `variables.first` (an Int, 1-100) and `variables.after`; answers
    `data.organization.repositories {nodes, pageInfo {endCursor, hasNextPage}}`."""

    def handle(request: Received) -> Reply:
        variables = request.json().get("variables", {})
        first = variables.get("first")
        if not _is_count(first):
            return Reply(json_body={"errors": [{"message": "Variable $first of type Int!"}]})
        start = int(variables["after"]) if variables.get("after") else 0
        end = min(start + first, len(rows))
        info = {"endCursor": str(end), "hasNextPage": end < len(rows)}
        repositories = {"nodes": rows[start:end], "pageInfo": info}
        return Reply(json_body={"data": {"organization": {"repositories": repositories}}})

    return handle


def azure_projects(rows: list[dict[str, Any]]) -> Handler:
    """Azure DevOps `GET /_apis/projects?$top=&continuationToken=` (learn.microsoft.com/rest/
    api/azure/devops/core/projects/list): `{"count", "value"}`, and while more remain the
    token of the next page in the `x-ms-continuationtoken` response header."""

    def handle(request: Received) -> Reply:
        top = int(request.query.get("$top", "100"))
        start = int(request.query.get("continuationToken", "0"))
        end = min(start + top, len(rows))
        headers = {"x-ms-continuationtoken": str(end)} if end < len(rows) else {}
        value = rows[start:end]
        return Reply(json_body={"count": len(value), "value": value}, headers=headers)

    return handle


def gitlab_projects(rows: list[dict[str, Any]]) -> Handler:
    """GitLab `GET /projects?page=&per_page=` (docs.gitlab.com/api/rest/#pagination-link-
    header): a bare array, with `x-next-page` (empty on the last page) and `x-total`."""

    def handle(request: Received) -> Reply:
        page, size = int(request.query.get("page", "1")), int(request.query.get("per_page", "20"))
        chunk = rows[(page - 1) * size : page * size]
        more = page * size < len(rows)
        headers = {"X-Next-Page": str(page + 1) if more else "", "X-Total": str(len(rows))}
        return Reply(json_body=chunk, headers=headers)

    return handle
