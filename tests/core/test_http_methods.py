"""Which methods are reads and which send no body: written once (core/http_methods.py), and
every layer that applies them agrees, method by method."""

from __future__ import annotations

import httpx
import pytest

from connection.settings import ConnectionSettings
from core.errors import ConfigurationError
from core.http_methods import NO_BODY_METHODS, SAFE_METHODS
from core.redaction import Redactor
from fetching.page_placement import body_with
from fetching.request_sender import RequestSender
from pagination import NextPage
from selector_checks.body_placement import BodyPlacementError, check_body_placement
from tests.client_kit import endpoint as endpoint_at
from transport.stack import RequestStats, RetryPolicy, RetryTransport

METHODS = ("GET", "HEAD", "OPTIONS", "TRACE", "POST", "PUT", "PATCH", "DELETE")


def test_the_reads_are_rfc_9110s_safe_methods_and_the_bodyless_ones_are_reads() -> None:
    assert {"GET", "HEAD", "OPTIONS", "TRACE"} == SAFE_METHODS  # RFC 9110 §9.2.1
    assert {"GET", "HEAD"} == NO_BODY_METHODS
    assert NO_BODY_METHODS <= SAFE_METHODS


async def _attempts(method: str) -> int:
    """How many times the retry transport sends a request that first gets a 503."""
    answers = [httpx.Response(503), httpx.Response(200)]
    sent: list[httpx.Request] = []

    def inner(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers.pop(0)

    async def no_sleep(_: float) -> None:
        return None

    transport = RetryTransport(httpx.MockTransport(inner), RetryPolicy(), sleep=no_sleep)
    await transport.handle_async_request(httpx.Request(method, "https://api.test/items"))
    return len(sent)


@pytest.mark.parametrize("method", METHODS)
async def test_the_transport_retries_exactly_the_methods_an_endpoint_calls_reads(
    method: str,
) -> None:
    retryable = endpoint_at("https://api.test", "/items", method=method).retryable
    assert retryable is (method in SAFE_METHODS)
    assert await _attempts(method) == (2 if retryable else 1)


@pytest.mark.parametrize("method", METHODS)
async def test_the_sender_drops_the_body_where_body_pagination_is_refused(method: str) -> None:
    endpoint = endpoint_at("https://api.test", "/q", method=method, body={"q": 1})
    async with httpx.AsyncClient() as http:
        sender = RequestSender(http, ConnectionSettings(base_url="https://api.test"), Redactor())
        request = sender.build(endpoint, NextPage({}), RequestStats())
    bodyless = method in NO_BODY_METHODS
    assert (request.content == b"") is bodyless
    if bodyless:
        with pytest.raises(BodyPlacementError):
            check_body_placement(method, None, {"paginationLocation": "body"})
        with pytest.raises(ConfigurationError, match="sends no body"):
            body_with({"cursor": "c2"}, endpoint)
    else:
        check_body_placement(method, None, {"paginationLocation": "body"})
        assert body_with({"cursor": "c2"}, endpoint) == {"q": 1, "cursor": "c2"}
