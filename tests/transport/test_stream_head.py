"""`stream_head.read_head`: a short streamed body is read whole inside the retry loop, a long one
streams on from its first byte, and the concurrency slot is given back either way."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from transport import stream_head
from transport.rate_limit import LimitedTransport, RequestLimiter
from transport.stack import STREAM, RetryPolicy, RetryTransport


class Chunked(httpx.AsyncByteStream):
    def __init__(self, body: bytes, size: int = 100) -> None:
        self._parts = [body[i : i + size] for i in range(0, len(body), size)]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self._parts:
            yield part


def stack(body: bytes) -> tuple[RetryTransport, RequestLimiter]:
    limiter = RequestLimiter(2)
    network = httpx.MockTransport(lambda _request: httpx.Response(200, stream=Chunked(body)))
    return RetryTransport(LimitedTransport(network, limiter), RetryPolicy()), limiter


def streamed() -> httpx.Request:
    return httpx.Request("GET", "https://api.example.com/items", extensions={STREAM: True})


@pytest.fixture(autouse=True)
def _stream_after_1_kib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_head, "STREAM_AFTER_BYTES", 1024)


async def test_a_short_body_comes_back_read_with_its_slot_free() -> None:
    transport, limiter = stack(b"x" * 1024)
    response = await transport.handle_async_request(streamed())
    assert response.is_stream_consumed and response.content == b"x" * 1024
    assert limiter.in_flight == 0


async def test_a_long_body_streams_from_its_first_byte_and_frees_its_slot_when_read() -> None:
    body = bytes(range(256)) * 20
    transport, limiter = stack(body)
    response = await transport.handle_async_request(streamed())
    assert not response.is_stream_consumed and limiter.in_flight == 1
    assert await response.aread() == body
    assert limiter.in_flight == 0


async def test_a_long_body_closed_early_frees_its_slot() -> None:
    transport, limiter = stack(b"y" * 5000)
    response = await transport.handle_async_request(streamed())
    async for chunk in response.aiter_raw():
        assert chunk
        break
    await response.aclose()
    assert limiter.in_flight == 0
