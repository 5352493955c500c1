"""Parallel pages for the addressable styles (`offset`, `page`): a bounded window of requests.

The client's page loop stays the one sequential authority: it asks the paginator for the next
request, checks it against the guards, and consumes the pages strictly in order. The window only
*predicts* the requests that loop is about to make — page + 1, or offset + pageSize — and sends
them early, at most `parallelPages` at a time (and always within `maxConcurrentRequests`: every
request still goes through the integration-wide limiter). With a known total, twice that many
pages are requested ahead, the excess waiting for a slot, so that one slow page does not leave
the others idle while it holds up the in-order hand-over. A predicted response is used only
when the paginator then asks for exactly that request; anything else is discarded:

- the first page is fetched alone, and prediction starts only when it held exactly pageSize
  items (a server that caps its page size below pageSize stays sequential);
- when a page comes back short while the total says more remain (a server capping its page
  size mid-way, or data shifting), the offset the loop asks for next (offset + items received)
  is not the predicted one: the predictions are cancelled and the rest is fetched one page at a
  time, so no item is skipped (docs/pagination.md: offset advances by the items received);
- an empty page, a stop flag, the total or maxPages ends the run as before; the requests still
  in flight past the end are cancelled — at most window - 1 of them, and none when the first
  page states the total (`totalPath`): exactly the pages that total needs are requested;
- an error is raised when its page's turn comes, after every earlier page was yielded; an
  error on a page past the end is dropped with that page.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass

import httpx
from loguru import logger

from connection.settings import ConnectionSettings
from pagination import NextPage

Send = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
Build = Callable[[NextPage], httpx.Request]


@dataclass
class _Ahead:
    step: NextPage
    request: httpx.Request
    url: str  # as built: a transport may rewrite the request's URL when it sends it
    task: asyncio.Task[httpx.Response]


class PageWindow:
    """Per endpoint run: for each step in order, `request` then `fetch`; after each page, `plan`
    the next."""

    def __init__(self, settings: ConnectionSettings, build: Build, send: Send) -> None:
        self._settings, self._build, self._send = settings, build, send
        self._ahead: deque[_Ahead] = deque()
        self._dropped: list[asyncio.Task[httpx.Response]] = []
        # Decided by the first page: pages in flight at most, and pages requested ahead (twice
        # as many when the total is known, so that one slow page does not leave the others
        # idle; nothing can be wasted then). 1: one page at a time.
        self._in_flight = self._size = 0
        self._slots: asyncio.Semaphore | None = None
        self.sequential_from: int | None = None  # the page where a short page ended prediction

    def request(self, step: NextPage) -> tuple[httpx.Request, str]:
        """The request for `step` (the one sent ahead for it, if any) and its URL as built."""
        if self._ahead and self._ahead[0].step == step:
            return self._ahead[0].request, self._ahead[0].url
        request = self._build(step)
        return request, str(request.url)

    async def fetch(self, request: httpx.Request) -> httpx.Response:
        """The response to `request`: awaited if it was sent ahead, else sent now."""
        if self._ahead and self._ahead[0].request is request:
            return await self._ahead.popleft().task
        return await self._send(request)

    def plan(
        self, step: NextPage, number: int, items: int, received: int, total: int | None
    ) -> None:
        """The loop will ask for `step` as page `number`, having received `received` items so
        far (`items` of them on the page just consumed); keep the pages from `step` on in flight,
        up to the window size and to the last page the API's `total` needs."""
        if number == 2:
            self._decide(items, total)
        if self._size <= 1:
            return
        if self._ahead and self._ahead[0].step != step:
            self._fall_back(step, number, items)
            return
        last = min(number + self._size - 1, self._settings.max_pages)
        if total is not None:
            last = min(last, number - 1 + math.ceil((total - received) / self._settings.page_size))
        for ahead in range(number + len(self._ahead), last + 1):
            predicted = self._predict(step, ahead - number)
            request = self._build(predicted)
            task = asyncio.create_task(self._send_in_turn(request))
            self._ahead.append(_Ahead(predicted, request, str(request.url), task))

    @property
    def discarded(self) -> int:
        """Requests sent ahead and never used (past the end, or after a short page)."""
        return len(self._dropped) + len(self._ahead)

    def summary(self) -> str | None:
        """A note for the finish line of a run that went parallel; None for a sequential one."""
        if self._in_flight <= 1:
            return None
        text = f"parallel pages: up to {self._in_flight} in flight, {self.discarded} discarded"
        if self.sequential_from is not None:
            text += f", one at a time from page {self.sequential_from} (short page)"
        return text

    async def close(self) -> None:
        """Cancel what is still in flight (past the end, or after an error) and wait for it."""
        self._drop()
        # return_exceptions: an error on a page past the end is not the run's error.
        await asyncio.gather(*self._dropped, return_exceptions=True)

    def _decide(self, first_page_items: int, total: int | None) -> None:
        settings = self._settings
        if settings.pagination_type not in ("offset", "page"):
            return
        if first_page_items != settings.page_size:
            return  # a short first page: the server's page size is not pageSize
        wanted = settings.parallel_pages
        if isinstance(wanted, str):  # auto: parallel only when no request can be wasted
            wanted = settings.max_concurrent_requests if total is not None else 1
        if min(wanted, settings.max_concurrent_requests) <= 1:
            return  # one page at a time: nothing is requested ahead
        self._in_flight = min(wanted, settings.max_concurrent_requests)
        self._size = self._in_flight * (2 if total is not None else 1)
        self._slots = asyncio.Semaphore(self._in_flight)

    async def _send_in_turn(self, request: httpx.Request) -> httpx.Response:
        assert self._slots is not None
        async with self._slots:  # FIFO: the earliest page is sent first
            return await self._send(request)

    def _predict(self, step: NextPage, pages_after: int) -> NextPage:
        settings = self._settings
        stride = settings.page_size if settings.pagination_type == "offset" else 1
        value = int(step.params[settings.page_param]) + pages_after * stride
        return NextPage({**step.params, settings.page_param: str(value)})

    def _fall_back(self, step: NextPage, number: int, items: int) -> None:
        # Also the normal end of a list without a total (a short last page): not a warning.
        logger.debug(
            f"page {number - 1} held {items} items, not pageSize={self._settings.page_size}: "
            f"fetching on one page at a time from {self._settings.page_param}="
            f"{step.params.get(self._settings.page_param)}, so that no item is skipped"
        )
        self._size, self.sequential_from = 1, number
        self._drop()

    def _drop(self) -> None:
        for ahead in self._ahead:
            ahead.task.cancel()
            ahead.task.add_done_callback(_retrieve)
            self._dropped.append(ahead.task)
        self._ahead.clear()


def _retrieve(task: asyncio.Task[httpx.Response]) -> None:
    """Mark a discarded request's outcome as seen: its error is not the run's error."""
    if not task.cancelled():
        task.exception()
