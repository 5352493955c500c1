"""Pagination strategies: pure state machines that the client's single page loop drives.

A paginator never sends a request, sleeps or logs. Given the page just received it answers
with the next request's query parameters (or a whole next URL) or `Done` with the reason. A
fresh paginator is built per endpoint run. A missing stop field is never read as "more pages".
Safety guards that hold for every style (repeats, page cap) live in `PaginationGuard`
(`pagination_guard.py`, re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from completeness import read_total
from errors import ConfigurationError, PaginationError
from link_header import find_link as find_link  # re-exported
from pagination_guard import PaginationGuard as PaginationGuard  # re-exported
from response_paths import MISSING, ResponsePath
from settings import ConnectionSettings


@dataclass(frozen=True)
class NextPage:
    """The next request: query params to set (overriding the user's), or a whole next URL."""

    params: dict[str, str] = field(default_factory=dict)
    url: str | None = None


@dataclass(frozen=True)
class Done:
    reason: str
    suspicious: bool = False  # stopped on an absent signal: worth a warning in the log


@dataclass(frozen=True)
class Page:
    """What a paginator may look at: the response of the page just fetched."""

    url: httpx.URL
    headers: httpx.Headers
    body: Any
    item_count: int


class Paginator:
    """Base: `paginationType: none` — one request, no paging."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self._has_more = _path(settings.has_more_path)
        self._last_page = _path(settings.last_page_path)
        self._total = _path(settings.total_path)
        self._received = 0

    def first(self) -> NextPage:
        return NextPage(self._size_params(explicit_only=True))

    def next(self, page: Page) -> NextPage | Done:
        return Done("single request (paginationType none)")

    def _no_next(self, reason: str, missing: str) -> Done:
        """No next cursor/link. Called after `_flag_stop`, so a configured hasMorePath or
        lastPagePath has just said more pages exist: stopping would sync part of the data and
        let Ocean delete the rest, so that contradiction is an error, not a stop."""
        flags = [path.spec for path in (self._has_more, self._last_page) if path is not None]
        if flags:
            raise PaginationError(
                f"the response announces more pages ({' / '.join(flags)}) but has no {missing}; "
                "check that setting, or remove the flag path if the API's flag is unreliable"
            )
        return Done(reason)

    def _size_params(self, explicit_only: bool = False) -> dict[str, str]:
        name = self.settings.size_param if explicit_only else self.settings.page_size_param
        return {name: str(self.settings.page_size)} if name else {}

    def _flag_stop(self, body: Any) -> Done | None:
        """Stop on hasMorePath false or lastPagePath true; an absent flag also stops."""
        if self._has_more is not None:
            more = self._has_more.find(body)
            if more is MISSING or more is None:
                return Done(f"hasMorePath {self._has_more.spec!r} not in the response", True)
            if not _truthy(more):
                return Done("has-more flag false")
        if self._last_page is not None:
            last = self._last_page.find(body)
            if last is MISSING or last is None:
                return Done(f"lastPagePath {self._last_page.spec!r} not in the response", True)
            if _truthy(last):
                return Done("last-page flag true")
        return None

    def _count_stop(self, page: Page) -> Done | None:
        """Offset/page styles: stop once the API's total (`totalPath`) is reached, or with
        `stopOnShortPage` on a page under pageSize — unless a known total says more remain."""
        self._received += page.item_count
        total = read_total(self._total, page.body) if self._total is not None else None
        if total is not None and self._received >= total:
            return Done(f"total reached ({self._received} of {total} items)")
        if (
            self.settings.stop_on_short_page
            and total is None
            and page.item_count < self.settings.page_size
        ):
            return Done(f"short page ({page.item_count} < pageSize {self.settings.page_size})")
        return None


class OffsetPaginator(Paginator):
    """`?offset=0&limit=100`, then the offset advances by the items actually received.

    Advancing by items received (not by pageSize) keeps a server that caps its page size
    below `pageSize` from skipping items. Stops on an empty page or a stop flag.
    """

    def __init__(self, settings: ConnectionSettings) -> None:
        super().__init__(settings)
        self._offset = 0

    def first(self) -> NextPage:
        return NextPage({self.settings.page_param: "0", **self._size_params()})

    def next(self, page: Page) -> NextPage | Done:
        if page.item_count == 0:
            return Done("empty page")
        if stop := self._flag_stop(page.body) or self._count_stop(page):
            return stop
        self._offset += page.item_count
        return NextPage({self.settings.page_param: str(self._offset), **self._size_params()})


class PagePaginator(Paginator):
    """`?page=1&size=100` (first number from `startPage`), then page + 1 until a stop."""

    def __init__(self, settings: ConnectionSettings) -> None:
        super().__init__(settings)
        self._page = settings.start_page

    def first(self) -> NextPage:
        return NextPage({self.settings.page_param: str(self._page), **self._size_params()})

    def next(self, page: Page) -> NextPage | Done:
        if page.item_count == 0:
            return Done("empty page")
        if stop := self._flag_stop(page.body) or self._count_stop(page):
            return stop
        self._page += 1
        return NextPage({self.settings.page_param: str(self._page), **self._size_params()})


class CursorPaginator(Paginator):
    """`?limit=100`, then `?cursor=<value at cursorPath>&limit=100` until the cursor is empty.

    Response shape: `{"data": [...], "meta": {"after_cursor": "abc", "has_more": true}}` with
    `cursorPath: meta.after_cursor`, `hasMorePath: meta.has_more` (optional).
    """

    def __init__(self, settings: ConnectionSettings) -> None:
        super().__init__(settings)
        if settings.cursor_path is None:
            raise ConfigurationError("paginationType 'cursor' needs cursorPath")
        self._cursor = ResponsePath(settings.cursor_path)

    def first(self) -> NextPage:
        return NextPage(self._size_params())

    def next(self, page: Page) -> NextPage | Done:
        if stop := self._flag_stop(page.body):
            return stop
        cursor = self._cursor.find(page.body)
        if cursor is MISSING or cursor is None or cursor == "":
            return self._no_next("no next cursor", f"cursor at cursorPath {self._cursor.spec!r}")
        return NextPage({self.settings.page_param: _as_text(cursor), **self._size_params()})


class NextLinkPaginator(Paginator):
    """Follows a next-page URL found in the body (`nextLinkPath`, default `@odata.nextLink`).

    A relative link is resolved against the URL of the page that carried it.
    """

    def __init__(self, settings: ConnectionSettings) -> None:
        super().__init__(settings)
        self._link = ResponsePath(settings.next_link_path)

    def next(self, page: Page) -> NextPage | Done:
        if stop := self._flag_stop(page.body):
            return stop
        link = self._link.find(page.body)
        if link is MISSING or link is None or link == "":
            return self._no_next("no next link", f"link at nextLinkPath {self._link.spec!r}")
        if not isinstance(link, str):
            raise PaginationError(
                f"nextLinkPath {self._link.spec!r} holds a {type(link).__name__}, not a URL"
            )
        return NextPage(url=_resolve(page.url, link))


class HeaderLinkPaginator(Paginator):
    """Follows the RFC 8288 `Link` header entry whose rel is `headerLinkRel` (default next).

    `Link: <https://api.example.com/items?page=2>; rel="next", <...>; rel="last"`
    """

    def next(self, page: Page) -> NextPage | Done:
        if stop := self._flag_stop(page.body):
            return stop
        link = find_link(page.headers, self.settings.header_link_rel)
        if link is None:
            rel = self.settings.header_link_rel
            return self._no_next(
                f"no Link header with rel={rel!r}", f"Link header with rel={rel!r} (headerLinkRel)"
            )
        return NextPage(url=_resolve(page.url, link))


PAGINATORS: dict[str, type[Paginator]] = {
    "none": Paginator,
    "offset": OffsetPaginator,
    "page": PagePaginator,
    "cursor": CursorPaginator,
    "next_link": NextLinkPaginator,
    "header_link": HeaderLinkPaginator,
}


def build_paginator(settings: ConnectionSettings) -> Paginator:
    try:
        paginator_class = PAGINATORS[settings.pagination_type]
    except KeyError:
        raise ConfigurationError(
            f"paginationType: {settings.pagination_type!r} is not supported; "
            f"allowed: {', '.join(PAGINATORS)}"
        ) from None
    return paginator_class(settings)


def _path(spec: str | None) -> ResponsePath | None:
    return ResponsePath(spec) if spec else None


def _resolve(page_url: httpx.URL, link: str) -> str:
    """A next link as an absolute URL: a relative one is resolved against the page that carried
    it. An absolute one is taken as is (the request built from it parses it once, as it must):
    joining would parse it twice more, a tenth of the client's CPU per page on a fast API."""
    if link[:8].lower().startswith(("https://", "http://")):
        return link
    return str(page_url.join(link))


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _as_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
