"""Port's API on loopback, for running the real `ocean sail` process end to end.

Ocean's own `PortMockResponder` (the canned Port routes of `port_ocean.integration_testing`)
is served over a real HTTP server, so a subprocess can point `OCEAN__PORT__BASE_URL` at it.
It also keeps the integration's resync state (what Port's UI shows as the last resync's
status), because that, not the exit code, is how a `--once` run reports a failed sync.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from port_ocean.integration_testing.port_mock import PortMockResponder


class CursorPortResponder(PortMockResponder):
    """Port's canned routes plus the incremental cursor API, as Ocean's client calls it
    (`port_ocean/clients/port/mixins/integrations.py`, 0.56.2): one cursor per (kind, index) at
    `/v1/integration/{id}/cursor?kind=&index=`. GET answers `{"cursor": {"primary": <ISO>}}`,
    or `{"cursor": null}` before the first save; PUT updates an existing cursor and answers 404
    for a missing one, after which Ocean creates it with POST. `cursors` can be seeded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.cursors: dict[tuple[str, int], str] = {}
        self.cursor_calls: list[tuple[str, str, int]] = []  # (method, kind, index)
        super().__init__(*args, **kwargs)

    def _setup_routes(self) -> None:
        # First: the generic "/v1/integration/" route below would answer these too.
        self.transport.add_route(None, re.compile(r"/v1/integration/[^/]+/cursor"), self._cursor)
        super()._setup_routes()

    def _cursor(self, request: httpx.Request) -> dict[str, Any]:
        kind, index = request.url.params["kind"], int(request.url.params["index"])
        self.cursor_calls.append((request.method, kind, index))
        key = (kind, index)
        if request.method == "GET":
            saved = self.cursors.get(key)
            return {"json": {"ok": True, "cursor": {"primary": saved} if saved else None}}
        if request.method == "PUT" and key not in self.cursors:
            return {"status_code": 404, "json": {"ok": False, "error": "not_found"}}
        if request.method in ("PUT", "POST"):
            self.cursors[key] = json.loads(request.content)["primary"]
            return {"json": {"ok": True, "cursor": {"primary": self.cursors[key]}}}
        return {"status_code": 405, "json": {"ok": False}}


class _Responder(CursorPortResponder):
    """The canned integration, with the resync state Ocean last wrote and our own log sink."""

    def __init__(
        self,
        port: FakePort,
        mapping: dict[str, Any],
        identifier: str,
        existing: list[dict[str, Any]],
    ) -> None:
        self.port = port
        super().__init__(
            mapping, integration_identifier=identifier, search_entities_response=existing
        )

    def _handle_integration(self, request: httpx.Request) -> dict[str, Any]:
        answer = super()._handle_integration(request)
        integration = answer["json"]["integration"]
        integration["resyncState"] = self.port.resync_state
        # The canned log/metric ingest URLs point at a fixed port; send them here instead.
        text = json.dumps(integration).replace("http://localhost:5555", self.port.url)
        answer["json"]["integration"] = json.loads(text)
        return answer


class FakePort:
    """Serve `PortMockResponder` on 127.0.0.1; entities upserted land in `upserted`.

    `existing` are the entities Port already holds for this integration: a resync that
    finishes deletes those it did not produce; a failed one must delete none.
    """

    def __init__(
        self,
        mapping: dict[str, Any],
        identifier: str = "my-custom-integration",
        existing: list[dict[str, Any]] | None = None,
    ) -> None:
        self.resync_states: list[dict[str, Any]] = []
        self.responder = _Responder(self, mapping, identifier, existing or [])
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def upserted(self) -> list[dict[str, Any]]:
        return list(self.responder.upserted_entities)

    @property
    def deleted(self) -> list[dict[str, Any]]:
        return list(self.responder.deleted_entities)

    @property
    def resync_state(self) -> dict[str, Any]:
        """What Port would show: the last state Ocean wrote, e.g. {"status": "failed", ...}."""
        if not self.resync_states:
            return {"status": "completed", "updatedAt": "2024-01-01T00:00:00.000Z"}
        return self.resync_states[-1]

    def answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        # The responder's transport is async but does no I/O; one call at a time keeps its
        # route counters and captured entities consistent across server threads.
        with self._lock:
            if request.method == "PATCH" and path.endswith("/resync-state"):
                state = {**json.loads(request.content), "updatedAt": datetime.now(UTC).isoformat()}
                self.resync_states.append(state)
                return httpx.Response(200, json={"integration": {"resyncState": state}})
            if path.startswith(("/logs/", "/ingest/")):
                return httpx.Response(200, json={"ok": True})
            response = asyncio.run(self.responder.transport.handle_async_request(request))
        response.read()
        return response

    def __enter__(self) -> FakePort:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _make_handler(port: FakePort) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body leave in two writes; with Nagle's algorithm on, the body
        # waits for the client's delayed ACK of the headers: ~40 ms a request, which no real
        # Port answer costs (its servers send an answer at once).
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            request = httpx.Request(
                self.command,
                port.url + self.path,
                headers=dict(self.headers.items()),
                content=self.rfile.read(length) if length else b"",
            )
            response = port.answer(request)
            self.send_response(response.status_code)
            self.send_header("Content-Type", response.headers.get("content-type", "text/plain"))
            self.send_header("Content-Length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    return RequestHandler
