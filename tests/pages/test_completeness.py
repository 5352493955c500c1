"""Completeness (`totalPath`, `strictTotal`, repeated identifiers), `error_when` at the pure
level, and explainable runs: every endpoint's finish line says why it stopped."""

from __future__ import annotations

from typing import Any

import pytest

from connection.endpoint import Endpoint
from connection.settings import load_settings
from core.errors import ApiReportedError, IncompleteResultError, ResponseFormatError
from jq_paths.response_paths import ResponsePath
from pages.completeness import CompletenessCheck, read_total
from pages.error_body import check_error_body
from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import api_client, captured_logs, collect, endpoint, fetch
from tests.ocean_run import entity, mapping, resource, run_resync

ITEMS = [{"id": n, "name": f"item-{n}"} for n in range(7)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [({"meta": {"total": 7}}, 7), ({"meta": {"total": "7"}}, 7), ({"meta": {}}, None)],
)
def test_read_total(body: Any, expected: int | None) -> None:
    assert read_total(ResponsePath("meta.total"), body) == expected


def test_a_total_that_is_not_a_count_is_an_error_naming_total_path() -> None:
    with pytest.raises(ResponseFormatError, match="totalPath 'meta' holds"):
        read_total(ResponsePath("meta"), {"meta": {"total": 7}})


def check(**raw: Any) -> CompletenessCheck:
    identity = raw.pop("identity_path", None)
    settings = load_settings({"base_url": "https://api.test", **raw})
    paging = settings.pagination
    target = Endpoint("/x", "https://api.test/x", identity_path=identity, pagination=paging)
    return CompletenessCheck(paging, target)


def test_matching_total_is_reported_in_the_summary() -> None:
    completeness = check(total_path="total")
    completeness.observe({"total": 3}, ITEMS[:2])
    completeness.observe({"total": 3}, ITEMS[2:3])
    assert completeness.finish("GET /x") == "; API total 3 matched"


def test_strict_mismatch_raises_with_both_numbers_and_the_moving_total() -> None:
    completeness = check(total_path=".meta.count", strict_total="true")
    completeness.observe({"meta": {"count": 9}}, ITEMS[:2])
    completeness.observe({"meta": {"count": 10}}, ITEMS[2:4])
    with pytest.raises(IncompleteResultError) as raised:
        completeness.finish("GET /x")
    message = str(raised.value)
    assert "received 4 distinct items, fewer than the total of 10" in message
    assert "changed from 9 to 10" in message and "strictTotal" in message


def test_identity_path_counts_repeats_by_a_jq_expression() -> None:
    completeness = check(identity_path=".key.value")
    completeness.observe(None, [{"key": {"value": "a"}}, {"key": {"value": "b"}}])
    completeness.observe(None, [{"key": {"value": "b"}}, {"key": "not-an-object"}])
    with captured_logs() as logs:
        assert completeness.finish("GET /x") == "; 1 repeated identifiers"
    assert any("identity_path .key.value" in line and "e.g. b" in line for line in logs)


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"strict_total": "true"}, "strictTotal needs totalPath"),
        ({"stop_on_short_page": "true", "pagination_type": "cursor", "cursor_path": "c"}, "page"),
        ({"total_path": ".meta["}, "totalPath"),
    ],
)
def test_completeness_settings_are_validated(raw: dict[str, Any], named: str) -> None:
    with pytest.raises(Exception, match="Invalid connection settings") as raised:
        load_settings({"base_url": "https://api.test", **raw})
    assert named in str(raised.value)


def test_error_when_truthiness_and_message_fallback() -> None:
    def run(body: Any, when: str, path: str | None = None) -> None:
        check_error_body(body, when, path, "[/x] GET", lambda text: text.replace("s3cr3t", "***"))

    run({"ok": True}, ".ok == false")
    run({"ok": None}, ".ok")  # null is falsy in jq, as false is
    with pytest.raises(ApiReportedError, match=r'the API says: \{"ok": false, "why": "\*\*\*"\}'):
        run({"ok": False, "why": "s3cr3t"}, ".ok == false", ".missing")
    with pytest.raises(ApiReportedError, match="the API says: bad, worse"):
        run({"errors": [{"message": "bad"}, {"message": "worse"}]}, ".errors", ".errors[].message")
    with pytest.raises(ResponseFormatError, match=r"error_when '.ok == false' failed"):
        run([1, 2], ".ok == false")


def total_route(total: int, items: list[dict[str, Any]]) -> Any:
    def handle(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return Reply(json_body={"items": items[offset : offset + limit], "meta": {"total": total}})

    return handle


async def test_total_reached_stops_without_the_trailing_empty_request(api: FakeApi) -> None:
    api.route("GET", "/items", total_route(7, ITEMS))
    with captured_logs() as logs:
        pages = await fetch(
            api.url, pagination_type="offset", page_size="3", total_path="meta.total"
        )
    # Pages 2 and 3 go out together (parallelPages: auto with a known total): in any order.
    offsets = sorted(int(request.query["offset"]) for request in api.received)
    assert sum(map(len, pages)) == 7 and offsets == [0, 3, 6]
    finish = next(line for line in logs if "done —" in line)
    assert "stopped: total reached (7 of 7 items)" in finish and "API total 7 matched" in finish


async def test_fewer_items_than_the_total_is_a_warning_with_both_numbers(api: FakeApi) -> None:
    api.route("GET", "/items", total_route(9, ITEMS))  # claims 9, serves 7
    with captured_logs() as logs:
        pages = await fetch(
            api.url, pagination_type="offset", page_size="3", total_path="meta.total"
        )
    assert sum(map(len, pages)) == 7
    warning = next(line for line in logs if "WARNING" in line and "distinct items" in line)
    assert "received 7 distinct items, fewer than the total of 9" in warning


async def test_strict_total_fails_the_resync_and_deletes_nothing(api: FakeApi) -> None:
    api.route("GET", "/items", total_route(9, ITEMS))
    config = {
        "base_url": api.url,
        "pagination_type": "offset",
        "page_size": "3",
        "total_path": "meta.total",
        "strict_total": "true",
    }
    stale = [entity(str(item["id"])) for item in ITEMS] + [entity("stale")]
    result = await run_resync(config, mapping(resource("/items", data_path=".items")), stale)
    assert result.deleted_entities == [] and result.errors
    message = str(result.errors[0])
    assert "7 distinct items, fewer than the total of 9" in message and "strictTotal" in message


async def test_offset_drift_repeats_are_counted_and_warned(api: FakeApi) -> None:
    items = list(ITEMS)

    def drifting(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        page = items[offset : offset + limit]
        if offset == 0:
            items.insert(0, {"id": 100, "name": "new"})  # lands before the next offset
        return Reply(json_body={"items": page})

    api.route("GET", "/items", drifting)
    with captured_logs() as logs:
        pages = await fetch(api.url, pagination_type="offset", page_size="3")
    assert sum(map(len, pages)) == 8  # item 2 came twice
    warning = next(line for line in logs if "repeated an identifier" in line)
    assert "1 items" in warning and "e.g. 2" in warning and "offset drift" in warning
    assert "1 repeated identifiers" in next(line for line in logs if "done —" in line)


def flagged(flag: str, stop_value: bool) -> Any:
    """Three per page; `flag` in meta flips to `stop_value` on the last page."""

    def handle(request: Received) -> Reply:
        if "page" in request.query:
            start = (int(request.query["page"]) - 1) * 3
        else:
            start = int(request.query.get("cursor", "0"))
        last = start + 3 >= len(ITEMS)
        meta = {flag: stop_value if last else not stop_value, "next": str(start + 3)}
        return Reply(json_body={"items": ITEMS[start : start + 3], "meta": meta})

    return handle


STOPS: dict[str, tuple[dict[str, str], Any]] = {
    "empty page": ({"pagination_type": "offset"}, total_route(7, ITEMS)),
    "has-more flag false": (
        {"pagination_type": "cursor", "cursor_path": "meta.next", "has_more_path": "meta.more"},
        flagged("more", False),
    ),
    "last-page flag true": (
        {"pagination_type": "page", "last_page_path": "meta.last"},
        flagged("last", True),
    ),
    "total reached (7 of 7 items)": (
        {"pagination_type": "offset", "total_path": "meta.total"},
        total_route(7, ITEMS),
    ),
    "short page (1 < pageSize 3)": (
        {"pagination_type": "page", "stop_on_short_page": "true"},
        flagged("unused", True),
    ),
    "single request (paginationType none)": ({}, lambda _r: Reply(json_body={"items": ITEMS})),
}


@pytest.mark.parametrize("reason", STOPS)
async def test_finish_line_says_why_it_stopped_and_what_it_took(api: FakeApi, reason: str) -> None:
    settings, handler = STOPS[reason]
    api.route("GET", "/items", handler)
    with captured_logs() as logs:
        async with api_client(api.url, page_size="3", **settings) as client:
            pages = await collect(client, endpoint(api.url, data_path=".items"))
    assert sum(map(len, pages)) == 7
    finish = [line for line in logs if "GET /items: done — 7 items in" in line]
    assert len(finish) == 1 and f"stopped: {reason};" in finish[0]
    assert "0 retries, 0.0s waited" in finish[0]
