"""What each `paginationType` can do, written once for the settings, the paginators and the
page window.

Addressable styles (`offset`, `page`) compute the next request from numbers alone, so the
page loop can ask for a page without a token from the last response: a full page whose stop
signal is missing asks for the next one (`pagination.py`), requests can be predicted and sent
ahead (`fetching/page_window.py`), and only they take `stopOnShortPage` and `parallelPages`
(`settings.py`). Cursor and link styles need each response before the next request.

Parameter styles (`offset`, `page`, `cursor`) send a page value and the page size with every
request (`paginationParam`, `sizeParam`), in the query or, with `paginationLocation: body`, in
the JSON body; the link styles follow a whole URL instead.
"""

from __future__ import annotations

ADDRESSABLE_STYLES = frozenset({"offset", "page"})
PARAMETER_STYLES = frozenset({"offset", "page", "cursor"})


def is_addressable(pagination_type: str) -> bool:
    """Whether the next page of this style can be asked for without the last response."""
    return pagination_type in ADDRESSABLE_STYLES


def sends_page_values(pagination_type: str) -> bool:
    """Whether every request of this style carries a page value and the page size."""
    return pagination_type in PARAMETER_STYLES
