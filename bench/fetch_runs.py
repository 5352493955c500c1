"""Fetch-path measurements (run inside a worker process): our client and the plain baselines.

Every function returns the number of items it received; the worker times it and reads the
process's peak RSS. Our client is built exactly as the integration builds it (settings →
`build_http_client` → `ApiClient`), minus Ocean's IP blocker, which only exists inside Ocean.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import ijson  # type: ignore[import-untyped]  # shipped by port-ocean, untyped

from bench.job import Job, Skipped
from bench.styles import STYLES, Style, fetch_concurrent, fetch_sequential, plain_client
from client import ApiClient
from connection.call_fields import CallFields
from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from connection.settings import load_settings
from connection.urls import join_url
from core.redaction import Redactor
from fetching.http_factory import build_http_client
from resync.read_ahead import read_ahead

FAN_OUT_SETTINGS = {"pagination_type": "page", "has_more_path": "has_more"}
HUGE_SETTINGS = {"pagination_type": "none"}


def connection(job: Job, style_settings: dict[str, Any]) -> dict[str, Any]:
    """Connection settings (as a user would write them) for one job."""
    return {
        "base_url": job.base_url,
        "page_size": job.page_size,
        "max_concurrent_requests": job.concurrency,
        "timeout": 300,
        **style_settings,
        **job.settings,
    }


@asynccontextmanager
async def our_client(raw: dict[str, Any]) -> AsyncIterator[ApiClient]:
    settings = load_settings(raw)
    redact = Redactor(settings.secrets)
    http = build_http_client(settings, redact, inside_ocean=False)
    try:
        yield ApiClient(http, settings, redact)
    finally:
        await http.aclose()


def endpoint(
    base_url: str, path: str, data_path: str | None, pagination: PaginationSettings
) -> Endpoint:
    url = join_url(base_url, path)
    call = CallFields(data_path=data_path)
    return Endpoint(kind=path, url=url, call=call, pagination=pagination)


async def ours(job: Job, depth: int | None = None) -> int:
    """`ApiClient.iter_items`, optionally wrapped in `read_ahead`, consumed by a counting loop."""
    style = STYLES[job.style]
    raw = connection(job, style.settings)
    async with our_client(raw) as client:
        paging = load_settings(raw).pagination
        pages = client.iter_items(endpoint(job.base_url, style.path, style.data_path, paging))
        source = read_ahead(pages, depth) if depth else pages
        count = 0
        async for items in source:
            count += len(items)
        return count


async def plain(job: Job, concurrent: bool) -> int:
    style: Style = STYLES[job.style]
    async with plain_client(job.concurrency) as http:
        if concurrent:
            return await fetch_concurrent(
                http, job.base_url, style, job.page_size, job.items, job.concurrency
            )
        return await fetch_sequential(http, job.base_url, style, job.page_size)


async def huge_ours(job: Job) -> int:
    """The single huge top-level array through our client (`paginationType: none`)."""
    async with our_client(connection(job, HUGE_SETTINGS)) as client:
        count = 0
        huge = endpoint(job.base_url, "/huge", None, PaginationSettings())
        async for items in client.iter_items(huge):
            count += len(items)
        return count


async def huge_plain_streamed(job: Job) -> int:
    """The floor: plain httpx streaming the body through ijson, items counted and dropped."""
    count = 0
    async with plain_client(1) as http, http.stream("GET", f"{job.base_url}/huge") as response:
        response.raise_for_status()
        async for _ in ijson.items(_Reader(response.aiter_bytes()), "item", use_float=True):
            count += 1
    return count


class _Reader:
    """An async file over httpx's byte stream: ijson's async API (its fastest push path here;
    `items_coro` was 3x slower) reads until it gets b"" and probes with `read(0)`."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""

    async def read(self, size: int) -> bytes:
        if not self._buffer:
            self._buffer = await anext(self._chunks, b"")
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


async def _fan_out(
    parent_ids: AsyncIterator[list[str]],
    fetch_children: Callable[[str], Awaitable[int]],
    limit: int,
) -> int:
    """Children of each parent as the parents arrive, at most `limit` child fetches at once
    (the plain baseline's fan-out; ours is the integration's engine)."""
    slots = asyncio.Semaphore(limit)
    count = 0

    async def one(parent: str) -> None:
        nonlocal count
        try:
            received = await fetch_children(parent)  # not `count += await`: a lost update
            count += received
        finally:
            slots.release()

    async with asyncio.TaskGroup() as group:
        async for page in parent_ids:
            for parent in page:
                await slots.acquire()  # bounds the tasks alive, not only the requests
                group.create_task(one(parent))
    return count


async def fan_out_ours(job: Job) -> int:
    """The integration's own fan-out engine (`fanout/engine.py`) over our client, as `main.py`
    drives it for a `{parent_id}` kind, minus Ocean."""
    try:
        from fanout.discovery import DiscoveryCache
        from fanout.engine import FanOut, FanOutPlan
        from selector_checks.path_parameters import PathParameter
    except ImportError as error:
        raise Skipped(f"no fan-out engine in this checkout ({error})") from None
    parent = PathParameter.parse_obj({"endpoint": "/parents", "data_path": ".data", "field": ".id"})
    raw = connection(job, FAN_OUT_SETTINGS)
    paging = load_settings(raw).pagination
    child = endpoint(job.base_url, "/parents/{parent_id}/children", ".data", paging)
    async with our_client(raw) as client:
        plan = FanOutPlan.build(
            child, job.base_url, {"parent_id": parent}, discovery_pagination=paging
        )
        run = FanOut(client, plan, DiscoveryCache(), job.concurrency)
        count = 0
        async for items in run.pages():
            count += len(items)
        return count


async def fan_out_plain(job: Job, concurrent: bool) -> int:
    limit = job.concurrency if concurrent else 1
    async with plain_client(limit) as http:

        async def parent_ids() -> AsyncIterator[list[str]]:
            page, more = 1, True
            while more:
                url = f"{job.base_url}/parents?page={page}&size={job.page_size}"
                body = (await http.get(url)).raise_for_status().json()
                yield [str(parent["id"]) for parent in body["data"]]
                page, more = page + 1, body["has_more"]

        async def children(parent: str) -> int:
            response = await http.get(f"{job.base_url}/parents/{parent}/children")
            return len(response.raise_for_status().json()["data"])

        return await _fan_out(parent_ids(), children, limit)
