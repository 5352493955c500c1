"""Helpers for path-parameter tests: a real ApiClient over a loopback FakeApi, paged routes,
and a fan-out run built from the same config dicts a user writes in the mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from client import ApiClient
from connection.endpoint import Endpoint
from connection.settings import load_settings
from connection.urls import join_url
from core.redaction import Redactor
from fanout.discovery import DiscoveryCache
from fanout.engine import FanOut, FanOutPlan
from fetching.http_factory import build_http_client
from sample_api.server import FakeApi, Handler, Received, Reply
from selector_checks.path_parameters import PathParameter
from tests.client_kit import with_call
from tests.log_capture import captured_logs as captured_logs

Items = list[dict[str, Any]]


@asynccontextmanager
async def api_client(api: FakeApi, **raw: Any) -> AsyncIterator[ApiClient]:
    """An ApiClient built as in production (limiter, retries), minus Ocean's client class."""
    settings = load_settings({"base_url": api.url, "max_retries": "0", **raw})
    redact = Redactor(settings.secrets)
    async with build_http_client(settings, redact, inside_ocean=False) as http:
        yield ApiClient(http, settings, redact)


def offset_route(items: Items, key: str = "items") -> Handler:
    """`?offset=&limit=` pages of `items` under `key`; an empty page ends it."""

    def handle(request: Received) -> Reply:
        offset, limit = int(request.query.get("offset", 0)), int(request.query.get("limit", 100))
        return Reply(json_body={key: items[offset : offset + limit]})

    return handle


def replying(reply: Reply) -> Handler:
    """A route that always answers `reply` (e.g. with a delay)."""
    return lambda _request: reply


def fan_out(
    client: ApiClient,
    base_url: str,
    kind: str,
    parameters: dict[str, dict[str, Any]],
    *,
    skip_statuses: list[int] | None = None,
    cache: DiscoveryCache | None = None,
    limit: int = 10,
    **selector: Any,
) -> FanOut:
    paging = client.connection.pagination
    url = join_url(base_url, kind)
    child = Endpoint(kind=kind, url=url, pagination=paging, **with_call(selector))
    specs = {name: PathParameter.parse_obj(raw) for name, raw in parameters.items()}
    plan = FanOutPlan.build(child, base_url, specs, skip_statuses, discovery_pagination=paging)
    return FanOut(client, plan, cache or DiscoveryCache(), limit)


async def collect(run: FanOut) -> Items:
    return [item async for page in run.pages() for item in page]
