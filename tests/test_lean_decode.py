"""Lean decoding (issue 8 part 4): each page parsed once, jq given the text as received, guard
memory of fixed-size digests, and a connection pool sized to the concurrency."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from core.errors import ResponseFormatError
from jq_paths import precise_jq
from pages.pagination_guard import DIGEST_SIZE, PaginationGuard
from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import SECRET, endpoint, fetch, offset_route
from transport import stream_head
from transport.proxy import EnvironmentProxyTransport
from transport.rate_limit import LimitedTransport, RequestLimiter
from transport.stack import RetryPolicy, RetryTransport, build_transport
from transport.tls import TlsDiagnosis

ITEMS = [{"id": 2**63 - n, "active": n % 2 == 0} for n in range(7)]
BEARER: dict[str, Any] = {"auth_type": "bearer_token", "api_token": SECRET}


async def test_each_page_is_parsed_once(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    loads = json.loads

    def counting_loads(content: bytes) -> Any:
        parsed.append(len(content))
        return loads(content)

    monkeypatch.setattr(json, "loads", counting_loads)  # pages/page_reader.decode uses it
    api.route("GET", "/items", offset_route(ITEMS))
    pages = await fetch(api.url, pagination_type="offset", page_size="3")
    assert [len(page) for page in pages] == [3, 3, 1]
    assert len(parsed) == 4  # three pages and the final empty one, once each


async def test_jq_reads_the_text_as_received_and_values_stay_exact(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts: list[str | None] = []
    evaluate = precise_jq._evaluate

    def recording(expression: str, value: Any, text: str | None = None) -> list[Any]:
        texts.append(text)
        return evaluate(expression, value, text)

    monkeypatch.setattr(precise_jq, "_evaluate", recording)
    api.route("GET", "/items", lambda _r: Reply(json_body={"ok": True, "items": ITEMS}))
    target = endpoint(api.url, data_path=".items[] | select(.active)", error_when=".ok == false")
    (page,) = await fetch(api.url, target)
    assert page == [item for item in ITEMS if item["active"]]  # 64-bit ids exact
    assert texts and all(text is not None and '"items"' in text for text in texts)


async def test_a_plain_data_path_calls_no_jq(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_jq(*_args: Any) -> list[Any]:
        raise AssertionError("jq was called for a plain data_path")

    monkeypatch.setattr(precise_jq, "_evaluate", no_jq)
    api.route("GET", "/items", offset_route(ITEMS))
    pages = await fetch(api.url, pagination_type="offset", page_size="3")
    assert [item for page in pages for item in page] == ITEMS


def test_the_guard_keeps_fixed_size_digests_not_urls_or_bodies() -> None:
    guard = PaginationGuard(max_pages=10)
    long_url = "https://h/items?cursor=" + "x" * 10_000
    guard.check_request(long_url)
    guard.check_page(b"[" + b'{"id": 1},' * 10_000 + b"{}]", 10_001)
    stored = [*guard._seen_urls, *guard._seen_pages]
    assert stored and all(len(key) == DIGEST_SIZE for key in stored)


def test_the_connection_pool_is_sized_to_the_concurrency() -> None:
    transport = build_transport(
        verify=True,
        concurrency=7,
        limiter=RequestLimiter(7),
        policy=RetryPolicy(),
        redact=str,
    )
    assert isinstance(transport, RetryTransport)
    limited = transport._inner
    assert isinstance(limited, LimitedTransport)
    routed = limited._inner  # direct or through the environment's proxy, per request
    assert isinstance(routed, EnvironmentProxyTransport)
    diagnosed = routed._make_network(None)
    assert isinstance(diagnosed, TlsDiagnosis)  # TLS failures name their setting
    network = diagnosed._inner
    assert isinstance(network, httpx.AsyncHTTPTransport)
    pool = network._pool
    assert (pool._max_connections, pool._max_keepalive_connections) == (7, 7)


async def test_a_streamed_json_error_leaves_out_the_body_it_would_quote(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream_head, "STREAM_AFTER_BYTES", 16 * 1024)

    def broken(_request: Received) -> Reply:
        items = [{"id": n, "note": f"token {SECRET}"} for n in range(3000)]
        return Reply(body=json.dumps(items).encode()[:-1] + f', "{SECRET}" oops]'.encode())

    api.route("GET", "/items", broken)
    with pytest.raises(ResponseFormatError) as caught:
        await fetch(api.url, endpoint(api.url), **BEARER)
    message = str(caught.value)
    assert "stopped being valid JSON after 2000 items: lexical error" in message
    assert SECRET[-12:] not in message  # not even the part of it next to the error
