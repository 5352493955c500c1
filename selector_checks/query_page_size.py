"""A selector whose `query_params` set the page-size parameter itself sets the page size.

Port's Slack page writes `query_params: {limit: "200"}` under a connection whose size parameter
is `limit` (cursor's default). The paginator puts its own `limit` on every request, so without
this the user's 200 would silently become `pageSize` (100): twice the requests, and no word. So
that value is the resource's page size; one that is not a whole number of at least 1, or that
disagrees with the resource's own `selector.pagination.pageSize`, fails naming both keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connection.pagination_keys import pagination_fields
from connection.pagination_settings import PaginationSettings
from core.errors import ConfigurationError


def paging_with_query_size(
    query_params: Mapping[str, Any],
    own: Mapping[str, Any] | None,
    connection: PaginationSettings,
) -> tuple[PaginationSettings, str | None]:
    """The resource's pagination: the connection's with its own (`selector.pagination`) merged
    in, and, when its `query_params` set the page size, that size and a note for the log."""
    settings = connection.merged(own) if own else connection
    name = settings.page_size_param
    if (
        settings.pagination_type == "none"
        or settings.pagination_location == "body"  # the size parameter is a body path then
        or not name
        or name not in query_params
    ):
        return settings, None
    raw = query_params[name]
    size = _whole_number(raw)
    where = f"selector.query_params.{name}={raw!r}"
    if size is None:
        raise ConfigurationError(
            f"{where} sets the page size (it is the sizeParam, '{name}'), but is not a whole "
            "number of at least 1: give a number, or drop it and set pageSize"
        )
    own_size = pagination_fields(own).get("page_size") if own else None
    if own_size is not None and str(own_size) != str(size):
        raise ConfigurationError(
            f"{where} and selector.pagination.pageSize={own_size!r} both set this resource's "
            f"page size ('{name}' is its sizeParam): keep one of them"
        )
    if size == settings.page_size:
        return settings, None
    note = (
        f"page size {size} from {where} (the sizeParam; pageSize={settings.page_size} "
        "applies to the other resources)"
    )
    return connection.merged({**(own or {}), "pageSize": size}), note


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number >= 1 else None
