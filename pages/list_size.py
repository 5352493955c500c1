"""How long the list is, as far as a page says so unasked: a *hint* for parallel pages.

Many APIs state the list's length in places nobody configures: a page count (`totalPages` in
Spring Data, GitLab's `X-Total-Pages`, WordPress's `X-WP-TotalPages`) or an item count
(`X-Total-Count` of json-server and many REST frameworks, GitLab's `X-Total`, `total` in Jira
and Stripe-like bodies). The page window (`fetching/page_window.py`) uses such a hint to stop
requesting ahead at the last page it announces, so no request is sent past the end.

A hint never decides anything else: the paginator's stop rules still end the run, and a wrong
hint costs time, never items — one that is too small leaves the pages after it to be fetched
one at a time; one that is too large wastes at most the window's requests, as with no hint.
That is why reading these unconfigured names is safe, where `totalPath` (the completeness
check, which may fail the resync) must be set explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

# Checked in this order; the first whole number found wins.
PAGE_COUNT_HEADERS = ("x-total-pages", "x-wp-totalpages")
ITEM_COUNT_HEADERS = ("x-total-count", "x-total", "x-wp-total")
PAGE_COUNT_KEYS = ("totalPages", "total_pages", "pageCount", "page_count")
ITEM_COUNT_KEYS = ("total", "totalCount", "total_count", "totalElements", "totalResults")
# Where bodies nest their paging facts: top level first, then these objects.
ENVELOPES = ("meta", "page", "pagination", "paging")


@dataclass(frozen=True)
class ListSize:
    """What a page says about the whole list; None where it says nothing."""

    items: int | None = None
    pages: int | None = None


def list_size(body: Any, headers: httpx.Headers) -> ListSize:
    """The page count and item count a page states under a documented common name."""
    pages = _first_count(headers, PAGE_COUNT_HEADERS)
    items = _first_count(headers, ITEM_COUNT_HEADERS)
    if isinstance(body, dict) and (pages is None or items is None):
        scopes = [body, *(body[key] for key in ENVELOPES if isinstance(body.get(key), dict))]
        for scope in scopes:
            pages = pages if pages is not None else _first_count(scope, PAGE_COUNT_KEYS)
            items = items if items is not None else _first_count(scope, ITEM_COUNT_KEYS)
    return ListSize(items, pages)


def _first_count(source: Any, names: tuple[str, ...]) -> int | None:
    for name in names:
        count = _as_count(source.get(name))
        if count is not None:
            return count
    return None


def _as_count(value: Any) -> int | None:
    """A whole non-negative number (a header's digits too); anything else says nothing."""
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isdigit() and len(text) < 19 else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and 0 <= value < 2**62:
        return int(value)
    return None
