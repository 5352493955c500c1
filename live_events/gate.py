"""The gate in front of Ocean's webhook route: size, signature and handshakes, before Ocean.

Why an ASGI middleware: Ocean's route (`LiveEventsProcessorManager._register_route`) reads and
parses the whole body (`request.json()`), queues it and answers 200 at once; a processor's
`authenticate` runs later in a worker, where a 401 can no longer be sent and an oversized body
has already been read. Ocean's own HTTP middleware also loads the mapping from Port for every
`/integration` request. This gate is added to Ocean's app as its outermost middleware, so for
`POST <prefix>/integration/webhook` it runs before all of that:

1. `Content-Length` over 1 MiB → 413 without reading the body; otherwise the body is read
   chunk by chunk (chunked transfer too) and reading stops with 413 as soon as it passes 1 MiB;
2. the signature is verified over those raw bytes (`signatures.py`) → 401 and nothing queued;
3. only then is the body parsed: not a JSON object → 400; Slack's `url_verification`
   challenge is answered and GitHub's `ping` acknowledged here (neither is an event);
4. the delivery is passed on to Ocean's route with the same bytes, without its signature
   headers (for a valid delivery the signature received *is* the one expected: nothing after
   the gate can log it), plus a header carrying this process's random marker, which the
   processor requires (`processor.py`): were the gate ever missing, the processor would reject
   every delivery instead of trusting it.

Answers carry no detail beyond the status word; the log line says why (never the secret, the
signature received or the one expected).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from loguru import logger
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connection.webhook_settings import WebhookSettings
from live_events.signatures import SignatureRejected, signature_headers, verify

MAX_BODY_BYTES = 1024 * 1024
# Its name holds "token", so Ocean's own header logging (payload logging) redacts its value.
MARKER_HEADER = "x-ocean-custom-gate-token"
WEBHOOK_PATH = "/webhook"


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


class WebhookGate:
    """ASGI middleware guarding `POST {route}`; every other request passes untouched."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        route: str,
        settings: WebhookSettings,
        marker: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app, self._route, self._settings = app, route, settings
        self._marker, self._clock = marker, clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != self._route:
            await self.app(scope, receive, send)
            return
        # The marker is ours alone: a sender's own copy is dropped, on every method.
        raw_headers = [(k, v) for k, v in scope["headers"] if k.lower() != MARKER_HEADER.encode()]
        scope = {**scope, "headers": raw_headers}
        if scope["method"] != "POST":
            await self.app(scope, receive, send)  # Ocean's router answers 405
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw_headers}
        try:
            body = await _read_body(headers, receive)
        except _TooLarge:
            logger.warning(
                f"live events: delivery from {_client(scope)} refused (413): body over "
                f"{MAX_BODY_BYTES} bytes"
            )
            await _answer(send, 413, {"status": "payload too large"})
            return
        except _Disconnected:
            return
        await self._check_and_pass(scope, headers, body, receive, send)

    async def _check_and_pass(
        self, scope: Scope, headers: dict[str, str], body: bytes, receive: Receive, send: Send
    ) -> None:
        settings = self._settings
        scheme = settings.webhook_signature or "none"
        try:
            verify(
                scheme,
                settings.webhook_secret,
                settings.webhook_signature_header,
                headers,
                body,
                self._clock(),
            )
        except SignatureRejected as rejected:
            logger.warning(
                f"live events: delivery from {_client(scope)} rejected (401, webhookSignature "
                f"{scheme}): {rejected}"
            )
            await _answer(send, 401, {"status": "unauthorized"})
            return
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError):
            payload = None
        if not isinstance(payload, dict):
            logger.warning(
                f"live events: delivery from {_client(scope)} refused (400): the body is not a "
                "JSON object"
            )
            await _answer(send, 400, {"status": "expected a JSON object"})
            return
        if await _handshake(scheme, payload, headers, send):
            return
        dropped = signature_headers(settings.webhook_signature_header)
        kept = [(k, v) for k, v in scope["headers"] if k.decode("latin-1").lower() not in dropped]
        marked = [*kept, (MARKER_HEADER.encode(), self._marker.encode())]
        await self.app({**scope, "headers": marked}, _replay(body, receive), send)


async def _read_body(headers: dict[str, str], receive: Receive) -> bytes:
    """The whole body, refusing one over MAX_BODY_BYTES before reading it (Content-Length)
    or as soon as the chunks received pass it (chunked, or a lying Content-Length)."""
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _handshake(
    scheme: str, payload: dict[str, Any], headers: dict[str, str], send: Send
) -> bool:
    """Answer a vendor's handshake (already signature-checked); True when answered."""
    challenge = payload.get("challenge")
    slack = scheme in ("slack", "none")  # another sender's "url_verification" is just data
    if slack and payload.get("type") == "url_verification" and isinstance(challenge, str):
        logger.info("live events: answered Slack's url_verification challenge")
        await _answer(send, 200, {"challenge": challenge})
        return True
    if headers.get("x-github-event") == "ping":
        logger.info("live events: acknowledged GitHub's ping")
        await _answer(send, 200, {"status": "ok"})
        return True
    return False


def _client(scope: Scope) -> str:
    """The peer's address (a proxy's, behind one), for telling senders apart in the log."""
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "an unknown address"


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands Ocean's route the body already read, then the client's own
    messages (a real disconnect, if one comes)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(send: Send, status: int, content: dict[str, str]) -> None:
    data = json.dumps(content).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
