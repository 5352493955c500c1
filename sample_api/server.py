"""A real HTTP/1.1 server on 127.0.0.1 with pluggable routes, for tests, the demo and benchmarks.

Each route is a function from the received request to a `Reply`. The server records every
request it received (method, path, query, headers, body) and the most requests it ever had in
flight at once, so tests can assert on what really went over the wire.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]  # last value per name; `raw_query` keeps everything
    raw_query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    json_body: Any = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop_mid_body: bool = False  # send headers and half the body, then close the connection

    def encoded(self) -> bytes:
        if self.body is not None:
            return self.body
        return b"" if self.json_body is None else json.dumps(self.json_body).encode()


Handler = Callable[[Received], Reply]


class FakeApi:
    """Routes are keyed by (METHOD, path); a missing route answers 404 JSON."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.received: list[Received] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._scheme = "https" if tls else "http"
        if tls:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        # A short poll interval: `stop()` waits for it, and every test fixture stops a server.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host!s}:{port}"

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method.upper(), path)] = handler

    def json_route(self, path: str, payload: Any, method: str = "GET") -> None:
        self.route(method, path, lambda _request: Reply(json_body=payload))

    def requests_to(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    def start(self) -> FakeApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeApi:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _handle(self, received: Received) -> Reply:
        with self._lock:
            self.received.append(received)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            handler = self.routes.get((received.method, received.path))
            if handler is None:
                return Reply(404, {"error": f"no route {received.method} {received.path}"})
            reply = handler(received)
            if reply.delay:
                time.sleep(reply.delay)
            return reply
        finally:
            with self._lock:
                self.in_flight -= 1


def _make_handler(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real APIs
        # Headers and body go out in two writes: with Nagle on, the body waits for the client's
        # delayed ACK, ~40 ms per keep-alive request, which hides real concurrency behaviour.
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            received = Received(
                method=self.command,
                path=parts.path,
                query={k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                raw_query=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
                at=time.monotonic(),
            )
            reply = api._handle(received)
            payload = reply.encoded()
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json", **reply.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if reply.drop_mid_body:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return  # keep test output clean

    return RequestHandler


def paged(items: list[dict[str, Any]], offset: int, limit: int) -> list[dict[str, Any]]:
    return items[offset : offset + limit]
