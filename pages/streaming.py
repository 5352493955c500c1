"""Bounded memory for one huge response: decode it incrementally and yield it in chunks.

With `paginationType: none` the whole list comes in one response, possibly hundreds of MB. A body
longer than `stream_head.STREAM_AFTER_BYTES` (8 MiB; a shorter one is read whole, like any page)
is parsed as it arrives by ijson (the yajl2 C parser Ocean ships), and its items are handed on
`CHUNK_ITEMS` at a time: memory holds a chunk, not the response.

It applies when `data_path` is absent or a plain path (`.items`, `.items[]`, `.a.b`: ijson
prefix `item`, `items.item`, `a.b.item`); otherwise see `whole_body_reason`. The items are those
the whole body gives, since anything unusual before the first chunk goes out falls back to
decoding it whole (the bytes read so far are kept until then), with the same results and errors:
- the first element must come from an array at exactly that path (ijson's prefixes cannot tell
  `{"items": {"item": {...}}}` or a key "a.b" from it; a look-alike after it is not caught);
- no element at all (an object body, `null`, a wrong data_path), or what the parser refuses but
  Python's json accepts (integers beyond 64 bits, NaN).
After the first chunk: invalid JSON raises `ResponseFormatError`, a dropped connection
`FetchError`, an integer beyond 64 bits `NotStreamable` (the client fetches it again, read
whole). Integers stay exact; other numbers become floats, as with `json.loads`.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import ijson  # type: ignore[import-untyped]  # shipped by port-ocean, untyped
from loguru import logger

from connection.endpoint import Endpoint
from core.errors import FetchError, ResponseFormatError, ResponseTooLargeError
from jq_paths.plain_path import plain_path
from pages.data_path import output_items

CHUNK_ITEMS = 1000  # items per chunk handed on (one Ocean batch)
LARGE_BODY = 64 * 1024 * 1024  # a body read whole above this size is worth a warning

Items = list[dict[str, Any]]
ReadWhole = Callable[[bytes], Items]  # a body read whole: its items, judged as any page's


class NotStreamable(Exception):  # a signal to the client, not a failure
    """The body holds what the streaming parser cannot represent; read it whole instead."""


@dataclass(frozen=True)
class StreamPlan:
    keys: tuple[str, ...]  # object keys from the top down to the array
    iterate: bool  # `.items[]`: each element is an output (null skipped, an array flattened)

    @property
    def prefix(self) -> str:
        return ".".join((*self.keys, "item"))


def stream_plan(data_path: str | None) -> StreamPlan | None:
    """The array to stream for this data_path, or None when it is not a plain path."""
    if data_path is None:
        return StreamPlan((), iterate=False)
    plain = plain_path(data_path)
    return None if plain is None else StreamPlan(plain.keys, iterate=plain.iterate)


def whole_body_reason(endpoint: Endpoint, max_concurrent_requests: int) -> str | None:
    """Why a `paginationType: none` response must be read whole; None when it can stream."""
    if max_concurrent_requests == 1:
        # A streamed body holds its request slot until it is read to the end, so while the
        # consumer works on a chunk nothing else could be sent: discovering path-parameter
        # values from it while fetching their children would wait forever.
        return "maxConcurrentRequests is 1, and a streamed body holds the only request slot"
    if endpoint.error_when is not None:
        return "error_when is evaluated over the whole body"
    if endpoint.pagination.total_path is not None:
        return "totalPath is read from the whole body"
    if stream_plan(endpoint.data_path) is None:
        return f"data_path {endpoint.data_path!r} is a jq expression, not a plain path"
    return None


def warn_if_large(size: int, where: str, reason: str) -> None:
    if size > LARGE_BODY:
        logger.warning(
            f"{where}: read a {size / 2**20:.0f} MB response whole ({reason}), so memory grew "
            "with it. A plain data_path (.items, .a.b[]) without error_when and totalPath "
            "lets it stream in chunks (docs/performance.md)"
        )


class ItemStream:
    """The items of one streamed response, in chunks. `yielded` counts those handed on."""

    def __init__(
        self,
        response: httpx.Response,
        data_path: str | None,
        where: str,
        redact: Callable[[str], str],
    ) -> None:
        plan = stream_plan(data_path)
        if plan is None:
            raise ValueError(f"data_path {data_path!r} cannot be streamed (whole_body_reason)")
        self._response, self._reader = response, _Reader(response.aiter_bytes())
        self._plan, self._data_path, self._where = plan, data_path, where
        self._redact = redact
        self._checked = False  # the first element came from an array at exactly the path
        self.yielded = 0
        self.streamed = False  # the body was long enough to be streamed
        self.max_whole_bytes: int | None = None  # maxResponseMb, for the fall-back whole read

    async def chunks(self, read_whole: ReadWhole) -> AsyncIterator[Items]:
        """`read_whole` reads a whole body the way every page is read (`PageReader.read`: the
        same items and errors); it serves the fall-back to reading the body whole."""
        if self._response.is_stream_consumed:  # a short body, read whole (transport/stream_head.py)
            items = read_whole(self._response.content)
            self.yielded = len(items)
            if items:
                yield items
            return
        self.streamed = True
        chunk: Items = []
        try:
            async for element in ijson.items(self._reader, self._plan.prefix, use_float=True):
                if not self._checked and not self._check_array():
                    break
                if type(element) is dict:  # the common case, kept cheap: one call per item
                    chunk.append(element)
                else:
                    chunk.extend(self._accept(element))
                if len(chunk) >= CHUNK_ITEMS:
                    self._reader.forget()  # from here on memory stays flat
                    self.yielded += len(chunk)
                    yield chunk
                    chunk = []
        except ijson.JSONError as error:
            self._check_json_error(error)  # raises after the first chunk; else read whole
            self._checked = False
        except httpx.HTTPError as error:
            raise self._dropped(error) from None
        except ResponseTooLargeError as error:  # maxStreamedMb (transport/deadline.py)
            raise ResponseTooLargeError(f"{self._where}: {error}") from None
        if self._checked:
            if chunk:
                self.yielded += len(chunk)
                yield chunk
            return
        items = await self._read_whole(read_whole)
        if items:
            self.yielded += len(items)
            yield items

    def _check_array(self) -> bool:
        self._checked = _first_element_is_at(self._reader.read_so_far(), self._plan.keys)
        return self._checked

    def _accept(self, element: Any) -> Items:
        return output_items(
            element if self._plan.iterate else [element], self._data_path, self._where
        )

    def _check_json_error(self, error: ijson.JSONError) -> None:
        if not self.yielded:
            return
        # The parser's first line names the problem; the next ones quote the body around it,
        # cut anywhere, so a secret there could not be masked by its value: they are left out.
        detail = self._redact(str(error).strip().splitlines()[0])[:200]
        if "overflow" in detail:
            raise NotStreamable(f"a number in the response is too large to stream ({detail})")
        raise ResponseFormatError(
            f"{self._where}: the body stopped being valid JSON after {self.yielded} items: "
            f"{detail}. The resync fails and nothing is deleted"
        )

    async def _read_whole(self, read_whole: ReadWhole) -> Items:
        try:
            content = await self._reader.read_all(self.max_whole_bytes)
        except httpx.HTTPError as error:
            raise self._dropped(error) from None
        except ResponseTooLargeError as error:
            raise ResponseTooLargeError(f"{self._where}: {error}") from None
        warn_if_large(len(content), self._where, "its items are not an array at data_path")
        return read_whole(content)

    def _dropped(self, error: httpx.HTTPError) -> FetchError:
        return FetchError(
            f"{self._where} failed: {type(error).__name__}: {self._redact(str(error))}, "
            f"after {self.yielded} items of the streamed body were handed on. A streamed body "
            "is not retried: the resync fails and nothing is deleted. Check the API's "
            "stability, or raise timeout for a slow body"
        )


def _first_element_is_at(head: bytes, keys: tuple[str, ...]) -> bool:
    """Whether the first value at ijson's prefix `keys.item` in the start of a document is an
    element of an array at exactly `keys`. ijson joins keys with dots and calls an array slot
    `item`, so a map under `keys` with a key "item", or a key holding a dot ("a.b"), shares
    that prefix; the parser's events, with real keys tracked, tell them apart."""
    target: tuple[str | None, ...] = (*keys, None)  # None: a slot of an array
    prefix = ".".join((*keys, "item"))
    stack: list[str | None] = []  # per open container: its current key (None in an array)
    try:
        for event, value in ijson.basic_parse(io.BytesIO(head)):
            if event == "map_key":
                stack[-1] = value
                continue
            if event in ("end_map", "end_array"):
                stack.pop()
                continue
            here = tuple(stack)
            if ".".join("item" if key is None else key for key in here) == prefix:
                return here == target
            if event in ("start_map", "start_array"):
                stack.append(None)
    except ijson.JSONError:  # the head ends mid-document
        pass
    return False


class _Reader:
    """An async file over the body for ijson, keeping what it read until told to forget it."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""
        self._head: bytearray | None = bytearray()

    async def read(self, size: int) -> bytes:
        if not self._buffer:
            self._buffer = await anext(self._chunks, b"")
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        if self._head is not None:
            self._head += data
        return data

    def read_so_far(self) -> bytes:
        assert self._head is not None, "forgotten"
        return bytes(self._head)

    def forget(self) -> None:
        self._head = None

    async def read_all(self, limit: int | None = None) -> bytes:
        """What was read so far and the rest of the body (before `forget` only); more than
        `limit` bytes (maxResponseMb) is an error."""
        assert self._head is not None, "forgotten"
        self._head += self._buffer
        self._buffer = b""
        async for chunk in self._chunks:
            self._head += chunk
            if limit is not None and len(self._head) > limit:
                raise ResponseTooLargeError(
                    f"the response body passed maxResponseMb={limit / 2**20:g} ({limit} bytes) "
                    "while being read whole (its items are not an array at data_path): the "
                    "resync fails and nothing is deleted. Raise maxResponseMb if the API "
                    "really sends that much"
                )
        return bytes(self._head)
