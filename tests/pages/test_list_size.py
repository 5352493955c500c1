"""`list_size`: the page or item count a page states under a common name (a window hint)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pages.list_size import ListSize, list_size


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        ({"data": []}, {"X-Total-Pages": "12"}, ListSize(pages=12)),
        ({"data": []}, {"x-wp-totalpages": "3", "X-WP-Total": "25"}, ListSize(25, 3)),
        ({"data": []}, {"X-Total-Count": " 950 "}, ListSize(items=950)),
        ({"content": [], "totalPages": 7, "totalElements": 650}, {}, ListSize(650, 7)),
        ({"data": [], "meta": {"total_pages": 4}}, {}, ListSize(pages=4)),
        ({"issues": [], "startAt": 0, "total": 120}, {}, ListSize(items=120)),
        ({"items": [], "page": {"totalCount": 9.0}}, {}, ListSize(items=9)),
        ({"data": [], "paging": {"pageCount": "5"}}, {}, ListSize(pages=5)),
        # The header wins over the body; the top level over an envelope.
        ({"total": 1}, {"X-Total": "40"}, ListSize(items=40)),
        ({"total": 8, "meta": {"total": 3}}, {}, ListSize(items=8)),
    ],
)
def test_a_count_under_a_common_name_is_read(
    body: Any, headers: dict[str, str], expected: ListSize
) -> None:
    assert list_size(body, httpx.Headers(headers)) == expected


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"data": [], "has_more": True}, {}),
        ({"total": True, "totalPages": -1, "pageCount": 2.5}, {}),  # not whole counts
        ({"total": "many", "meta": "x", "page": 2}, {"X-Total-Count": "1e3"}),
        ([{"id": 1}], {"X-Total-Pages": ""}),  # a top-level array: only headers could say
        (None, {}),
    ],
)
def test_anything_else_says_nothing(body: Any, headers: dict[str, str]) -> None:
    assert list_size(body, httpx.Headers(headers)) == ListSize()
