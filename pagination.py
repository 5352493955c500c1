"""Pagination strategies: pure state machines that the client's single page loop drives.

A paginator never sends a request, sleeps or logs. Given the page just received it answers
with the next request's pagination values (or a whole next URL) or `Done` with the reason. A
fresh paginator is built per endpoint run. A missing stop field is never read as "more pages".
What the values are is decided here; where they go — query parameters, or dot paths into the
JSON body with `paginationLocation: body` — is applied by `fetching/page_placement.py`, so the
values keep their JSON types (a page size is a number, a `search_after` cursor an array). Every
path setting may read a response header (`header:x-ms-continuationtoken`): paginators look at
`Page.headers` as they look at the body, through the page (`responses/page.py`), which reads
each path of a page once.
Safety guards that hold for every style (repeats, page cap) live in `PaginationGuard`
(`responses/pagination_guard.py`, re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from connection.pagination_settings import PaginationSettings
from connection.pagination_styles import is_addressable, sends_page_values
from core.errors import ConfigurationError, PaginationError
from responses.completeness import total_count
from responses.link_header import find_link as find_link  # re-exported
from responses.page import Page as Page  # re-exported
from responses.pagination_guard import PaginationGuard as PaginationGuard  # re-exported
from responses.pagination_signals import (
    DEFAULT_CURSOR_PATHS,
    DEFAULT_HAS_MORE_PATHS,
    CarriedFlags,
    FirstPresent,
    header_names,
    is_truthy,
    more_pages_signal,
    top_level_keys,
)
from selection.response_paths import MISSING, ResponsePath


@dataclass(frozen=True)
class NextPage:
    """The next request: pagination values by parameter name (query parameter, or body dot
    path), in their JSON types and overriding the user's; or a whole next URL."""

    params: dict[str, Any] = field(default_factory=dict)
    url: str | None = None


@dataclass(frozen=True)
class Done:
    reason: str
    suspicious: bool = False  # stopped on an absent signal: worth a warning in the log


class Paginator:
    """Base: `paginationType: none` — one request, no paging."""

    def __init__(self, settings: PaginationSettings) -> None:
        self.settings = settings
        self._addressable = is_addressable(settings.pagination_type)
        self._sends_size = sends_page_values(settings.pagination_type)
        self._has_more: ResponsePath | FirstPresent | None = _path(settings.has_more_path)
        self._last_page = _path(settings.last_page_path)
        self._total = _path(settings.total_path)
        self._received = 0
        self._matched: set[str] = set()  # paths that found a value on some page of this run
        self._flags = CarriedFlags()  # stop flags every page so far carried as true/false
        self._last_body: Any = None
        self._last_headers: httpx.Headers = httpx.Headers()
        self._in_body = settings.pagination_location == "body"
        self._page_was_full = False

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

    def _no_next(
        self, reason: str, missing: str, absent: ResponsePath | FirstPresent | None = None
    ) -> Done:
        """No next cursor/link. Called after `_flag_stop`, so a configured hasMorePath or
        lastPagePath has just said more pages exist: stopping would sync part of the data and
        let Ocean delete the rest, so that contradiction is an error, not a stop."""
        flags = [path.spec for path in (self._has_more, self._last_page) if path is not None]
        if flags:
            raise PaginationError(
                f"the response announces more pages ({' / '.join(flags)}) but has no {missing}; "
                "check that setting, or remove the flag path if the API's flag is unreliable"
            )
        if absent is not None:
            return self._absent_stop(absent, missing, reason) or Done(reason)
        return Done(reason)

    def _look(self, path: ResponsePath | FirstPresent, page: Page) -> Any:
        """The value at `path` (body or header), remembering that it matched in this run."""
        value = page.value(path)
        self._last_body, self._last_headers = page.body, page.headers
        if value is not MISSING:
            self._matched.add(path.spec)
        return value

    def _absent_stop(
        self, path: ResponsePath | FirstPresent, what: str, reason: str
    ) -> Done | None:
        """A stop because a signal is not in the response. Many APIs leave the key out on the
        last page (Microsoft Graph's @odata.nextLink, HubSpot's paging): when it matched on an
        earlier page of this run, that is a certain stop (a true/false flag every earlier page
        carried never gets here: `_read_flag` raises; a page without its item list neither:
        `responses/list_presence.py` raises first). When it never matched, a typo in the
        path looks the same: an uncertain stop, reported as a warning — unless the page was
        full, which says more may follow. Then offset and page styles ask for the next page
        (None: an empty page ends the run for certain), and the documented default paths
        finding nothing is an error: stopping would sync part of the data and let Ocean
        delete the rest."""
        if path.spec in self._matched:
            return Done(reason)
        keys = (
            header_names(self._last_headers)
            if path.header is not None
            else top_level_keys(self._last_body)
        )
        if self._page_was_full and self._addressable:
            return None
        if self._page_was_full and isinstance(path, FirstPresent):
            raise PaginationError(
                f"{what} matched nothing in any response of this run, and the page was full "
                f"({self.settings.page_size} items, pageSize): the documented defaults cannot "
                f"tell whether more pages follow. Set it for this API ({keys})"
            )
        return Done(f"{reason}: {what} matched nothing in any response of this run ({keys})", True)

    def _seen_page(self, page: Page) -> None:
        """Note whether the page was full: as many items as the request asked for."""
        asked = self.settings.page_size_param if self._sends_size else self.settings.size_param
        self._page_was_full = bool(asked) and page.item_count >= self.settings.page_size

    def _size_params(self, explicit_only: bool = False) -> dict[str, Any]:
        name = self.settings.size_param if explicit_only else self.settings.page_size_param
        return {name: self.settings.page_size} if name else {}

    def _flag_stop(self, page: Page) -> Done | None:
        """Stop when hasMorePath reads "no more" or lastPagePath reads "last page", by
        truthiness (responses/pagination_signals.py); an absent flag also stops, as an uncertain
        stop — unless every earlier page carried it as true/false (`_read_flag`). When both
        are set, hasMorePath decides (Port's spec says so)."""
        if self._has_more is not None:
            more = self._read_flag(self._has_more, page, "hasMorePath", absent=(MISSING,))
            if more is MISSING:
                what = f"hasMorePath {self._has_more.spec!r}"
                return self._absent_stop(self._has_more, what, "has-more flag absent")
            if not is_truthy(more):
                return Done("has-more flag false")
            return None
        if self._last_page is not None:
            # A null "is last" says nothing either way: it counts as absent.
            last = self._read_flag(self._last_page, page, "lastPagePath", absent=(MISSING, None))
            if last is MISSING or last is None:
                what = f"lastPagePath {self._last_page.spec!r}"
                return self._absent_stop(self._last_page, what, "last-page flag absent")
            if is_truthy(last):
                return Done("last-page flag true")
        return None

    def _read_flag(
        self, path: ResponsePath | FirstPresent, page: Page, setting: str, absent: tuple[Any, ...]
    ) -> Any:
        """The flag's value on this page; raises when every earlier page carried it as
        true/false and this one lacks it (`CarriedFlags`)."""
        value = self._look(path, page)
        missing = any(value is marker for marker in absent)
        keys = header_names if path.header else top_level_keys
        where = page.headers if path.header else page.body
        self._flags.note(path.spec, value, missing, setting, lambda: keys(where))
        return value

    def _count_stop(self, page: Page) -> Done | None:
        """Offset/page styles: stop once the API's total (`totalPath`) is reached, or with
        `stopOnShortPage` on a page under pageSize — unless a known total says more remain."""
        self._received += page.item_count
        total = None if self._total is None else total_count(self._total, page.value(self._total))
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


def _path(spec: str | None) -> ResponsePath | None:
    return ResponsePath(spec) if spec else None


def _resolve(page_url: httpx.URL, link: str) -> str:
    """A next link as an absolute URL: a relative one is resolved against the page that carried
    it. An absolute one is taken as is (the request built from it parses it once, as it must):
    joining would parse it twice more, a tenth of the client's CPU per page on a fast API."""
    if _is_absolute(link):
        return link
    return str(page_url.join(link))


def _is_absolute(link: str) -> bool:
    return link[:8].lower().startswith(("https://", "http://"))
