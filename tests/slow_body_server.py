"""A loopback HTTP server whose 200 bodies arrive as a generator writes them: slowly, without end,
or in bursts. Every body is bounded (by bytes and by seconds) so that a client without deadlines
gets a finished, ordinary body and its test fails instead of hanging.

Headers go out at once, with no Content-Length: the body ends when the server closes the
connection (HTTP/1.0 style), as a proxy or a streaming export may do.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# A generator of body pieces, given the request's query; it may sleep between pieces.
BodyWriter = Callable[[dict[str, str]], Iterator[bytes]]


class SlowBodyServer:
    def __init__(self, writer: BodyWriter, max_seconds: float, max_bytes: int) -> None:
        self.writer, self.max_seconds, self.max_bytes = writer, max_seconds, max_bytes
        self.requests: list[dict[str, str]] = []  # the query of each request, in order
        self.bytes_sent: list[int] = []  # per finished (or abandoned) body
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> SlowBodyServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def write_body(self, query: dict[str, str], out: Any) -> None:
        """Write the writer's pieces until it ends or a bound is reached; then stop writing (the
        connection closes)."""
        sent, started = 0, time.monotonic()
        try:
            for piece in self.writer(query):
                if sent >= self.max_bytes or time.monotonic() - started > self.max_seconds:
                    break
                out.write(piece)
                out.flush()
                sent += len(piece)
        except OSError:  # the client hung up: what a deadline does
            pass
        self.bytes_sent.append(sent)


def _handler(server: SlowBodyServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # the body ends when the connection closes

        def do_GET(self) -> None:
            query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
            server.requests.append(query)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.flush()
            server.write_body(query, self.wfile)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def trickle(body: bytes, every: float) -> Iterator[bytes]:
    """`body` one byte at a time, `every` seconds apart."""
    for index in range(len(body)):
        yield body[index : index + 1]
        time.sleep(every)


def endless_array(item: bytes, per_piece: int = 200) -> Iterator[bytes]:
    """`[item, item, ...` without end, as fast as the client reads it."""
    yield b"[" + item
    piece = (b"," + item) * per_piece
    while True:
        yield piece
