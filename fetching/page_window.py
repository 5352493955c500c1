"""Parallel pages for the addressable styles (`offset`, `page`): a bounded window of requests.

The client's page loop stays the one sequential authority: it asks the paginator for the next
request, checks it against the guards, and consumes the pages strictly in order. The window only
*predicts* the requests that loop is about to make — page + 1, or offset + pageSize — and sends
them early (every request still goes through the integration-wide limiter:
`maxConcurrentRequests`, `requestsPerSecond`). A predicted response is used only when the
paginator then asks for exactly that request; anything else is discarded. How far ahead it
goes is decided by the first page (`_decide`):

- the first page is fetched alone, and prediction starts only when it held exactly pageSize
  items (a server that caps its page size below pageSize stays sequential);
- the API states its total (`totalPath`): exactly the pages that total needs are requested,
  twice as many ahead as may be in flight (the excess waits for a slot), so that one slow page
  does not leave the others idle while it holds up the in-order hand-over;
- a page count or item count under a common name (`pages/list_size.py`): up to the window
  at once, never past the last page it announces;
- nothing says where the list ends: the window *ramps* — 2 pages ahead after the first, one
  more per page consumed (1, 2, 4, 8 per round trip) up to the window — so a short list wastes
  little; at most window - 1 requests are sent past the end. `auto` does this only for a
  request that may be sent twice (`Endpoint.retryable`): a POST that is not `read_only` is
  never sent speculatively;
- a page under pageSize (the list's end is near, or the server capped its page size: the next
  offset is then not the predicted one) ends prediction: the rest is fetched one page at a time
  from the offset reached, so no item is skipped (docs/pagination.md: offset advances by the
  items received);
- an empty page, a stop flag, the total or maxPages ends the run as before, and what is still
  in flight past the end is cancelled; an error is raised when its page's turn comes, after
  every earlier page was yielded; an error on a page past the end is dropped with that page.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass

import httpx
from loguru import logger

from connection.pagination_settings import PaginationSettings
from fetching.page_placement import request_label
from pagination import NextPage

Send = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
Build = Callable[[NextPage], httpx.Request]


@dataclass(frozen=True)
class Progress:
    """Where an endpoint run stands after a page: what `plan` decides the window from."""

    step: NextPage  # the request the loop asks for next
    number: int  # its page number in the run (the first page is 1)
    items: int  # on the page just consumed
    received: int  # items so far, that page's included
    total: int | None = None  # the API's total at totalPath: exact
    hinted_items: int | None = None  # an item count under a common name: a hint
    hinted_pages: int | None = None  # a page count under a common name: a hint


@dataclass
class _Ahead:
    step: NextPage
    request: httpx.Request
    url: str  # as built: a transport may rewrite the request's URL when it sends it
    task: asyncio.Task[httpx.Response]


class PageWindow:
    """Per endpoint run: for each step in order, `request` then `fetch`; after each page, `plan`
    the next. `overshoot`: whether `auto` may send requests past the end of the list."""

    def __init__(
        self,
        settings: PaginationSettings,
        max_concurrent_requests: int,
        build: Build,
        send: Send,
        *,
        overshoot: bool = True,
    ) -> None:
        self._settings, self._build, self._send = settings, build, send
        self._max_concurrent = max_concurrent_requests
        self._overshoot = overshoot
        self._ahead: deque[_Ahead] = deque()
        self._dropped: list[asyncio.Task[httpx.Response]] = []
        # Decided by the first page: pages in flight at most (`_limit`), pages requested ahead
        # now (`_size`; 1: one page at a time), and whether `_size` still grows (`_ramp`).
        self._limit = self._size = self._peak = 0
        self._ramp = False
        self._slots: asyncio.Semaphore | None = None
        self._sent = self._used = 0  # requests sent ahead; those the loop then consumed
        self.sequential_from: int | None = None  # the page where a short page ended prediction
        self._continued = False  # pages with items followed it: worth naming in the summary

    def request(self, step: NextPage) -> tuple[httpx.Request, str]:
        """The request for `step` (the one sent ahead for it, if any) and its URL as built."""
        if self._ahead and self._ahead[0].step == step:
            return self._ahead[0].request, self._ahead[0].url
        request = self._build(step)
        return request, request_label(request)  # URL, and page values placed in the body

    async def fetch(self, request: httpx.Request) -> httpx.Response:
        """The response to `request`: awaited if it was sent ahead, else sent now."""
        if self._ahead and self._ahead[0].request is request:
            self._used += 1
            return await self._ahead.popleft().task
        return await self._send(request)

    def plan(self, progress: Progress) -> None:
        """The loop will ask for `progress.step` next: keep the pages from it on in flight, up
        to the window's size and to the last page the list is known or said to have."""
        if progress.number == 2:
            self._decide(progress)
        if self.sequential_from is not None and progress.number > self.sequential_from:
            self._continued = True
        if self._ahead and self._ahead[0].step != progress.step:
            self._fall_back(progress)
            return
        if self._size <= 1:
            return
        if progress.items < self._settings.page_size and progress.total is None:
            self._fall_back(progress)  # keeps what was sent for exactly the pages asked next
            return
        number = progress.number
        for ahead in range(number + len(self._ahead), self._last(progress) + 1):
            predicted = self._predict(progress.step, ahead - number)
            request = self._build(predicted)
            task = asyncio.create_task(self._send_in_turn(request))
            self._ahead.append(_Ahead(predicted, request, request_label(request), task))
        self._peak = max(self._peak, min(len(self._ahead), self._limit))
        if self._ramp:
            self._size = min(self._size + 1, self._limit)

    @property
    def addressable(self) -> bool:
        """Whether requests can be predicted at all (offset, page): else `plan` is not needed."""
        return self._settings.addressable

    @property
    def discarded(self) -> int:
        """Requests sent ahead and never used (past the end, or after a short page); one
        cancelled while it waited for a slot was never sent and does not count."""
        return self._sent - self._used

    def summary(self) -> str | None:
        """A note for the finish line of a run that went parallel; None for a sequential one."""
        if self._peak <= 1:
            return None
        text = f"parallel pages: up to {self._peak} in flight, {self.discarded} discarded"
        if self.sequential_from is not None and self._continued:
            text += f", one at a time from page {self.sequential_from} (short page)"
        return text

    async def close(self) -> None:
        """Cancel what is still in flight (past the end, or after an error) and wait for it."""
        self._drop()
        # return_exceptions: an error on a page past the end is not the run's error.
        await asyncio.gather(*self._dropped, return_exceptions=True)

    def _decide(self, progress: Progress) -> None:
        settings = self._settings
        if not self.addressable:
            return
        if progress.items != settings.page_size:
            return  # a short first page: the server's page size is not pageSize
        wanted = settings.parallel_pages
        limit = min(
            self._max_concurrent if wanted == "auto" else int(wanted),
            self._max_concurrent,
        )
        if limit <= 1:
            return  # one page at a time: nothing is requested ahead
        if progress.total is not None:  # nothing can be wasted: keep twice as many asked
            self._size = 2 * limit
        elif wanted == "auto" and not self._overshoot:
            return  # a request that is not sent twice is not sent past the end either
        elif progress.hinted_items is not None or progress.hinted_pages is not None:
            self._size = limit
        else:
            self._size, self._ramp = 2, True
        self._limit = limit
        self._slots = asyncio.Semaphore(limit)

    def _last(self, progress: Progress) -> int:
        """The last page to have in flight: the window's end, or the list's if it is known."""
        settings, number = self._settings, progress.number
        last = min(number + self._size - 1, settings.max_pages)
        count = progress.total if progress.total is not None else progress.hinted_items
        if count is not None:
            last = min(
                last, number - 1 + math.ceil((count - progress.received) / settings.page_size)
            )
        if progress.total is None and progress.hinted_pages is not None:
            last = min(last, progress.hinted_pages)
        return last

    async def _send_in_turn(self, request: httpx.Request) -> httpx.Response:
        assert self._slots is not None
        async with self._slots:  # FIFO: the earliest page is sent first
            self._sent += 1
            return await self._send(request)

    def _predict(self, step: NextPage, pages_after: int) -> NextPage:
        settings = self._settings
        stride = settings.page_size if settings.pagination_type == "offset" else 1
        current = step.params[settings.page_param]
        value = int(current) + pages_after * stride
        # The same type as the paginator's own value, so that the loop's step compares equal.
        return NextPage({**step.params, settings.page_param: type(current)(value)})

    def _fall_back(self, progress: Progress) -> None:
        """One page at a time from here. The requests already sent for exactly the pages the
        loop asks next (page style after a short page) stay; any other is cancelled."""
        # Also the normal end of a list without a total (a short last page): not a warning.
        settings = self._settings
        logger.debug(
            f"page {progress.number - 1} held {progress.items} items (pageSize="
            f"{settings.page_size}): fetching on one page at a time from {settings.page_param}="
            f"{progress.step.params.get(settings.page_param)}, so that no item is skipped"
        )
        if self._size > 1:
            self._size, self.sequential_from = 1, progress.number
        if self._ahead and self._ahead[0].step != progress.step:
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
