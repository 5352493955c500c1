"""`PaginationGuard`: the rules that end any pagination loudly instead of looping."""

from __future__ import annotations

import pytest

from core.errors import PaginationError
from pagination import PaginationGuard


def test_guard_refuses_a_repeated_request_url() -> None:
    guard = PaginationGuard(max_pages=100)
    guard.check_request("https://h/items?cursor=a")
    guard.check_request("https://h/items?cursor=b")
    with pytest.raises(
        PaginationError, match=r"repeats an earlier one \(https://h/items\?cursor=a"
    ):
        guard.check_request("https://h/items?cursor=a")


def test_guard_refuses_an_identical_non_empty_page_but_not_empty_ones() -> None:
    guard = PaginationGuard(max_pages=100)
    guard.check_page(b'{"items": []}', 0)
    guard.check_page(b'{"items": []}', 0)  # empty pages may repeat (filtered cursor pages)
    guard.check_page(b'{"items": [1]}', 1)
    guard.check_page(b'{"items": [2]}', 1)
    with pytest.raises(PaginationError, match=r"page 5 is identical to page 3.*paginationParam"):
        guard.check_page(b'{"items": [1]}', 1)


def test_guard_caps_pages_at_max_pages() -> None:
    guard = PaginationGuard(max_pages=2)
    for number in range(2):
        guard.check_request(f"https://h/items?page={number}")
        guard.check_page(f"page {number}".encode(), 1)
    with pytest.raises(PaginationError, match="maxPages=2"):
        guard.check_request("https://h/items?page=2")
