"""The only I/O of the integration: fetch every page of an endpoint and yield its items.

One page loop serves every pagination style: the paginator decides what the next request is,
`PaginationGuard` refuses to loop, and every failure raises (see `core/errors.py` for why). Each
request is built, sent and decoded by `fetching/request_sender.py`; offset/page requests may be sent
ahead by `fetching/page_window.py`, and one big response is streamed by `responses/streaming.py`. An
endpoint with its own pagination (`selector.pagination`) has its pages walked by those settings;
every request still goes through the connection's one sender, auth and limiter.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
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
from pagination import Done, NextPage, Page, PaginationGuard, build_paginator
from responses.completeness import CompletenessCheck
from responses.data_path import extract_items
from responses.error_body import check_default_errors, check_error_body
from responses.list_presence import ListPresence
from responses.list_size import ListSize, list_size
from responses.streaming import (
    CHUNK_ITEMS,
    ItemStream,
    NotStreamable,
    stream_plan,
    warn_if_large,
    whole_body_reason,
)

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
        """The one page loop; a window may send the next offset/page requests early."""
        run = self._start(endpoint, quiet)
        settings = endpoint.pagination
        paginator = build_paginator(settings)
        guard = PaginationGuard(settings.max_pages)
        completeness = CompletenessCheck(settings, endpoint)
        presence = ListPresence(endpoint.data_path)  # a page without its list is no end
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
                page = (response, run.pages + 1)
                body, items = self._page(page, endpoint, (completeness, presence), whole_reason)
                guard.check_page(response.content, len(items))
                run.expected = completeness.totals[-1] if completeness.totals else run.expected
                run.page(self._redact(url), len(items))
                step = paginator.next(Page(response.url, response.headers, body, len(items)))
                if isinstance(step, NextPage) and window.addressable:
                    progress = _progress(step, run, len(items), completeness, response, body)
                    run.expected = progress.total or progress.hinted_items or run.expected
                    window.plan(progress)
                if items:
                    yield items
        except PaginationError as error:  # say which endpoint and page, as fetch errors do
            raise _named(error, endpoint, run) from error
        finally:
            await window.close()
        presence.finish()
        if note := window.summary():
            run.notes.append(note)
        run.finish(step.reason, step.suspicious, completeness.finish(run.where))

    def _page(
        self,
        page: tuple[httpx.Response, int],
        endpoint: Endpoint,
        checks: tuple[CompletenessCheck, ListPresence],
        whole_reason: str | None,
    ) -> tuple[Any, Items]:
        """Decode one page (once), check it, and find its items. `page`: the response and its
        number in the run, which every error about it names; `checks`: the run's own."""
        response, number = page
        completeness, presence = checks
        where = f"{self._sender.describe(response.request, endpoint)} (page {number})"
        body = self._sender.decode(response.content, response, endpoint, where)
        if whole_reason is not None:
            warn_if_large(len(response.content), where, whole_reason)
        # jq reads the text as received rather than `body` serialised again for it.
        uses_jq = endpoint.error_when is not None or stream_plan(endpoint.data_path) is None
        text = _json_text(response.content) if uses_jq and body is not None else None
        check_error_body(
            body, endpoint.error_when, endpoint.error_message_path, where, self._redact, text
        )
        try:
            items = extract_items(body, endpoint.data_path, where, text)
        except ResponseFormatError:  # an error body the data_path cannot read: quote the API
            check_default_errors(body, endpoint, response, where, self._redact, items=[])
            raise
        check_default_errors(body, endpoint, response, where, self._redact, items)
        presence.observe(body, items, where, text)
        completeness.observe(body, items, response.headers)
        return body, items

    async def _iter_streamed(
        self, endpoint: Endpoint, quiet: bool = False
    ) -> AsyncGenerator[Items, None]:
        """`paginationType: none`: one response, its items handed on in chunks as they arrive.

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
        try:
            where = f"{self._sender.describe(request, endpoint)} (page 1)"
            stream = ItemStream(response, endpoint.data_path, where, self._redact)
            stream.max_whole_bytes = int(self._settings.max_response_mb * 2**20)
            whole: list[Any] = []  # the body, when it was short enough to be read whole

            def read_whole(content: bytes) -> Any:
                whole.append(self._checked_body(content, response, endpoint, where))
                return whole[-1]

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
        presence = ListPresence(endpoint.data_path)  # one page: a wrong data_path is the case
        if whole and not stream.yielded:
            presence.observe(whole[0], [], where)
        presence.finish()
        # The body lets the paginator see a next-page signal that paginationType none would
        # miss (a streamed body is not held: only its Link header is seen then).
        body = whole[0] if whole else None
        try:
            done = paginator.next(Page(response.url, response.headers, body, stream.yielded))
        except PaginationError as error:
            raise _named(error, endpoint, run) from error
        assert isinstance(done, Done)
        if stream.streamed:
            run.notes.append(f"streamed in chunks of up to {CHUNK_ITEMS} items")
        run.finish(done.reason, done.suspicious, "")

    def _checked_body(
        self, content: bytes, response: httpx.Response, endpoint: Endpoint, where: str
    ) -> Any:
        """A streamed response read whole after all (short, or no array at data_path): decoded,
        and refused when it is an error in a common shape, as a page of a page loop is."""
        body = self._sender.decode(content, response, endpoint, where)
        check_default_errors(body, endpoint, response, where, self._redact)
        return body

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
    step: NextPage,
    run: EndpointRun,
    items: int,
    completeness: CompletenessCheck,
    response: httpx.Response,
    body: Any,
) -> Progress:
    """What the page window sizes itself from: the total stated at totalPath (exact), else
    what the page says under a common name (a hint: responses/list_size.py)."""
    total = completeness.totals[-1] if completeness.totals else None
    hint = list_size(body, response.headers) if total is None else ListSize()
    return Progress(step, run.pages + 1, items, run.items, total, hint.items, hint.pages)


def _json_text(content: bytes) -> str | None:
    """A body as text for jq; None when it is not plain UTF-8 (json.loads also reads UTF-16,
    UTF-32 and a byte-order mark, which jq would not)."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if text.startswith("\ufeff") else text
