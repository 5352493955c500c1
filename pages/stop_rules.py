"""When a page ends the list, judged from what it says: the stop flags (`hasMorePath`,
`lastPagePath`, by truthiness), the API's total (`totalPath`) and short pages, and what an
absent signal means — a certain stop when it matched on an earlier page of the run, an
uncertain one otherwise, an error when every earlier page carried it or the page was full.

`StopRules` is the base of every paginator (`pagination.py`): it keeps the run's memory of
which signals matched and which flags every page carried; the paginators decide the next
page's values and ask it whether to stop. It never sends, sleeps or logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from connection.pagination_settings import PaginationSettings
from connection.pagination_styles import is_addressable, sends_page_values
from core.errors import PaginationError
from jq_paths.response_paths import MISSING, ResponsePath
from pages.completeness import total_count
from pages.page import Page
from pages.pagination_signals import (
    CarriedFlags,
    FirstPresent,
    header_names,
    is_truthy,
    top_level_keys,
)


@dataclass(frozen=True)
class Done:
    reason: str
    suspicious: bool = False  # stopped on an absent signal: worth a warning in the log


class StopRules:
    """The stop judgement of one endpoint run (see the module docstring)."""

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
        self._page_was_full = False

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
        `pages/list_presence.py` raises first). When it never matched, a typo in the
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

    def _flag_stop(self, page: Page) -> Done | None:
        """Stop when hasMorePath reads "no more" or lastPagePath reads "last page", by
        truthiness (pages/pagination_signals.py); an absent flag also stops, as an uncertain
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


def _path(spec: str | None) -> ResponsePath | None:
    return ResponsePath(spec) if spec else None
