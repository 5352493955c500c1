"""Pagination strategies: pure state machines that the client's single page loop drives.

A paginator never sends a request, sleeps or logs. Given the page just received it answers
with the next request's pagination values (or a whole next URL) or `Done` with the reason. A
fresh paginator is built per endpoint run. A missing stop field is never read as "more pages".
What the values are is decided here; where they go — query parameters, or dot paths into the
JSON body with `paginationLocation: body` — is applied by `fetching/page_placement.py`, so the
values keep their JSON types (a page size is a number, a `search_after` cursor an array). Every
path setting may read a response header (`header:x-ms-continuationtoken`): paginators look at
`Page.headers` as they look at the body, through the page (`pages/page.py`), which reads
each path of a page once.
When a page ends the list — stop flags, totals, absent signals — is judged by `StopRules`
(`pages/stop_rules.py`), every paginator's base. Safety guards that hold for every style
(repeats, page cap) live in `PaginationGuard` (`pages/pagination_guard.py`, re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from connection.pagination_settings import PaginationSettings
from core.errors import ConfigurationError, PaginationError
from jq_paths.response_paths import MISSING, ResponsePath
from pages.link_header import find_link as find_link  # re-exported
from pages.page import Page as Page  # re-exported
from pages.pagination_guard import PaginationGuard as PaginationGuard  # re-exported
from pages.pagination_signals import (
    DEFAULT_CURSOR_PATHS,
    DEFAULT_HAS_MORE_PATHS,
    FirstPresent,
    more_pages_signal,
)
from pages.stop_rules import Done as Done  # re-exported
from pages.stop_rules import StopRules


@dataclass(frozen=True)
class NextPage:
    """The next request: pagination values by parameter name (query parameter, or body dot
    path), in their JSON types and overriding the user's; or a whole next URL."""

    params: dict[str, Any] = field(default_factory=dict)
    url: str | None = None


class Paginator(StopRules):
    """Base: `paginationType: none` — one request, no paging."""

    def __init__(self, settings: PaginationSettings) -> None:
        super().__init__(settings)
        self._in_body = settings.pagination_location == "body"

    def first(self) -> NextPage:
        return NextPage(self._size_params(explicit_only=True))

    def next(self, page: Page) -> NextPage | Done:
        entry = page.link("next")
        link = None if entry is None or entry.says_no_results else entry.target
        if signal := more_pages_signal(page.body, link, page.item_count):
            raise PaginationError(
                f"paginationType is none, but the response says more pages exist ({signal}): "
                "only this first page would sync and Ocean would delete the rest. Set "
                "paginationType for this API (README: Pagination), or selector.pagination for "
                "this resource alone"
            )
        return Done("single request (paginationType none)")

    def _size_params(self, explicit_only: bool = False) -> dict[str, Any]:
        name = self.settings.size_param if explicit_only else self.settings.page_size_param
        return {name: self.settings.page_size} if name else {}


class OffsetPaginator(Paginator):
    """`?offset=0&limit=100`, then the offset advances by the items actually received.

    Advancing by items received (not by pageSize) keeps a server that caps its page size
    below `pageSize` from skipping items. Stops on an empty page or a stop flag.
    """

    def __init__(self, settings: PaginationSettings) -> None:
        super().__init__(settings)
        self._offset = 0

    def first(self) -> NextPage:
        return NextPage({self.settings.page_param: 0, **self._size_params()})

    def next(self, page: Page) -> NextPage | Done:
        self._seen_page(page)
        if page.item_count == 0:
            return Done("empty page")
        if stop := self._flag_stop(page) or self._count_stop(page):
            return stop
        self._offset += page.item_count
        return NextPage({self.settings.page_param: self._offset, **self._size_params()})


class PagePaginator(Paginator):
    """`?page=1&size=100` (first number from `startPage`), then page + 1 until a stop."""

    def __init__(self, settings: PaginationSettings) -> None:
        super().__init__(settings)
        self._page = settings.start_page

    def first(self) -> NextPage:
        return NextPage({self.settings.page_param: self._page, **self._size_params()})

    def next(self, page: Page) -> NextPage | Done:
        self._seen_page(page)
        if page.item_count == 0:
            return Done("empty page")
        if stop := self._flag_stop(page) or self._count_stop(page):
            return stop
        self._page += 1
        return NextPage({self.settings.page_param: self._page, **self._size_params()})


class CursorPaginator(Paginator):
    """`?limit=100`, then `?cursor=<value at cursorPath>&limit=100` until the cursor is empty.

    Response shape: `{"data": [...], "meta": {"after_cursor": "abc", "has_more": true}}` with
    `cursorPath: meta.after_cursor`, `hasMorePath: meta.has_more` (optional). With no
    `cursorPath`, the documented common patterns are tried (`next_cursor`, `cursor`,
    `meta.after_cursor`, `links.next`), and with no `hasMorePath` and no `lastPagePath` the
    common more-flags (`has_more`, `hasMore`, `meta.has_more`). A cursor that is an absolute
    URL (JSON:API's `links.next`, Jira's `nextPage`) is followed as the next page's URL —
    except with `paginationLocation: body`, where every cursor is a token for the body.
    """

    def __init__(self, settings: PaginationSettings) -> None:
        super().__init__(settings)
        self._cursor: ResponsePath | FirstPresent = (
            ResponsePath(settings.cursor_path)
            if settings.cursor_path
            else FirstPresent(DEFAULT_CURSOR_PATHS)
        )
        if self._has_more is None and self._last_page is None and not settings.cursor_path:
            self._has_more = FirstPresent(DEFAULT_HAS_MORE_PATHS)
            self._flag_is_default = True

    _flag_is_default = False

    def first(self) -> NextPage:
        return NextPage(self._size_params())

    def next(self, page: Page) -> NextPage | Done:
        step = self._step(page)
        if isinstance(step, Done) and (found := self.found_defaults()):
            # The finish line says which documented default answered (cursorPath unset).
            return Done(f"{step.reason} (documented defaults: {found})", step.suspicious)
        return step

    def _step(self, page: Page) -> NextPage | Done:
        self._seen_page(page)
        cursor = self._look(self._cursor, page)
        if self._flag_is_default and self._has_more_absent(page) and not self._has_more_matched():
            self._has_more = None  # no default flag in this API: the cursor alone decides
        if stop := self._flag_stop(page):
            return stop
        if cursor is MISSING or cursor is None or cursor == "":
            where = f"cursor at cursorPath {self._cursor.spec!r}"
            absent = self._cursor if cursor is MISSING else None
            return self._no_next("no next cursor", where, absent)
        if not self._in_body and isinstance(cursor, str) and _is_absolute(cursor):
            return NextPage(url=cursor)
        return NextPage({self.settings.page_param: cursor, **self._size_params()})

    def _has_more_matched(self) -> bool:
        return self._has_more is not None and self._has_more.spec in self._matched

    def _has_more_absent(self, page: Page) -> bool:
        return self._has_more is not None and page.value(self._has_more) is MISSING

    def found_defaults(self) -> str:
        """Which documented default paths answered, for the log: `cursor at next_cursor`."""
        found = [
            f"{role} at {path.found.spec}"
            for role, path in (("cursor", self._cursor), ("more-flag", self._has_more))
            if isinstance(path, FirstPresent) and path.found is not None
        ]
        return ", ".join(found)


class NextLinkPaginator(Paginator):
    """Follows a next-page URL found in the body (`nextLinkPath`, default `@odata.nextLink`).

    A relative link is resolved against the URL of the page that carried it.
    """

    def __init__(self, settings: PaginationSettings) -> None:
        super().__init__(settings)
        self._link = ResponsePath(settings.next_link_path)

    def next(self, page: Page) -> NextPage | Done:
        self._seen_page(page)
        if stop := self._flag_stop(page):
            return stop
        link = self._look(self._link, page)
        if link is MISSING or link is None or link == "":
            where = f"link at nextLinkPath {self._link.spec!r}"
            return self._no_next("no next link", where, self._link if link is MISSING else None)
        if not isinstance(link, str):
            raise PaginationError(
                f"nextLinkPath {self._link.spec!r} holds a {type(link).__name__}, not a URL"
            )
        return NextPage(url=_resolve(page.url, link))


class HeaderLinkPaginator(Paginator):
    """Follows the RFC 8288 `Link` header entry whose rel is `headerLinkRel` (default next).

    `Link: <https://api.example.com/items?page=2>; rel="next", <...>; rel="last"`

    An entry with `results="false"` ends the list (Sentry sends its next link on every page,
    the last one included, and says there whether it leads anywhere).
    """

    def next(self, page: Page) -> NextPage | Done:
        self._seen_page(page)
        if stop := self._flag_stop(page):
            return stop
        rel = self.settings.header_link_rel
        entry = page.link(rel)
        missing = f"Link header with rel={rel!r} (headerLinkRel)"
        if entry is None:
            return self._no_next(f"no Link header with rel={rel!r}", missing)
        if entry.says_no_results:  # Sentry: the link is always there; this says it is empty
            reason = f'Link header with rel={rel!r} says results="false"'
            return self._no_next(reason, f'{missing} with results other than "false"')
        return NextPage(url=_resolve(page.url, entry.target))


PAGINATORS: dict[str, type[Paginator]] = {
    "none": Paginator,
    "offset": OffsetPaginator,
    "page": PagePaginator,
    "cursor": CursorPaginator,
    "next_link": NextLinkPaginator,
    "header_link": HeaderLinkPaginator,
}


def build_paginator(settings: PaginationSettings) -> Paginator:
    try:
        paginator_class = PAGINATORS[settings.pagination_type]
    except KeyError:
        raise ConfigurationError(
            f"paginationType: {settings.pagination_type!r} is not supported; "
            f"allowed: {', '.join(PAGINATORS)}"
        ) from None
    return paginator_class(settings)


def _resolve(page_url: httpx.URL, link: str) -> str:
    """A next link as an absolute URL: a relative one is resolved against the page that carried
    it. An absolute one is taken as is (the request built from it parses it once, as it must):
    joining would parse it twice more, a tenth of the client's CPU per page on a fast API."""
    if _is_absolute(link):
        return link
    return str(page_url.join(link))


def _is_absolute(link: str) -> bool:
    return link[:8].lower().startswith(("https://", "http://"))
