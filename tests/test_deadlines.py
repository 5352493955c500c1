"""Every run ends by itself (issue 19 part 1): `timeout` bounds a whole request attempt, and a body
is capped in size (`maxResponseMb` read whole, `maxStreamedMb` streamed).

The servers trickle or never end their bodies, but each stops by itself after a bound, so a
client without these rules gets an ordinary finished body and these tests fail, not hang.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from core.errors import FetchError
from sample_api.server import FakeApi
from tests.client_kit import ITEMS, SECRET, api_client, collect, endpoint, fetch, offset_route
from tests.ocean_run import entity, mapping, resource, run_resync
from tests.slow_body_server import SlowBodyServer, endless_array, trickle
from transport import deadline, stream_head

STALE = [entity(str(n)) for n in range(2)] + [entity("stale")]
PAGE_1 = json.dumps({"items": [{"id": 0, "name": "item-0"}, {"id": 1, "name": "item-1"}]})
PAGE_2 = json.dumps({"items": [{"id": 2, "name": "item-2"}, {"id": 3, "name": "item-3"}]})


def settings(server: SlowBodyServer, **extra: str) -> dict[str, Any]:
    return {"base_url": server.url, "auth_type": "bearer_token", "api_token": SECRET, **extra}


def assert_failed_safely(result: Any) -> str:
    assert result.errors and result.deleted_entities == []
    message = str(result.errors[0])
    assert SECRET not in message
    return message


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies over 16 KiB stream, and get `timeout` per 16 KiB (8 MiB in production)."""
    monkeypatch.setattr(stream_head, "STREAM_AFTER_BYTES", 16 * 1024)
    monkeypatch.setattr(deadline, "SEGMENT_BYTES", 16 * 1024)


@pytest.mark.timeout(40)
async def test_a_body_trickled_a_byte_at_a_time_times_out_and_is_retried() -> None:
    """Headers at once, then one byte every 0.2 s: each read is quick, so a per-read timeout
    never fires; the attempt's deadline does, each attempt is retried, then the resync fails."""

    def pages(query: dict[str, str]) -> Iterator[bytes]:
        if query["offset"] == "0":
            return iter([PAGE_1.encode()])
        return trickle(PAGE_2.encode(), every=0.2)  # ~12 s for the whole page

    with SlowBodyServer(pages, max_seconds=15, max_bytes=10_000) as server:
        config = settings(server, pagination_type="offset", page_size="2", timeout="1")
        config.update(max_retries="1", parallel_pages="1")
        started = time.monotonic()
        result = await run_resync(config, mapping(resource("/items", data_path=".items")), STALE)
        elapsed = time.monotonic() - started
    message = assert_failed_safely(result)
    assert "[/items] page 2" in message and "offset=2" in message
    assert "timeout=1s" in message and "whole body" in message
    assert [q["offset"] for q in server.requests] == ["0", "2", "2"]  # one retry of page 2
    assert elapsed < 12  # ended by the deadlines, not by the server's bound


@pytest.mark.timeout(40)
@pytest.mark.parametrize("seeded", [STALE, []], ids=["seeded", "first-install"])
async def test_a_json_array_that_never_ends_fails_at_max_response_mb(
    seeded: list[dict[str, Any]],
) -> None:
    item = json.dumps({"id": 1, "name": "x" * 80}).encode()
    with SlowBodyServer(lambda _q: endless_array(item), max_seconds=10, max_bytes=8 << 20) as api:
        config = settings(api, pagination_type="page", page_size="100", max_response_mb="1")
        result = await run_resync(config, mapping(resource("/items")), seeded)
    message = assert_failed_safely(result)
    assert "maxResponseMb=1 (1048576 bytes)" in message and "read whole" in message
    assert "[/items] page 1" in message and "GET http://127.0.0.1" in message
    assert len(api.requests) == 1  # the same request would send the same body: not retried
    assert api.bytes_sent[0] < 8 << 20  # the client hung up; the server did not stop first


@pytest.mark.timeout(60)
async def test_a_streamed_array_that_never_ends_fails_at_max_streamed_mb(
    small_segments: None,
) -> None:
    """`paginationType: none` with a top-level array streams: memory stays flat, so only the
    streamed cap ends a body that never ends. Items already handed on are upserted; nothing
    is deleted."""
    item = json.dumps({"id": 1, "name": "x" * 2000}).encode()
    endless = SlowBodyServer(lambda _q: endless_array(item, 8), max_seconds=20, max_bytes=4 << 20)
    with endless as api:
        config = settings(api, max_streamed_mb="0.5")
        result = await run_resync(config, mapping(resource("/items")), STALE)
    message = assert_failed_safely(result)
    assert "maxStreamedMb=0.5 (524288 bytes)" in message and "streamed" in message
    assert "[/items] GET http://127.0.0.1" in message and "(page 1)" in message


async def test_a_streamed_body_gets_timeout_per_segment_not_for_the_whole(
    small_segments: None,
) -> None:
    """A body that keeps flowing (16 KiB every 0.4 s) takes longer than `timeout` as a whole
    and still arrives: the deadline renews per segment of a streamed body."""
    items = [{"id": n, "pad": "p" * 200} for n in range(400)]  # ~84 KiB: 6 segments
    body = json.dumps(items).encode()

    def bursts(_query: dict[str, str]) -> Iterator[bytes]:
        for start in range(0, len(body), 16 * 1024):
            yield body[start : start + 16 * 1024]
            time.sleep(0.4)

    with SlowBodyServer(bursts, max_seconds=10, max_bytes=1 << 20) as api:
        started = time.monotonic()
        async with api_client(api.url, timeout="1") as client:
            pages = await collect(client, endpoint(api.url))
        assert time.monotonic() - started > 1.5  # longer than timeout, as a whole
    assert [item["id"] for page in pages for item in page] == list(range(400))


async def test_a_streamed_body_that_stalls_after_its_head_fails_naming_timeout(
    small_segments: None,
) -> None:
    """Past the head, the items handed on cannot be taken back, so a stall is not retried:
    the endpoint fails within `timeout` of the stall, naming it."""
    items = [{"id": n, "pad": "p" * 200} for n in range(400)]
    body = json.dumps(items).encode()

    def stall(_query: dict[str, str]) -> Iterator[bytes]:
        yield body[: 40 * 1024]  # past the 16 KiB head: streaming has begun
        yield from trickle(body[40 * 1024 :], every=0.2)

    with SlowBodyServer(stall, max_seconds=8, max_bytes=1 << 20) as api:
        started = time.monotonic()
        async with api_client(api.url, timeout="1") as client:
            with pytest.raises(FetchError) as failure:
                await collect(client, endpoint(api.url))
        assert time.monotonic() - started < 6
    message = str(failure.value)
    assert "streamed body stalled" in message and "timeout=1s" in message
    assert "GET http://127.0.0.1" in message and "(page 1)" in message


async def test_waiting_for_a_request_turn_does_not_count_against_timeout(api: FakeApi) -> None:
    """`requestsPerSecond: 2` spaces four page requests 0.5 s apart, with parallel pages queued
    behind the limiter: the wait for a turn is ours, not the API's, so `timeout: 0.3` (shorter
    than that wait, longer than any answer) fails nothing."""
    api.route("GET", "/items", offset_route(ITEMS))
    started = time.monotonic()
    pages = await fetch(
        api.url,
        pagination_type="offset",
        page_size="2",
        timeout="0.3",
        requests_per_second="2",
        max_retries="0",  # a timed-out attempt would fail the run, not be ridden out
    )
    assert time.monotonic() - started >= 1.9  # the limiter held 5 requests 0.5 s apart
    assert [item for page in pages for item in page] == ITEMS
