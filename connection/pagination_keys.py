"""The connection keys a resource may set for itself in `selector.pagination`, in both
spellings the connection accepts (`pageSize`, `page_size`); `PaginationSettings.merged`
merges them into the connection's (docs/pagination.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic.alias_generators import to_camel

from core.errors import ConfigurationError

PAGINATION_KEYS = (  # in the order of .port/spec.yaml
    "pagination_type",
    "page_size",
    "cursor_path",
    "has_more_path",
    "next_link_path",
    "pagination_param",
    "size_param",
    "last_page_path",
    "start_page",
    "header_link_rel",
    "total_path",
    "pagination_location",
    "max_pages",
    "strict_total",
    "stop_on_short_page",
    "parallel_pages",
)
# Each spelling → the settings field.
PAGINATION_SPELLINGS = {
    spelling: key for key in PAGINATION_KEYS for spelling in (to_camel(key), key)
}


class InvalidPagination(ConfigurationError):
    """A resource's own pagination that does not validate; `problems` holds one line per
    problem, naming its key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Invalid pagination:\n  - " + "\n  - ".join(problems))
        self.problems = problems


def pagination_fields(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """`{"pageSize": 50}` → `{"page_size": 50}`; raises on any other key, or one given twice."""
    problems = []
    if unknown := [key for key in overrides if key not in PAGINATION_SPELLINGS]:
        allowed = ", ".join(to_camel(key) for key in PAGINATION_KEYS)
        problems.append(f"{', '.join(unknown)}: not pagination settings; allowed: {allowed}")
    fields = [PAGINATION_SPELLINGS[key] for key in overrides if key in PAGINATION_SPELLINGS]
    problems += [
        f"{to_camel(field)}: given twice (as {to_camel(field)} and {field})"
        for field in sorted({field for field in fields if fields.count(field) > 1})
    ]
    if problems:
        raise InvalidPagination(problems)
    return {PAGINATION_SPELLINGS[key]: value for key, value in overrides.items()}


def replaces_pagination(overrides: Mapping[str, Any]) -> bool:
    """Whether a resource's own pagination replaces the connection's as a whole: it sets
    paginationType (see `PaginationSettings.merged`)."""
    return any(
        PAGINATION_SPELLINGS.get(key) == "pagination_type" and value not in (None, "")
        for key, value in overrides.items()
    )
