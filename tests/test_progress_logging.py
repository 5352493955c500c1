"""What a person reads while a resync runs (issue 22, item 1): a progress line per kind at a
steady cadence, a summary line per kind, and one for the whole resync.

The whole-run test reads the log of a real Ocean resync against a slow loopback API. The cadence
is set by environment (0 seconds, every 2 pages) so the lines are certain without any timing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from fetching.progress import PAGES_ENV, SECONDS_ENV, Cadence, KindProgress
from sample_api.server import FakeApi, Received, Reply
from tests.log_capture import captured_logs
from tests.ocean_run import mapping, resource, run_resync
from transport.stack import RequestLimiter, RequestStats

ITEMS = [{"id": i, "name": f"item-{i}"} for i in range(60)]


def slow_offset_pages(request: Received) -> Reply:
    """A page of `limit` items from `offset` with the list's `total`, as most offset APIs
    (Atlassian's `startAt`/`total`, Zendesk's `count`); 30 ms per response."""
    offset, limit = int(request.query["offset"]), int(request.query["limit"])
    page = ITEMS[offset : offset + limit]
    return Reply(json_body={"items": page, "total": len(ITEMS)}, delay=0.03)


@pytest.fixture
def every_two_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECONDS_ENV, "0")
    monkeypatch.setenv(PAGES_ENV, "2")


@pytest.fixture
def logs() -> Iterator[list[str]]:
    with captured_logs() as lines:
        yield lines


async def test_a_real_resync_logs_progress_kind_summaries_and_a_resync_line(
    api: FakeApi, logs: list[str], every_two_pages: None
) -> None:
    api.route("GET", "/api/items", slow_offset_pages)
    api.route("GET", "/api/broken", lambda _r: Reply(503, {"error": "down"}))
    config = {
        "base_url": api.url + "/api",
        "pagination_type": "offset",
        "page_size": "10",
        "parallel_pages": "1",
        "total_path": "total",
        "max_retries": "1",
    }
    kinds = mapping(resource("/items", data_path=".items"), resource("/broken", data_path=".x"))
    result = await run_resync(config, kinds)
    assert len(result.upserted_entities) == 60
    text = "".join(logs)

    progress = re.findall(r"/items: (\d+) items, (\d+) pages so far, \d+ items/s, .*", text)
    assert [(int(i), int(p)) for i, p in progress] == [(20, 2), (40, 4), (60, 6)]
    first = re.search(r"/items: 20 items, 2 pages so far.*", text)
    assert first is not None
    assert "requests in flight" in first.group(0)
    assert re.search(r"ETA \d+s \(20 of 60\)", first.group(0)), first.group(0)

    assert re.search(
        r"/items: done — 60 items, 6 pages, 6 requests, 0 retries, stopped: .+, \d+\.\ds", text
    )
    assert re.search(
        r"/broken: FAILED \(RetriesExhaustedError; nothing is deleted\) after 0 items, 0 pages, "
        r"2 requests, 1 retries",
        text,
    ), text[-3000:]
    assert re.search(
        r"resync fetched: 2 kinds \(1 FAILED: /broken\), 60 items, 6 pages, 8 requests, "
        r"1 retries, \d+\.\ds; Ocean deletes nothing this time",
        text,
    )


def test_cadence_is_whichever_is_rarer() -> None:
    now = [0.0]
    limiter = RequestLimiter(4)
    progress = KindProgress("/k", Cadence(seconds=10, pages=3), limiter, clock=lambda: now[0])
    progress.run_started(RequestStats())
    with captured_logs() as lines:
        for second in (1, 2, 3, 4, 12, 13, 14, 30):  # a page at each of these seconds
            now[0] = second
            progress.page(5)
    said = [re.search(r"(\d+) pages so far", line) for line in lines]
    # 3 pages by second 3 but not 10 s; 10 s at second 12 (page 5); then 3 more pages by 30.
    assert [int(m.group(1)) for m in said if m] == [5, 8]


def test_eta_and_waiting_requests_in_the_line() -> None:
    now = [0.0]
    limiter = RequestLimiter(2)
    limiter.in_flight, limiter.waiting = 2, 7
    progress = KindProgress("/k", Cadence(0, 1), limiter, clock=lambda: now[0])
    progress.run_started(RequestStats())
    progress.expected = 1000
    now[0] = 10
    progress.page(100)
    line = progress.progress_line(10)
    assert line == (
        "/k: 100 items, 1 pages so far, 10 items/s, 2 requests in flight, "
        "7 waiting on the rate limit, ETA 90s (100 of 1000)"
    )


def test_unparseable_cadence_keeps_the_default() -> None:
    environ: dict[str, Any] = {SECONDS_ENV: "soon", PAGES_ENV: "-1"}
    assert Cadence.from_env(environ) == Cadence()
