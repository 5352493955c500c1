"""What each pagination style can do, written once (connection/pagination_styles.py) and read
alike by the settings, the paginators and the page window: which styles are addressable, and
which send a page value and the page size with every request."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from connection.pagination_settings import (
    DEFAULT_PAGE_PARAM,
    DEFAULT_SIZE_PARAM,
    PaginationSettings,
    PaginationType,
)
from connection.pagination_styles import is_addressable, sends_page_values
from fetching.page_window import PageWindow
from pagination import build_paginator


def _never(*_: Any) -> Any:
    raise AssertionError("the window only answers whether its style is addressable")


def test_offset_and_page_are_the_addressable_styles() -> None:
    addressable = {style for style in get_args(PaginationType) if is_addressable(style)}
    assert addressable == {"offset", "page"}


@pytest.mark.parametrize("style", get_args(PaginationType))
def test_the_paginator_and_the_settings_agree_on_each_style(style: PaginationType) -> None:
    settings = PaginationSettings(pagination_type=style)
    assert build_paginator(settings)._addressable is is_addressable(style)
    assert PageWindow(settings, 10, _never, _never).addressable is is_addressable(style)
    if is_addressable(style):
        PaginationSettings(pagination_type=style, stop_on_short_page=True)
    else:
        with pytest.raises(ValueError, match="stopOnShortPage applies to paginationType"):
            PaginationSettings(pagination_type=style, stop_on_short_page=True)


@pytest.mark.parametrize("style", get_args(PaginationType))
def test_the_styles_that_send_page_values_agree_everywhere(style: PaginationType) -> None:
    sends = sends_page_values(style)
    assert sends is (style in ("offset", "page", "cursor"))
    assert (style in DEFAULT_PAGE_PARAM) is sends and (style in DEFAULT_SIZE_PARAM) is sends
    settings = PaginationSettings(pagination_type=style, page_size=5)
    assert build_paginator(settings)._sends_size is sends
    if sends:
        PaginationSettings(pagination_type=style, pagination_location="body")
    else:
        with pytest.raises(ValueError, match="paginationLocation body applies to"):
            PaginationSettings(pagination_type=style, pagination_location="body")
