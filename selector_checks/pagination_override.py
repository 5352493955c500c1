"""`selector.pagination`, checked when the mapping loads: a resource's own pagination.

The keys are the connection's pagination keys (`connection/pagination_keys.py`); any other key is
named with its path, `resources[1].selector.pagination.baseUrl`. The override is then merged
into the connection settings and validated as a whole (`PaginationSettings.merged`), so that a
combination the page loop cannot follow fails the mapping, and so the resync, before any
request: Ocean then deletes nothing.

Which connection: the installation's, when a running Ocean app loads the mapping (a resync,
`ocean probe`, the preview), read once per mapping load for every resource's checks. Outside
one (a unit test, the preview reading its file), an override with paginationType is still
validated in full, since it takes nothing from the connection's pagination; a key-by-key one
only for its keys, since whether it is valid depends on the connection it lands on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from port_ocean.context.ocean import ocean
from pydantic.alias_generators import to_camel

from connection.pagination_keys import (
    PAGINATION_KEYS,
    PAGINATION_SPELLINGS,
    InvalidPagination,
    replaces_pagination,
)
from connection.pagination_settings import PaginationSettings
from connection.settings import ConnectionSettings
from connection.sources import load_from_ocean
from core.config_problem import ConfigProblem
from selector_checks.config_errors import rename_fix

# The connection read during the current mapping load (empty until first needed).
_READ_THIS_LOAD: ContextVar[list[ConnectionSettings] | None] = ContextVar(
    "_READ_THIS_LOAD", default=None
)
MERGE_FIX = (
    "with paginationType, selector.pagination replaces the connection's pagination (the keys "
    "it leaves out take their defaults); without, it changes the connection's keys one by one "
    "(docs/pagination.md)"
)


class PaginationOverrideError(ConfigProblem):
    """A problem of `selector.pagination`; `path` is the key at fault, when there is one."""

    code = "pagination"


def check_pagination_override(overrides: dict[str, Any]) -> None:
    """Raise PaginationOverrideError for a key that is not a pagination key, or for overrides
    that the connection settings they merge into cannot take."""
    allowed = [to_camel(key) for key in PAGINATION_KEYS]
    for key in overrides:
        if key not in PAGINATION_SPELLINGS:
            detail = "not a pagination setting: only the connection's pagination keys apply here"
            raise PaginationOverrideError(path=key, detail=detail, fix=rename_fix(key, allowed))
    connection = running_connection()
    pagination = connection.pagination if connection is not None else None
    if pagination is None and replaces_pagination(overrides):
        pagination = PaginationSettings()  # the connection's pagination is not used
    if pagination is not None:
        try:
            pagination.merged(overrides)
        except InvalidPagination as error:
            detail = "; ".join(error.problems)
            raise PaginationOverrideError(detail=detail, fix=MERGE_FIX) from None


def running_connection() -> ConnectionSettings | None:
    """The installation's connection settings when a running Ocean app loads the mapping (the
    settings `main.py` runs with, read the same way: SECRETS variables and spellings too);
    None outside one. Read once per mapping load (`one_connection_per_load`), not per check."""
    if not ocean.initialized:
        return None
    read = _READ_THIS_LOAD.get()
    if read is not None and read:
        return read[0]
    connection = load_from_ocean(ocean.integration_config, os.environ)
    if read is not None:
        read.append(connection)
    return connection


@contextmanager
def one_connection_per_load() -> Iterator[None]:
    """While a mapping loads, every resource's checks share one reading of the connection
    (read when first needed: a mapping that needs none reads none)."""
    token = _READ_THIS_LOAD.set([])
    try:
        yield
    finally:
        _READ_THIS_LOAD.reset(token)
