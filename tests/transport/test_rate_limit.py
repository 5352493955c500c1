"""`requestsPerSecond` and `maxConcurrentRequests`: one limiter for every request.

The rate is measured where it matters — by the server, from the arrival times it recorded —
in every 1-second window, with a tolerance of 2 for scheduling jitter. The span assertions
check the limiter really held requests back (without it these runs finish in a fraction of
the time); they are correctness checks, not performance claims.
"""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise
from typing import Any

import httpx
import pytest

from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import api_client, collect, endpoint
from tests.ocean_run import mapping, resource, run_resync
from transport.rate_limit import LimitedTransport, RequestLimiter

TOLERANCE = 2


def busiest_second(times: list[float]) -> int:
    """The most arrivals in any 1-second window starting at an arrival."""
    ordered = sorted(times)
    return max(sum(1 for t in ordered[i:] if t < start + 1.0) for i, start in enumerate(ordered))


def offset_items(count: int) -> Any:
    items = [{"id": n, "name": f"n{n}"} for n in range(count)]

    def handle(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return Reply(json_body={"items": items[offset : offset + limit]})

    return handle


async def test_server_never_sees_more_than_the_limit_across_concurrent_endpoints(
    api: FakeApi,
) -> None:
    kinds = [f"/e{n}" for n in range(4)]
    for kind in kinds:
        api.route("GET", kind, offset_items(36))  # 36 pages of 1 + the empty page: 37 each
    settings = {"pagination_type": "offset", "page_size": "1", "requests_per_second": "50"}
    async with api_client(api.url, **settings) as client:
        runs = [collect(client, endpoint(api.url, kind, data_path=".items")) for kind in kinds]
        results = await asyncio.gather(*runs)
    assert all(sum(len(page) for page in pages) == 36 for pages in results)
    times = [request.at for request in api.received]
    assert len(times) == 4 * 37
    assert busiest_second(times) <= 50 + TOLERANCE
    assert max(times) - min(times) >= (len(times) - 1) / 50 * 0.95


async def test_the_setting_reaches_the_resync_and_spans_every_kind(api: FakeApi) -> None:
    for kind in ("/a", "/b"):
        api.route("GET", kind, offset_items(10))  # 11 requests per kind
    config = {
        "base_url": api.url,
        "pagination_type": "offset",
        "page_size": "1",
        "requests_per_second": "20",
    }
    kinds = [
        resource(kind, data_path=".items", identifier=f'"{kind}" + (.id|tostring)')
        for kind in ("/a", "/b")
    ]
    result = await run_resync(config, mapping(*kinds))
    assert result.errors == [] and len(result.upserted_entities) == 20
    times = [request.at for request in api.received]
    # 22 the lists need, plus what the page window (on by default) sent past each end.
    assert len(times) >= 22 and busiest_second(times) <= 20 + TOLERANCE
    assert max(times) - min(times) >= 21 / 20 * 0.95


def slow_inner(state: dict[str, int]) -> httpx.MockTransport:
    async def handle(_request: httpx.Request) -> httpx.Response:
        state["now"] += 1
        state["peak"] = max(state["peak"], state["now"])
        await asyncio.sleep(0.01)
        state["now"] -= 1
        return httpx.Response(200, stream=httpx.ByteStream(b"{}"))  # unread, as from a socket

    return httpx.MockTransport(handle)


async def test_concurrency_is_capped() -> None:
    state = {"now": 0, "peak": 0}
    limiter = RequestLimiter(concurrency=3)
    async with httpx.AsyncClient(transport=LimitedTransport(slow_inner(state), limiter)) as http:
        await asyncio.gather(*(http.get("https://api.test/x") for _ in range(20)))
    assert state["peak"] == 3 and limiter.peak_in_flight == 3 and limiter.in_flight == 0


async def test_a_slot_is_held_until_the_body_is_read_or_closed() -> None:
    limiter = RequestLimiter(concurrency=1)
    transport = LimitedTransport(slow_inner({"now": 0, "peak": 0}), limiter)
    first = await transport.handle_async_request(httpx.Request("GET", "https://api.test/1"))
    second = asyncio.create_task(
        transport.handle_async_request(httpx.Request("GET", "https://api.test/2"))
    )
    await asyncio.sleep(0.05)
    assert not second.done() and limiter.in_flight == 1  # the unread body keeps the slot
    await first.aread()
    await (await second).aclose()
    assert limiter.in_flight == 0


async def test_cancelled_waiter_gives_its_slot_back() -> None:
    limiter = RequestLimiter(concurrency=1, per_second=2)
    await limiter.acquire()
    limiter.release()
    waiting = asyncio.create_task(limiter.acquire())  # must wait ~0.5 s for its start
    await asyncio.sleep(0.05)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.wait_for(limiter._semaphore.acquire(), 0.1)  # type: ignore[union-attr]


async def test_starts_are_evenly_spaced_with_no_burst_after_idle() -> None:
    limiter = RequestLimiter(concurrency=10, per_second=100)
    await asyncio.sleep(0.05)  # idle time earns no burst credit
    starts: list[float] = []
    for _ in range(11):
        await limiter.acquire()
        starts.append(time.monotonic())
        limiter.release()
    gaps = [later - earlier for earlier, later in pairwise(starts)]
    assert min(gaps) >= 0.009 and limiter.started == 11


async def test_a_response_read_by_the_inner_transport_frees_its_slot_at_once() -> None:
    limiter = RequestLimiter(concurrency=1)
    inner = httpx.MockTransport(lambda _request: httpx.Response(200, json={"read": True}))
    async with httpx.AsyncClient(transport=LimitedTransport(inner, limiter)) as http:
        for _ in range(3):
            assert (await http.get("https://api.test/x")).json() == {"read": True}
    assert limiter.in_flight == 0
