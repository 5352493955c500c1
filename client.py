"""The only I/O of the integration: fetch every page of an endpoint and yield its items.

One page loop serves every pagination style: the paginator decides what the next request is,
`PaginationGuard` refuses to loop, and every failure raises (see `core/errors.py` for why). Each
request is built and sent by `fetching/request_sender.py`, and each response read once into a
`Page` (decoded, its items found, judged) by `pages/page_reader.py`: the paginator, the guards
and the completeness check read that page. Offset/page requests may be sent ahead by
`fetching/page_window.py`. `paginationType: none` takes one more way, `_iter_streamed`: its one
response is streamed in chunks by `pages/streaming.py`, and its page, read whole or streamed,
comes from the same reader and goes to the same paginator. An endpoint with its own pagination
(`selector.pagination`) has its pages walked by those settings; every request still goes through
the connection's one sender, auth and limiter.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import replace
from typing import Any

import httpx
from loguru import logger

from connection.endpoint import Endpoint
from connection.settings import ConnectionSettings
from core.errors import (
    FetchError,
    PaginationError,
    RequestTimeoutError,
    ResponseFormatError,
    ResponseTooLargeError,
)
from core.redaction import Redactor
from fetching.endpoint_run import EndpointRun
from fetching.page_window import PageWindow, Progress
from fetching.request_sender import RequestSender
from pages.completeness import CompletenessCheck
from pages.list_size import ListSize, list_size
from pages.page_reader import PageReader
from pages.streaming import CHUNK_ITEMS, ItemStream, NotStreamable, whole_body_reason
from pagination import Done, NextPage, Page, PaginationGuard, build_paginator

Items = list[dict[str, Any]]


class ApiClient:
    def __init__(
        self, http: httpx.AsyncClient, settings: ConnectionSettings, redact: Redactor
    ) -> None:
        self._settings, self._redact = settings, redact
        self._sender = RequestSender(http, settings, redact)

    @property
    def connection(self) -> ConnectionSettings:
        """The connection settings it sends with (its pagination: `Endpoint.pagination`)."""
        return self._settings

    async def iter_items(
        self, endpoint: Endpoint, *, quiet: bool = False
    ) -> AsyncGenerator[Items, None]:
        """Yield each page's items as soon as the page arrives; raise on any failure.

        `quiet` logs the run's start and finish lines at DEBUG: for the thousands of child
        calls of a fan-out, which reports one summary line per kind instead."""
        if endpoint.pagination.pagination_type != "none":
            pages = self._iter_pages(endpoint, quiet=quiet)
        elif reason := whole_body_reason(endpoint, self._settings.max_concurrent_requests):
            logger.debug(f"{endpoint.kind}: reading the response whole: {reason}")
            pages = self._iter_pages(endpoint, whole_reason=reason, quiet=quiet)
        else:
            pages = self._iter_streamed(endpoint, quiet=quiet)
        async with aclosing(pages) as running:  # a consumer that stops early closes the run
            async for items in running:
                yield items

    async def _iter_pages(
        self, endpoint: Endpoint, whole_reason: str | None = None, quiet: bool = False
    ) -> AsyncGenerator[Items, None]:
        """The page loop; a window may send the next offset/page requests early. Each response
        is read into a `Page` once (`pages/page_reader.py`); everything after reads that."""
        run = self._start(endpoint, quiet)
        settings = endpoint.pagination
        paginator = build_paginator(settings)
        guard = PaginationGuard(settings.max_pages)
        completeness = CompletenessCheck(settings, endpoint)
        reader = PageReader(endpoint, self._redact)
        window = PageWindow(
            settings,
            self._settings.max_concurrent_requests,
            lambda ahead: self._sender.build(endpoint, ahead, run.stats),
            lambda request: self._sender.send(request, endpoint),
            overshoot=self._sender.retryable(endpoint),
        )
        step: NextPage | Done = paginator.first()
        try:
            while isinstance(step, NextPage):
                request, url = window.request(step)
                guard.check_request(self._redact(url))
                try:
                    response = await window.fetch(request)
                except (RequestTimeoutError, ResponseTooLargeError) as error:
                    raise _on_page(error, endpoint, run.pages + 1) from error
                where = (
                    f"{self._sender.describe(response.request, endpoint)} (page {run.pages + 1})"
                )
                page = reader.read(response, where, whole_reason=whole_reason)
                completeness.observe_page(page)
                guard.check_page(page.content, page.item_count)
                run.expected = completeness.totals[-1] if completeness.totals else run.expected
                run.page(self._redact(url), page.item_count)
                step = paginator.next(page)
                if isinstance(step, NextPage) and window.addressable:
                    progress = _progress(step, run, completeness, page)
                    run.expected = progress.total or progress.hinted_items or run.expected
                    window.plan(progress)
                if page.items:
                    yield page.items
        except PaginationError as error:  # say which endpoint and page, as fetch errors do
            raise _named(error, endpoint, run) from error
        finally:
            await window.close()
        reader.finish()
        if note := window.summary():
            run.notes.append(note)
        run.finish(step.reason, step.suspicious, completeness.finish(run.where))

    async def _iter_streamed(
        self, endpoint: Endpoint, quiet: bool = False
    ) -> AsyncGenerator[Items, None]:
        """`paginationType: none`: one response, its items handed on in chunks as they arrive
        — the page loop's one page, read by the same `PageReader` when it is read whole.

        Memory holds a chunk, not the response, so nothing per item is kept: no completeness
        check (its totalPath and error_when need the whole body: `whole_body_reason`), and no
        count of repeated identifiers, which detects offset drift between pages."""
        run = self._start(endpoint, quiet)
        paginator = build_paginator(endpoint.pagination)
        request = self._sender.build(endpoint, paginator.first(), run.stats, stream=True)
        try:
            response = await self._sender.send(request, endpoint)
        except (RequestTimeoutError, ResponseTooLargeError) as error:
            raise _on_page(error, endpoint, 1) from error
        restart: NotStreamable | None = None
        reader = PageReader(endpoint, self._redact)
        try:
            where = f"{self._sender.describe(request, endpoint)} (page 1)"
            stream = ItemStream(response, endpoint.data_path, where, self._redact)
            stream.max_whole_bytes = int(self._settings.max_response_mb * 2**20)
            whole: list[Page] = []  # the page, when its body was short enough to be read whole

            def read_whole(content: bytes) -> Items:
                page = reader.read(response, where, content)
                # Only what the paginator reads is kept: not the bytes (a body read whole here
                # may be up to maxResponseMb) nor the items, which are handed on.
                whole.append(replace(page, content=b"", items=[]))
                return page.items

            async for items in stream.chunks(read_whole):
                yield items
        except NotStreamable as error:
            restart = error
        finally:
            await response.aclose()  # gives the concurrency slot back, read or not
        if restart is not None:
            async for items in self._read_again(endpoint, stream.yielded, restart, quiet):
                yield items
            return
        run.page(self._redact(str(request.url)), stream.yielded)
        reader.finish()  # one page: a wrong data_path is the case
        # The body lets the paginator see a next-page signal that paginationType none would
        # miss (a streamed body is not held: only its Link header is seen then).
        page = whole[0] if whole else reader.streamed(response, where, stream.yielded)
        try:
            done = paginator.next(page)
        except PaginationError as error:
            raise _named(error, endpoint, run) from error
        assert isinstance(done, Done)
        if stream.streamed:
            run.notes.append(f"streamed in chunks of up to {CHUNK_ITEMS} items")
        run.finish(done.reason, done.suspicious, "")

    async def _read_again(
        self, endpoint: Endpoint, sent: int, reason: NotStreamable, quiet: bool
    ) -> AsyncGenerator[Items, None]:
        where = f"{endpoint.method} {endpoint.kind}"
        if not endpoint.retryable:
            raise ResponseFormatError(
                f"{where}: {reason}, after {sent} items were handed on. A {endpoint.method} is "
                "not sent twice unless the selector says read_only: true, which lets the "
                "response be fetched again and read whole"
            )
        logger.warning(
            f"{where}: {reason}, after {sent} items were handed on: fetching it again and "
            "reading it whole (those items are sent again; memory grows with the response)"
        )
        async for items in self._iter_pages(endpoint, whole_reason=str(reason), quiet=quiet):
            yield items

    def _start(self, endpoint: Endpoint, quiet: bool) -> EndpointRun:
        run = EndpointRun(f"{endpoint.method} {endpoint.kind}", self._redact(endpoint.url))
        run.level = "DEBUG" if quiet else "INFO"
        if endpoint.own_pagination:
            run.notes.append(f"selector.pagination: {endpoint.pagination.describe()}")
        logger.log(run.level, f"{run.where}: fetching {run.url}")
        return run


def _named(error: PaginationError, endpoint: Endpoint, run: EndpointRun) -> PaginationError:
    """A paginator's or guard's error with the endpoint and page it is about."""
    return type(error)(f"[{endpoint.kind}] {endpoint.method} {run.url} (page {run.pages}): {error}")


def _on_page(error: FetchError, endpoint: Endpoint, number: int) -> FetchError:
    """A deadline or size error with the endpoint and page it is about (its message holds the
    request's URL, redacted, and the setting)."""
    text = str(error).removeprefix(f"[{endpoint.kind}] ")  # named once
    return type(error)(f"[{endpoint.kind}] page {number}: {text}", status_code=error.status_code)


def _progress(
    step: NextPage, run: EndpointRun, completeness: CompletenessCheck, page: Page
) -> Progress:
    """What the page window sizes itself from: the total stated at totalPath (exact), else
    what the page says under a common name (a hint: pages/list_size.py)."""
    total = completeness.totals[-1] if completeness.totals else None
    hint = list_size(page.body, page.headers) if total is None else ListSize()
    return Progress(step, run.pages + 1, page.item_count, run.items, total, hint.items, hint.pages)
