"""Which pagination styles are addressable: written once, read by the settings, the paginators
and the page window (connection/pagination_styles.py)."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from connection.pagination_styles import is_addressable
from connection.settings import ConnectionSettings, PaginationType
from fetching.page_window import PageWindow
from pagination import build_paginator


def _never(*_: Any) -> Any:
    raise AssertionError("the window only answers whether its style is addressable")


def test_offset_and_page_are_the_addressable_styles() -> None:
    addressable = {style for style in get_args(PaginationType) if is_addressable(style)}
    assert addressable == {"offset", "page"}


@pytest.mark.parametrize("style", get_args(PaginationType))
def test_the_paginator_and_the_settings_agree_on_each_style(style: PaginationType) -> None:
    settings = ConnectionSettings(base_url="https://h", pagination_type=style)
    assert build_paginator(settings)._addressable is is_addressable(style)
    assert PageWindow(settings, _never, _never).addressable is is_addressable(style)
    if is_addressable(style):
        ConnectionSettings(base_url="https://h", pagination_type=style, stop_on_short_page=True)
    else:
        with pytest.raises(ValueError, match="stopOnShortPage applies to paginationType"):
            ConnectionSettings(base_url="https://h", pagination_type=style, stop_on_short_page=True)
