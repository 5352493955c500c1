"""The gate at the ASGI level: what it reads, what it answers, what it hands on.

The inner app records what reaches it (Ocean's app in production); `receive` is a script of ASGI
messages that fails the test when the gate reads more than it should. The whole path through the
real server is covered by test_github_deliveries.py; these pin the byte-level rules.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from typing import Any

import pytest

from connection.webhook_settings import WebhookSettings
from live_events.gate import MARKER_HEADER, MAX_BODY_BYTES, WebhookGate
from tests.live_events.kit import SECRET, github_signature

ROUTE = "/integration/webhook"
GITHUB = WebhookSettings(webhook_signature="github", webhook_secret=SECRET)


class Inner:
    """Records each request that passes the gate, with the body it reads."""

    def __init__(self) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self.header_lists: list[list[tuple[str, str]]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        pairs = [(k.decode(), v.decode()) for k, v in scope["headers"]]
        self.header_lists.append(pairs)
        self.calls.append((dict(pairs), message.get("body", b"")))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def run(
    messages: list[dict[str, Any]], headers: dict[str, str], settings: WebhookSettings = GITHUB
) -> tuple[int, bytes, Inner, int]:
    """Call the gate; returns the status, the body answered, the inner app, messages read."""
    inner = Inner()
    gate = WebhookGate(inner, route=ROUTE, settings=settings, marker="m" * 43)
    script = list(messages)
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        if not script:
            raise AssertionError("the gate read past the messages the client sent")
        read += 1
        return script.pop(0)

    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {"type": "http", "method": "POST", "path": ROUTE, "headers": raw}
    await gate(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body, inner, read


def chunk(data: bytes, more: bool) -> dict[str, Any]:
    return {"type": "http.request", "body": data, "more_body": more}


async def test_a_declared_oversized_body_is_refused_without_reading_it() -> None:
    status, _body, inner, read = await run([], {"content-length": str(MAX_BODY_BYTES + 1)})
    assert (status, read, inner.calls) == (413, 0, [])


async def test_a_chunked_body_stops_being_read_once_it_passes_the_limit() -> None:
    piece = b"x" * (256 * 1024)
    messages = [chunk(piece, True) for _ in range(8)]  # 2 MiB on offer, no Content-Length
    status, _body, inner, read = await run(messages, {})
    assert (status, inner.calls) == (413, [])
    assert read == 5  # 4 pieces make exactly 1 MiB (allowed); the 5th passes it


async def test_a_body_of_exactly_the_limit_is_read() -> None:
    body = json.dumps({"pad": "x" * (MAX_BODY_BYTES - 11)}).encode()
    assert len(body) == MAX_BODY_BYTES
    headers = {"x-hub-signature-256": github_signature(body)}
    status, _answer, inner, _read = await run([chunk(body, False)], headers)
    assert status == 200 and inner.calls[0][1] == body


async def test_a_verified_delivery_is_handed_on_byte_for_byte_without_its_signature() -> None:
    body = b'{"action": "edited",  "issue": {"number": 7}}'
    headers = {
        "x-hub-signature-256": github_signature(body),
        "x-hub-signature": "sha1=0",
        "x-github-event": "issues",
        MARKER_HEADER: "a sender's guess",
    }
    status, _answer, inner, _read = await run(
        [chunk(body[:10], True), chunk(body[10:], False)], headers
    )
    assert status == 200
    forwarded, seen = inner.calls[0]
    assert seen == body
    markers = [value for name, value in inner.header_lists[0] if name == MARKER_HEADER]
    assert markers == ["m" * 43]  # the sender's copy is gone, only the gate's is there
    assert "x-hub-signature-256" not in forwarded and "x-hub-signature" not in forwarded
    assert forwarded["x-github-event"] == "issues"


async def test_a_bad_signature_is_refused_before_the_body_is_parsed() -> None:
    body = b"not even json"
    headers = {"x-hub-signature-256": github_signature(body, "another-secret-0123")}
    status, answer, inner, _read = await run([chunk(body, False)], headers)
    assert (status, json.loads(answer), inner.calls) == (401, {"status": "unauthorized"}, [])


async def test_a_signed_body_that_is_not_a_json_object_gets_400() -> None:
    body = b"payload=%7B%7D"  # GitHub's form encoding
    status, _answer, inner, _read = await run(
        [chunk(body, False)], {"x-hub-signature-256": github_signature(body)}
    )
    assert (status, inner.calls) == (400, [])


@pytest.mark.parametrize("path", ["/integration/other", "/health/ready"])
async def test_other_routes_pass_untouched(path: str) -> None:
    inner = Inner()
    gate = WebhookGate(inner, route=ROUTE, settings=GITHUB, marker="m" * 43)
    scope = {"type": "http", "method": "POST", "path": path, "headers": []}

    async def receive() -> dict[str, Any]:
        return chunk(b"{}", False)

    async def send(_message: MutableMapping[str, Any]) -> None:
        return None

    await gate(scope, receive, send)
    assert inner.calls == [({}, b"{}")]


async def test_a_signed_but_absurdly_nested_body_gets_400_not_a_crash() -> None:
    body = b"[" * 200_000 + b"]" * 200_000  # valid JSON, deeper than Python's recursion limit
    body = body[: MAX_BODY_BYTES // 2] + body[-(MAX_BODY_BYTES // 2) :]
    headers = {"x-hub-signature-256": github_signature(body)}
    status, _answer, inner, _read = await run([chunk(body, False)], headers)
    assert (status, inner.calls) == (400, [])


async def test_only_slack_gets_a_url_verification_answer() -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc"}).encode()
    headers = {"x-hub-signature-256": github_signature(body)}
    status, answer, inner, _read = await run([chunk(body, False)], headers)
    assert status == 200 and b"abc" not in answer  # a GitHub body: handed on as data
    assert inner.calls[0][1] == body
