"""`PaginationGuard`: the rules that end any pagination loudly instead of looping.

It remembers every request URL and every non-empty page of an endpoint run, so its memory
grows with the number of pages: it keeps 16-byte blake2b digests rather than the URLs and
bodies themselves, which keeps that growth flat and small (about 100 bytes per page, whatever
the length of the URL or the size of the page).
"""

from __future__ import annotations

import hashlib

from core.errors import PageCapReached, PaginationError

DIGEST_SIZE = 16  # 128 bits: a false "repeat" would need a blake2b collision


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


class PaginationGuard:
    """Ends pagination loudly instead of looping: repeated request URL, repeated page, cap.

    `url` arguments must already be redacted: they end up in error messages.
    """

    def __init__(self, max_pages: int) -> None:
        self._max_pages = max_pages
        self._seen_urls: set[bytes] = set()
        self._seen_pages: dict[bytes, int] = {}
        self.pages = 0
        self._empty_in_a_row = 0  # the last pages that had no items, yet pointed further

    def check_request(self, url: str) -> None:
        if self.pages >= self._max_pages:
            raise PageCapReached(
                f"stopped after maxPages={self._max_pages} pages with more still announced"
                f"{self._empty_note()}; raise maxPages (in the connection settings, or the "
                "resource's selector.pagination) if the endpoint really is that large"
            )
        key = digest(url.encode())
        if key in self._seen_urls:
            raise PaginationError(
                f"the next page request repeats an earlier one ({url}); stopping instead of "
                "looping. Check cursorPath / nextLinkPath / paginationParam"
            )
        self._seen_urls.add(key)

    def _empty_note(self) -> str:
        """An empty page with a new next link is not an end (a filtered scan such as DynamoDB's
        pages on past empty pages): only the cap ends a run of them, and says so."""
        if not self._empty_in_a_row:
            return ""
        return (
            f"; the last {self._empty_in_a_row} pages were empty, each pointing to a new next "
            "page: the API may be handing out cursors with nothing behind them"
        )

    def check_page(self, content: bytes, item_count: int) -> None:
        self.pages += 1
        self._empty_in_a_row = 0 if item_count else self._empty_in_a_row + 1
        if item_count:
            key = digest(content)
            if (earlier := self._seen_pages.get(key)) is not None:
                raise PaginationError(
                    f"page {self.pages} is identical to page {earlier}: the API is ignoring the "
                    "pagination parameters. Check paginationType, paginationParam and sizeParam"
                )
            self._seen_pages[key] = self.pages
