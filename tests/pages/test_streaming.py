"""One big response (`paginationType: none`), streamed (`pages/streaming.py`): items handed on
in chunks with exact numbers, the same results as reading the body whole, and every failure
raised."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from core.errors import ConfigurationError, FetchError, ResponseFormatError
from pages.streaming import CHUNK_ITEMS, StreamPlan, stream_plan
from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import api_client, captured_logs, endpoint, fetch
from tests.fanout.fan_out_kit import api_client as fan_out_client
from tests.fanout.fan_out_kit import collect as collect_fan_out
from tests.fanout.fan_out_kit import fan_out
from tests.ocean_run import entity, mapping, resource, run_resync
from transport import stream_head


@pytest.fixture(autouse=True)
def _stream_after_16_kib(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies over 16 KiB stream here (8 MiB in production), so tests stay small and fast."""
    monkeypatch.setattr(stream_head, "STREAM_AFTER_BYTES", 16 * 1024)


BIG = 2**63 - 1  # the largest 64-bit id; 2**53 + 1 is the first a double cannot hold
MANY = [{"id": BIG - n, "n": n, "score": n / 4, "tags": ["a"]} for n in range(50_000)]


def body_route(body: bytes, content_type: str = "application/json") -> Any:
    return lambda _r: Reply(body=body, headers={"Content-Type": content_type})


async def pages_of(api: FakeApi, data_path: str | None, **raw: str) -> list[list[dict[str, Any]]]:
    return await fetch(api.url, endpoint(api.url, data_path=data_path), **raw)


def flat(pages: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [item for page in pages for item in page]


@pytest.mark.parametrize(
    ("data_path", "plan"),
    [
        (None, StreamPlan((), iterate=False)),
        (".", StreamPlan((), iterate=False)),
        (".[]", StreamPlan((), iterate=True)),
        (".items", StreamPlan(("items",), iterate=False)),
        (".items[]", StreamPlan(("items",), iterate=True)),
        (" .a.b_2 ", StreamPlan(("a", "b_2"), iterate=False)),
        (".items[] | select(.active)", None),
        ('."@odata.value"', None),
        (".items[]?", None),
    ],
)
def test_plain_data_paths_stream_and_jq_expressions_do_not(
    data_path: str | None, plan: StreamPlan | None
) -> None:
    assert stream_plan(data_path) == plan


def test_ijson_prefixes() -> None:
    assert [stream_plan(p).prefix for p in (None, ".items[]", ".a.b")] == [  # type: ignore[union-attr]
        "item",
        "items.item",
        "a.b.item",
    ]


async def test_a_big_array_arrives_in_chunks_with_exact_numbers(api: FakeApi) -> None:
    api.route("GET", "/items", body_route(json.dumps(MANY).encode()))
    with captured_logs() as logs:
        pages = await pages_of(api, None)
    assert [len(page) for page in pages] == [CHUNK_ITEMS] * 50
    assert flat(pages) == MANY  # ints exact, floats as json.loads gives them
    assert all(type(item["id"]) is int and type(item["score"]) is float for item in flat(pages))
    finish = next(line for line in logs if "done —" in line)
    assert "50000 items in 1 pages" in finish and "single request (paginationType none)" in finish


@pytest.mark.parametrize("data_path", [".data", ".data[]", ".result.data"])
async def test_an_array_inside_an_object_streams_at_its_plain_path(
    api: FakeApi, data_path: str
) -> None:
    items = MANY[:2500]
    inner = {"meta": {"note": "before"}, "data": items, "after": [1, 2]}
    body = {"result": inner} if data_path == ".result.data" else inner
    api.route("GET", "/items", body_route(json.dumps(body).encode()))
    pages = await pages_of(api, data_path)
    assert [len(page) for page in pages] == [1000, 1000, 500] and flat(pages) == items


@pytest.mark.parametrize(
    ("body", "data_path", "expected"),
    [
        ({"id": 1, "name": "one object"}, None, [{"id": 1, "name": "one object"}]),
        ([], None, []),
        # ijson's prefix `items.item` also names the key "item" of an object at .items
        ({"items": {"item": {"id": 1}}}, ".items", [{"item": {"id": 1}}]),
        # ... and an array under a key holding a dot; jq's .a.b is another place
        ({"a.b": [{"id": 9}], "a": {"b": [{"id": 1}]}}, ".a.b", [{"id": 1}]),
        ({"items": {"x": {"id": 1}, "y": {"id": 2}}}, ".items[]", [{"id": 1}, {"id": 2}]),
        ({"items": [[{"id": 1}], None, {"id": 2}]}, ".items[]", [{"id": 1}, {"id": 2}]),
        ([{"id": 2**64 + 1}, {"id": -(2**63)}], None, [{"id": 2**64 + 1}, {"id": -(2**63)}]),
    ],
    ids=[
        "object-is-one-item",
        "empty",
        "key-named-item",
        "dotted-key",
        "iterate-object",
        "iterate-nested",
        "beyond-64-bits",
    ],
)
async def test_anything_but_a_plain_array_gives_what_the_whole_body_gives(
    api: FakeApi, body: Any, data_path: str | None, expected: list[dict[str, Any]]
) -> None:
    api.route("GET", "/items", body_route(json.dumps(body).encode()))
    assert flat(await pages_of(api, data_path)) == expected


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ({"items": None, "count": 0}, "response keys: items, count"),
        ({"other": [{"id": 1}]}, "other"),
    ],
    ids=["null", "absent"],
)
async def test_a_data_path_that_finds_no_value_in_the_one_response_is_a_configuration_error(
    api: FakeApi, body: Any, found: str
) -> None:
    """Issue 19: `.items` finding nothing in a body that is not empty would sync no items and
    say done (a first install has nothing for the shrink guard to compare)."""
    api.route("GET", "/items", body_route(json.dumps(body).encode()))
    with pytest.raises(ConfigurationError, match=r"data_path '\.items' found no value") as caught:
        await pages_of(api, ".items")
    assert found in str(caught.value) and ".items // []" in str(caught.value)


async def test_scalars_where_items_belong_are_an_error_naming_data_path(api: FakeApi) -> None:
    api.route("GET", "/items", body_route(json.dumps({"items": [{"id": 1}, "two"]}).encode()))
    with pytest.raises(ResponseFormatError, match=r"data_path '\.items' selected a string"):
        await pages_of(api, ".items")


async def test_a_non_json_body_is_a_response_format_error(api: FakeApi) -> None:
    page = b"<html><body>Sign in to continue</body></html>"
    api.route("GET", "/items", body_route(page, "text/html"))
    with pytest.raises(ResponseFormatError, match=r"not JSON \(text/html\).*Sign in to continue"):
        await pages_of(api, None)


async def test_a_body_that_turns_invalid_after_chunks_went_out_is_an_error(
    api: FakeApi,
) -> None:
    broken = json.dumps(MANY[:3000]).encode()[:-1] + b", oops]"
    api.route("GET", "/items", body_route(broken))
    pages: list[list[dict[str, Any]]] = []
    async with api_client(api.url) as client:
        with pytest.raises(ResponseFormatError, match="stopped being valid JSON after 2000 items"):
            async for page in client.iter_items(endpoint(api.url)):
                pages.append(page)
    assert flat(pages) == MANY[:2000]  # the chunk being filled when it broke is not handed on


async def test_a_body_cut_off_mid_stream_raises_after_the_chunks_already_sent(
    api: FakeApi,
) -> None:
    api.route("GET", "/items", lambda _r: Reply(json_body=MANY, drop_mid_body=True))
    pages: list[list[dict[str, Any]]] = []
    async with api_client(api.url) as client:
        with pytest.raises(FetchError, match=r"failed: RemoteProtocolError.*streamed body"):
            async for page in client.iter_items(endpoint(api.url)):
                pages.append(page)
    assert pages and flat(pages) == MANY[: len(flat(pages))]
    assert len(api.received) == 1  # a streamed body is not retried


async def test_a_number_too_large_for_the_stream_after_chunks_went_out_is_read_again(
    api: FakeApi,
) -> None:
    items = [{"id": n} for n in range(20_000)] + [{"id": 2**64}]  # past the first buffers
    api.route("GET", "/items", body_route(json.dumps(items).encode()))
    with captured_logs() as logs:
        pages = await pages_of(api, None)
    assert flat(pages)[-len(items) :] == items  # the second, whole read: everything, exact
    assert len(api.received) == 2
    assert any("fetching it again and reading it whole" in line for line in logs)


async def test_a_post_that_is_no_read_is_not_sent_twice(api: FakeApi) -> None:
    items = [{"id": n} for n in range(20_000)] + [{"id": 2**64}]
    api.route("POST", "/items", body_route(json.dumps(items).encode()))
    target = endpoint(api.url, method="POST", body={"q": 1})
    with pytest.raises(ResponseFormatError, match="read_only: true"):
        await fetch(api.url, target)
    assert len(api.received) == 1


async def test_statuses_are_still_retried_before_the_body(api: FakeApi) -> None:
    calls: list[int] = []

    def flaky(_request: Received) -> Reply:
        calls.append(1)
        if len(calls) == 1:
            return Reply(503, {"error": "busy"}, headers={"Retry-After": "0"})
        return Reply(json_body=MANY[:1500])

    api.route("GET", "/items", flaky)
    pages = await pages_of(api, None)
    assert flat(pages) == MANY[:1500] and len(calls) == 2


async def test_error_when_and_total_path_read_the_body_whole(api: FakeApi) -> None:
    api.route("GET", "/items", body_route(json.dumps({"ok": True, "items": MANY[:2500]}).encode()))
    streamed = await pages_of(api, ".items")
    whole = await fetch(api.url, endpoint(api.url, data_path=".items", error_when=".ok == false"))
    assert [len(page) for page in streamed] == [1000, 1000, 500]
    assert [len(page) for page in whole] == [2500] and flat(whole) == flat(streamed)


async def test_the_concurrency_slot_is_given_back_when_the_consumer_stops_early(
    api: FakeApi,
) -> None:
    # Small enough for the socket buffers: the server has sent it all when the client closes.
    api.route("GET", "/items", body_route(json.dumps(MANY[:1500]).encode()))
    async with api_client(api.url, max_concurrent_requests="2") as client:
        for _ in range(3):  # the third run needs a slot the first or second one held
            pages = client.iter_items(endpoint(api.url))
            assert len(await anext(pages)) == CHUNK_ITEMS
            await pages.aclose()


async def test_a_streamed_resync_upserts_every_item_exactly(api: FakeApi) -> None:
    items = [{"id": BIG - n, "name": f"item-{n}"} for n in range(2500)]
    api.route("GET", "/items", body_route(json.dumps(items).encode()))
    config = {"base_url": api.url, "pagination_type": "none"}
    result = await run_resync(config, mapping(resource("/items")), [])
    assert not result.errors
    assert sorted(e["identifier"] for e in result.upserted_entities) == sorted(
        str(item["id"]) for item in items
    )


async def test_a_body_cut_off_mid_stream_fails_the_resync_and_deletes_nothing(
    api: FakeApi,
) -> None:
    items = [{"id": n, "name": f"item-{n}"} for n in range(5000)]
    api.route("GET", "/items", lambda _r: Reply(json_body=items, drop_mid_body=True))
    stale = [entity(str(item["id"])) for item in items] + [entity("stale")]
    result = await run_resync({"base_url": api.url}, mapping(resource("/items")), stale)
    assert result.errors and "RemoteProtocolError" in str(result.errors[0])
    assert result.deleted_entities == []
    assert result.upserted_entities  # the chunks before the cut went to Port


async def test_a_short_body_is_read_whole_and_a_drop_in_it_is_retried(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream_head, "STREAM_AFTER_BYTES", 8 * 1024 * 1024)  # production's
    calls: list[int] = []

    def flaky(_request: Received) -> Reply:
        calls.append(1)
        return Reply(json_body=MANY[:2500], drop_mid_body=len(calls) == 1)

    api.route("GET", "/items", flaky)
    with captured_logs() as logs:
        pages = await pages_of(api, None)
    assert [len(page) for page in pages] == [2500] and flat(pages) == MANY[:2500]
    assert len(calls) == 2  # the dropped body was retried, like any page
    assert not any("streamed in chunks" in line for line in logs)


async def test_one_request_slot_reads_the_body_whole(api: FakeApi) -> None:
    api.route("GET", "/items", body_route(json.dumps(MANY[:2500]).encode()))
    pages = await pages_of(api, None, max_concurrent_requests="1")
    assert [len(page) for page in pages] == [2500]


@pytest.mark.parametrize("limit", [1, 2])
async def test_discovery_from_a_streamed_body_does_not_starve_its_children(
    api: FakeApi, limit: int
) -> None:
    """The discovery's streamed body holds a request slot while its values are fanned out."""
    parents = 2500
    api.json_route("/parents", {"data": [{"id": n} for n in range(parents)]})
    for number in range(parents):
        api.json_route(f"/parents/{number}/kids", {"data": [{"parent": number}]})
    async with fan_out_client(api, max_concurrent_requests=str(limit)) as client:
        parameters = {"pid": {"endpoint": "/parents", "data_path": ".data", "field": ".id"}}
        run = fan_out(client, api.url, "/parents/{pid}/kids", parameters, limit=limit)
        items = await asyncio.wait_for(collect_fan_out(run), 60)
    assert len(items) == parents
