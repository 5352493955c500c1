"""Flaky, throttling and lying APIs, through the real Ocean app over a real loopback server.

Each failure must raise out of the resync (Ocean then deletes nothing) with a message naming
the setting to change; each transient fault must be ridden out with every item delivered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import formatdate
from itertools import pairwise
from typing import Any

import pytest

from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import SECRET, captured_logs
from tests.ocean_run import entity, mapping, resource, run_resync

ITEMS = [{"id": n, "name": f"item-{n}"} for n in range(6)]
STALE = [entity(str(n)) for n in range(6)] + [entity("stale")]
ITEMS_RESOURCE = resource("/items", data_path=".items")


def config(api: FakeApi, **extra: str) -> dict[str, Any]:
    return {
        "base_url": api.url,
        "auth_type": "bearer_token",
        "api_token": SECRET,
        "pagination_type": "offset",
        "page_size": "2",
        **extra,
    }


def faulty(faults: dict[int, list[Reply]]) -> Callable[[Received], Reply]:
    """Offset pages of ITEMS; the first requests for an offset get its queued faults."""

    def handle(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        if faults.get(offset):
            return faults[offset].pop(0)
        return Reply(json_body={"items": ITEMS[offset : offset + limit]})

    return handle


def ids(result: Any) -> list[str]:
    return sorted(e["identifier"] for e in result.upserted_entities)


def assert_failed_safely(result: Any) -> str:
    """The resync failed, nothing was deleted, and the error holds no secret."""
    assert result.errors and result.deleted_entities == []
    message = str(result.errors[0])
    assert SECRET not in message
    return message


async def test_429_retry_after_1_three_times_then_every_item(api: FakeApi) -> None:
    throttled = [Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"})] * 3
    api.route("GET", "/items", faulty({2: list(throttled)}))
    with captured_logs() as logs:
        result = await run_resync(config(api), mapping(ITEMS_RESOURCE), STALE)
    assert result.errors == [] and ids(result) == sorted(str(n) for n in range(6))
    assert [e["identifier"] for e in result.deleted_entities] == ["stale"]
    at_offset_2 = [r.at for r in api.received if r.query["offset"] == "2"]
    gaps = [later - earlier for earlier, later in pairwise(at_offset_2)]
    assert len(gaps) == 3 and all(gap >= 0.95 for gap in gaps)  # three waits, server-observed
    finish = next(line for line in logs if "GET /items: done" in line)
    assert "3 retries, 3.0s waited" in finish and "stopped: empty page" in finish


async def test_retry_after_as_an_http_date_is_honoured(api: FakeApi) -> None:
    def handle(request: Received) -> Reply:
        if len(api.received) == 1:
            return Reply(503, headers={"Retry-After": formatdate(time.time() + 2, usegmt=True)})
        return Reply(json_body={"items": ITEMS})

    api.route("GET", "/items", handle)
    result = await run_resync(config(api, pagination_type="none"), mapping(ITEMS_RESOURCE))
    assert result.errors == [] and len(result.upserted_entities) == 6
    first, second = (r.at for r in api.received)
    assert 0.9 <= second - first <= 3.0  # the date has 1-second resolution


async def test_asking_for_600s_with_max_retry_wait_30_fails_fast_and_deletes_nothing(
    api: FakeApi,
) -> None:
    api.route("GET", "/items", lambda _r: Reply(429, headers={"Retry-After": "600"}))
    started = time.monotonic()
    result = await run_resync(config(api, max_retry_wait="30"), mapping(ITEMS_RESOURCE), STALE)
    message = assert_failed_safely(result)
    assert "asked to wait 600s" in message and "maxRetryWait=30s" in message
    assert len(api.received) == 1 and time.monotonic() - started < 30  # did not wait it out


async def test_intermittent_5xx_and_a_dropped_connection_are_ridden_out(api: FakeApi) -> None:
    half = Reply(json_body={"items": ITEMS[2:4]}, drop_mid_body=True)
    faults = {0: [Reply(500)], 2: [Reply(502), half], 4: [Reply(503, body=b"<h1>down</h1>")]}
    api.route("GET", "/items", faulty(faults))
    one_at_a_time = config(api, parallel_pages="1")  # the exact order of retries is asserted
    with captured_logs() as logs:
        result = await run_resync(one_at_a_time, mapping(ITEMS_RESOURCE), STALE)
    assert result.errors == [] and ids(result) == sorted(str(n) for n in range(6))
    assert [r.query["offset"] for r in api.received] == ["0", "0", "2", "2", "2", "4", "4", "6"]
    assert any("RemoteProtocolError" in line for line in logs)  # the drop was seen and retried


async def test_retries_exhausted_name_max_retries_and_the_status(api: FakeApi) -> None:
    echo = Reply(503, {"error": "maintenance", "auth": f"Bearer {SECRET}"})
    api.route("GET", "/items", faulty({2: [echo] * 10}))
    with captured_logs() as logs:
        result = await run_resync(config(api, max_retries="2"), mapping(ITEMS_RESOURCE), STALE)
    message = assert_failed_safely(result)
    assert "503 after 2 retries (maxRetries=2" in message and "maintenance" in message
    assert ids(result) == ["0", "1"]  # page 1 arrived; nothing deleted all the same
    assert not any(SECRET in line for line in logs)


@pytest.mark.parametrize("status", [401, 403])
async def test_401_and_403_are_never_retried(api: FakeApi, status: int) -> None:
    api.route("GET", "/items", lambda _r: Reply(status, {"error": "no"}))
    result = await run_resync(config(api), mapping(ITEMS_RESOURCE), STALE)
    assert_failed_safely(result)
    assert len(api.received) == 1


@pytest.mark.parametrize(("read_only", "requests"), [(None, 1), (True, 2)])
async def test_post_is_retried_only_when_the_selector_says_it_is_a_read(
    api: FakeApi, read_only: bool | None, requests: int
) -> None:
    answers = [Reply(503, {"error": "busy"}), Reply(json_body={"items": ITEMS})]
    api.route("POST", "/search", lambda _r: answers.pop(0))
    selector: dict[str, Any] = {"method": "POST", "body": {"q": "*"}, "data_path": ".items"}
    if read_only is not None:
        selector["read_only"] = read_only
    result = await run_resync(
        config(api, pagination_type="none"), mapping(resource("/search", **selector)), STALE
    )
    assert len(api.received) == requests
    if read_only:
        assert result.errors == [] and len(result.upserted_entities) == 6
    else:
        assert "503" in assert_failed_safely(result)


async def test_html_login_page_with_200_fails_with_content_type_and_first_bytes(
    api: FakeApi,
) -> None:
    page = f"<html><body>Sign in to continue. session={SECRET}</body></html>".encode()
    api.route("GET", "/items", lambda _r: Reply(body=page, headers={"Content-Type": "text/html"}))
    result = await run_resync(config(api), mapping(ITEMS_RESOURCE), STALE)
    message = assert_failed_safely(result)
    assert "not JSON (text/html)" in message and "<html><body>Sign in to continue" in message
    assert "[REDACTED]" in message and result.upserted_entities == []


async def test_error_when_surfaces_the_apis_own_message(api: FakeApi) -> None:
    api.route("GET", "/items", lambda _r: Reply(json_body={"ok": False, "error": "invalid_auth"}))
    slack = resource(
        "/items", data_path=".items", error_when=".ok == false", error_message_path=".error"
    )
    result = await run_resync(config(api, pagination_type="none"), mapping(slack), STALE)
    message = assert_failed_safely(result)
    assert "error_when '.ok == false'" in message and "the API says: invalid_auth" in message


async def test_error_when_lets_good_pages_through(api: FakeApi) -> None:
    api.route("GET", "/items", lambda _r: Reply(json_body={"ok": True, "items": ITEMS}))
    slack = resource("/items", data_path=".items", error_when=".ok == false")
    result = await run_resync(config(api, pagination_type="none"), mapping(slack), STALE)
    assert result.errors == [] and len(result.upserted_entities) == 6


async def test_error_when_that_cannot_compile_is_a_configuration_error(api: FakeApi) -> None:
    broken = resource("/items", data_path=".items", error_when=".ok ==")
    result = await run_resync(config(api), mapping(broken), STALE)
    message = assert_failed_safely(result)
    assert "error_when" in message and "does not compile" in message and api.received == []
