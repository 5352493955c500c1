"""Helpers for client-level tests: an `ApiClient` over a real loopback `FakeApi`, fake routes
for each pagination style, and log capture for the never-log-a-secret checks."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from client import ApiClient
from connection.call_fields import CallFields
from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from connection.settings import load_settings
from connection.urls import join_url
from core.redaction import Redactor
from fetching.http_factory import build_http_client
from sample_api.server import Handler, Received, Reply
from tests.log_capture import captured_logs as captured_logs

# Long and unlike anything else in a message, so a leak cannot hide behind partial masking.
SECRET = "tok-" + "Qx7Lm2Vp9Rt4" * 4
ITEMS = [{"id": number, "name": f"item-{number}"} for number in range(7)]
Pages = list[list[dict[str, Any]]]
# The pagination of an endpoint built here without one: the connection's, as a resource
# without selector.pagination gets it (EndpointResourceConfig.endpoint); `KitClient` fills it in.
FROM_CONNECTION = PaginationSettings()


class KitClient(ApiClient):
    """An ApiClient that gives an endpoint built with FROM_CONNECTION its own connection's
    pagination."""

    def iter_items(
        self, endpoint: Endpoint, *, quiet: bool = False
    ) -> AsyncGenerator[list[dict[str, Any]], None]:
        return super().iter_items(with_connection_pagination(endpoint, self), quiet=quiet)


def with_connection_pagination(endpoint: Endpoint, client: ApiClient) -> Endpoint:
    if endpoint.pagination is FROM_CONNECTION:
        return replace(endpoint, pagination=client.connection.pagination)
    return endpoint


@asynccontextmanager
async def api_client(base_url: str, **raw: Any) -> AsyncIterator[ApiClient]:
    """An ApiClient built exactly as in production, minus Ocean's client class."""
    settings = load_settings({"base_url": base_url, **raw})
    redact = Redactor(settings.secrets)
    async with build_http_client(settings, redact, inside_ocean=False) as http:
        yield KitClient(http, settings, redact)


def endpoint(base_url: str, kind: str = "/items", **selector: Any) -> Endpoint:
    selector.setdefault("pagination", FROM_CONNECTION)
    return Endpoint(kind=kind, url=join_url(base_url, kind), **with_call(selector))


def with_call(selector: dict[str, Any]) -> dict[str, Any]:
    """Endpoint arguments from selector-like keys: the call fields (method, data_path, ...)
    gathered into its `call`, the rest as they are."""
    call = {key: value for key, value in selector.items() if key in CallFields.__fields__}
    rest = {key: value for key, value in selector.items() if key not in call}
    return {**rest, "call": CallFields.construct(**call)}


async def collect(client: ApiClient, target: Endpoint) -> Pages:
    return [page async for page in client.iter_items(target)]


async def fetch(base_url: str, target: Endpoint | None = None, **raw: Any) -> Pages:
    """Every page of one endpoint run (default: GET /items with data_path .items)."""
    async with api_client(base_url, **raw) as client:
        return await collect(client, target or endpoint(base_url, data_path=".items"))


# --- one fake route per pagination style; each serves `items` under "items" ----------------


def offset_route(items: list[dict[str, Any]], cap: int | None = None) -> Handler:
    """`?offset=&limit=`; `cap` models a server that serves fewer than asked."""

    def handle(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        limit = min(limit, cap) if cap else limit
        return Reply(json_body={"items": items[offset : offset + limit]})

    return handle


def page_route(items: list[dict[str, Any]]) -> Handler:
    def handle(request: Received) -> Reply:
        number, size = int(request.query["page"]), int(request.query["size"])
        return Reply(json_body={"items": items[(number - 1) * size : number * size]})

    return handle


def cursor_route(items: list[dict[str, Any]]) -> Handler:
    """`{"items": [...], "meta": {"next": "<index>"}}`; no `next` on the last page."""

    def handle(request: Received) -> Reply:
        start, limit = int(request.query.get("cursor", "0")), int(request.query["limit"])
        end = start + limit
        meta = {"next": str(end)} if end < len(items) else {}
        return Reply(json_body={"items": items[start:end], "meta": meta})

    return handle


def next_link_route(items: list[dict[str, Any]], size: int) -> Handler:
    """OData style: a relative `@odata.nextLink`, resolved against the page URL."""

    def handle(request: Received) -> Reply:
        start = int(request.query.get("skip", "0"))
        body: dict[str, Any] = {"items": items[start : start + size]}
        if start + size < len(items):
            body["@odata.nextLink"] = f"items?skip={start + size}"
        return Reply(json_body=body)

    return handle


def header_link_route(items: list[dict[str, Any]], size: int) -> Handler:
    """GitHub style: `Link: <...>; rel="next"` next to other rels."""

    def handle(request: Received) -> Reply:
        start = int(request.query.get("since", "0"))
        links = ['</items?since=0>; rel="first"']
        if start + size < len(items):
            links.append(f'</items?since={start + size}>; rel="next"')
        return Reply(
            json_body={"items": items[start : start + size]}, headers={"Link": ", ".join(links)}
        )

    return handle
