"""The benchmark's upstream API: a real HTTP/1.1 server process on 127.0.0.1.

    python -m bench.api_server --items 100000 --page-size 100 --latency-ms 20

prints its base URL on the first stdout line, then serves until killed. It is asyncio-based:
a request's latency is an `asyncio.sleep`, so hundreds of delayed requests can be in flight at
once on one thread, with keep-alive. Routes (every paginated one ends with an empty page or an
absent next token, as real APIs do):

    /offset?offset=&limit=        {"data": [...], "total": N, "has_more": bool}
    /page?page=&size=             {"data": [...], "total": N, "has_more": bool}   (page from 1)
                                  (`--no-total`: offset and page without "total", as the
                                  configuration Port documents meets them: issue 16)
    /cursor?cursor=&limit=        {"data": [...], "meta": {"next_cursor": "..." | null}}
    /next_link?skip=&top=         {"value": [...], "@odata.nextLink": "http://..."}  (absent at end)
    /header_link?page=&per_page=  [...] with `Link: <...>; rel="next"`
    /parents?page=&size=          {"data": [{"id": "p-00001", ...}], "has_more": bool}
    /parents/<id>/children        {"data": [...], "has_more": false}
    /huge                         one top-level JSON array of --huge-mb MB (chunked)
    /_stats[?reset_peak=1]        {"requests": n, "by_route": {...}, "peak_in_flight": n, ...}
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bench.catalog import child, encode, encoded_items, huge_array_chunks, json_array

Body = bytes | Iterator[bytes]


@dataclass
class Reply:
    body: Body
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Stats:
    requests: int = 0
    bytes_sent: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    by_route: Counter[str] = field(default_factory=Counter)

    def snapshot(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "bytes_sent": self.bytes_sent,
            "peak_in_flight": self.peak_in_flight,
            "by_route": dict(self.by_route),
        }


class Catalog:
    """Answers each route from items encoded once at start-up."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.items = encoded_items(args.items)
        self.page_size = args.page_size
        self.parents, self.children = args.parents, args.children
        self.huge_bytes = int(args.huge_mb * 1024 * 1024)
        self.states_total = not args.no_total

    def window(self, start: int, size: int) -> tuple[bytes, bool]:
        """The encoded array of items [start, start+size) and whether more follow."""
        size = max(1, min(size, 10_000))
        stop = min(start + size, len(self.items))
        return json_array(self.items[start:stop] if start < stop else []), stop < len(self.items)

    def route(self, path: str, query: dict[str, str], base: str) -> Reply:
        size = int(query.get("limit") or query.get("size") or query.get("per_page") or 0)
        size = size or int(query.get("top") or self.page_size)
        if path == "/offset":
            return self.envelope(int(query.get("offset", 0)), size)
        if path == "/page":
            return self.envelope((int(query.get("page", 1)) - 1) * size, size)
        if path == "/cursor":
            return self.cursor(query.get("cursor"), size)
        if path == "/next_link":
            skip = int(query.get("skip", 0))
            data, more = self.window(skip, size)
            link = f',"@odata.nextLink":"{base}/next_link?skip={skip + size}&top={size}"'
            return Reply(b'{"value":' + data + (link.encode() if more else b"") + b"}")
        if path == "/header_link":
            page = int(query.get("page", 1))
            data, more = self.window((page - 1) * size, size)
            last = max(1, math.ceil(len(self.items) / size))
            links = [f'<{base}/header_link?page={last}&per_page={size}>; rel="last"']
            if more:
                links.insert(0, f'<{base}/header_link?page={page + 1}&per_page={size}>; rel="next"')
            return Reply(data, headers={"Link": ", ".join(links)})
        if path == "/parents":
            return self.parent_page(int(query.get("page", 1)), size)
        if path.startswith("/parents/") and path.endswith("/children"):
            return self.child_page(path.split("/")[2])
        if path == "/huge":
            return Reply(huge_array_chunks(self.huge_bytes))
        return Reply(encode({"error": f"no route {path}"}), status=404)

    def envelope(self, start: int, size: int) -> Reply:
        data, more = self.window(start, size)
        total = f',"total":{len(self.items)}' if self.states_total else ""
        tail = f'{total},"has_more":{"true" if more else "false"}}}'
        return Reply(b'{"data":' + data + tail.encode())

    def cursor(self, token: str | None, size: int) -> Reply:
        start = int(base64.urlsafe_b64decode(token).decode().removeprefix("o:")) if token else 0
        data, more = self.window(start, size)
        after = base64.urlsafe_b64encode(f"o:{start + size}".encode()).decode() if more else None
        return Reply(b'{"data":' + data + b',"meta":' + encode({"next_cursor": after}) + b"}")

    def parent_page(self, page: int, size: int) -> Reply:
        first, stop = (page - 1) * size + 1, min(page * size, self.parents)
        data = [{"id": f"p-{n:05d}", "name": f"parent {n}"} for n in range(first, stop + 1)]
        return Reply(encode({"data": data, "has_more": stop < self.parents}))

    def child_page(self, parent_id: str) -> Reply:
        parent = int(parent_id.removeprefix("p-"))
        data = [child(parent, index) for index in range(self.children)]
        return Reply(encode({"data": data, "has_more": False}))


class Server:
    def __init__(self, catalog: Catalog, latency: float) -> None:
        self.catalog, self.latency, self.stats = catalog, latency, Stats()

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                request_line, *lines = head.split("\r\n")
                method, target, _ = request_line.split(" ", 2)
                headers = dict(_header(line) for line in lines if ":" in line)
                if length := int(headers.get("content-length", 0)):
                    await reader.readexactly(length)
                reply = await self.answer(method, target, headers.get("host", ""))
                await self.send(writer, reply)
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client closed its keep-alive connection
        finally:
            writer.close()

    async def answer(self, method: str, target: str, host: str) -> Reply:
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        if parts.path == "/_stats":
            if query.get("reset_peak"):
                self.stats.peak_in_flight = self.stats.in_flight
            return Reply(encode(self.stats.snapshot()))
        stats = self.stats
        stats.requests += 1
        stats.by_route[parts.path.rsplit("/", 1)[-1] or "/"] += 1
        stats.in_flight += 1
        stats.peak_in_flight = max(stats.peak_in_flight, stats.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            return self.catalog.route(parts.path, query, f"http://{host}")
        except (ValueError, KeyError) as error:
            return Reply(encode({"error": str(error)}), status=400)
        finally:
            stats.in_flight -= 1

    async def send(self, writer: asyncio.StreamWriter, reply: Reply) -> None:
        head = [f"HTTP/1.1 {reply.status} {'OK' if reply.status == 200 else 'Error'}"]
        head += ["Content-Type: application/json", "Connection: keep-alive"]
        head += [f"{name}: {value}" for name, value in reply.headers.items()]
        if isinstance(reply.body, bytes):
            head.append(f"Content-Length: {len(reply.body)}")
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + reply.body)
            self.stats.bytes_sent += len(reply.body)
        else:
            head.append("Transfer-Encoding: chunked")
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
            for chunk in reply.body:
                writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.stats.bytes_sent += len(chunk)
                await writer.drain()
            writer.write(b"0\r\n\r\n")
        await writer.drain()


def _header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000, help="items per collection")
    parser.add_argument("--page-size", type=int, default=100, help="when the client sends none")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--huge-mb", type=float, default=10.0, help="size of /huge")
    parser.add_argument("--parents", type=int, default=1000)
    parser.add_argument("--children", type=int, default=5, help="children per parent")
    parser.add_argument("--no-total", action="store_true", help='no "total" in /offset, /page')
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    server = Server(Catalog(args), args.latency_ms / 1000)
    listener = await asyncio.start_server(server.connection, "127.0.0.1", args.port, backlog=2048)
    host, port = listener.sockets[0].getsockname()[:2]
    print(f"http://{host}:{port}", flush=True)
    async with listener:
        await listener.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(parse_args()))
