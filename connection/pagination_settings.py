"""Pagination settings: the ~16 keys that say how an endpoint's pages are walked, as one type.

The connection's keys arrive flat, like every spec value (`paginationType`, `pageSize`, ...), and
are grouped into one `PaginationSettings` held by `ConnectionSettings.pagination`. A resource's
own `selector.pagination` is merged into the connection's once, when its endpoint is built
(`merged`), so every `Endpoint` carries the pagination its pages follow. The paginators
(`pagination.py`), the page window, the completeness check and page placement read this type
only: no secret, timeout or limit of the connection reaches them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from connection.pagination_keys import (
    PAGINATION_KEYS,
    InvalidPagination,
    pagination_fields,
    replaces_pagination,
)
from connection.pagination_styles import is_addressable, sends_page_values
from connection.validation_problems import describe_value_problem
from jq_paths.response_paths import ResponsePath

PaginationType = Literal["none", "offset", "page", "cursor", "next_link", "header_link"]
# Where paginationParam / sizeParam go: query parameters, or dot paths into the JSON body
# (Notion's start_cursor, GraphQL's variables.after; fetching/page_placement.py).
PaginationLocation = Literal["query", "body"]
DEFAULT_PAGE_PARAM: dict[str, str] = {"offset": "offset", "page": "page", "cursor": "cursor"}
DEFAULT_SIZE_PARAM: dict[str, str] = {"offset": "limit", "page": "size", "cursor": "limit"}
# The field of ConnectionSettings that holds this group.
PAGINATION_GROUP = "pagination"


class PaginationSettings(BaseModel):
    """How one endpoint's pages are walked (docs/pagination.md)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    pagination_type: PaginationType = "none"
    pagination_location: PaginationLocation = "query"
    page_size: int = Field(default=100, ge=1)
    pagination_param: str | None = None
    size_param: str | None = None
    start_page: int = Field(default=1, ge=0)
    cursor_path: str | None = None
    has_more_path: str | None = None
    last_page_path: str | None = None
    next_link_path: str = "@odata.nextLink"
    header_link_rel: str = "next"
    max_pages: int = Field(default=100_000, ge=1)
    total_path: str | None = None  # completeness: where the API states the item count
    strict_total: bool = False  # a total mismatch fails the resync instead of warning
    stop_on_short_page: bool = False  # offset/page: a page under pageSize is the last
    # offset/page: page requests in flight per endpoint (docs/performance.md); "auto" is up
    # to maxConcurrentRequests after a full first page, with or without a stated total
    parallel_pages: int | Literal["auto"] = "auto"

    @field_validator(
        "cursor_path", "has_more_path", "last_page_path", "next_link_path", "total_path"
    )
    @classmethod
    def _check_path(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            ResponsePath(value)  # raises ValueError with the jq message when it cannot compile
            return value.strip()
        return None

    @field_validator("parallel_pages", mode="before")
    @classmethod
    def _parse_parallel_pages(cls, value: Any) -> Any:
        text = str(value).strip().lower()
        if text == "auto":
            return "auto"
        if not isinstance(value, bool) and text.isdigit() and int(text) >= 1:
            return int(text)
        raise ValueError(
            "expected auto, or a whole number of pages of at least 1 (1: one at a time)"
        )

    @model_validator(mode="after")
    def _check_combinations(self) -> Self:
        self._check_completeness_options()
        self._check_body_location()
        return self

    def _check_body_location(self) -> None:
        if self.pagination_location != "body":
            return
        if not sends_page_values(self.pagination_type):
            raise ValueError(
                "paginationLocation body applies to paginationType offset, page or cursor (the "
                "link styles follow a whole URL); got paginationType "
                f"'{self.pagination_type}'"
            )
        for key, path in (("paginationParam", self.page_param), ("sizeParam", self.size_param)):
            if path is not None and not all(part.strip() for part in path.split(".")):
                raise ValueError(
                    f"{key}: {path!r} is not a dot path into the request body (with "
                    "paginationLocation body), e.g. start_cursor or variables.after"
                )

    def _check_completeness_options(self) -> None:
        if self.strict_total and not self.total_path:
            raise ValueError(
                "strictTotal needs totalPath: where the API states its total, e.g. meta.total"
            )
        if self.stop_on_short_page and not self.addressable:
            raise ValueError(
                "stopOnShortPage applies to paginationType offset or page only; "
                f"got paginationType '{self.pagination_type}'"
            )
        if self.parallel_pages not in ("auto", 1) and not self.addressable:
            raise ValueError(
                "parallelPages applies to paginationType offset or page only (cursor and link "
                "styles need each response before the next request); "
                f"got paginationType '{self.pagination_type}'"
            )

    @property
    def addressable(self) -> bool:
        """Offset and page styles: each page's request is known before the previous response."""
        return is_addressable(self.pagination_type)

    @property
    def page_param(self) -> str:
        return self.pagination_param or DEFAULT_PAGE_PARAM.get(self.pagination_type, "")

    @property
    def page_size_param(self) -> str | None:
        return self.size_param or DEFAULT_SIZE_PARAM.get(self.pagination_type)

    def merged(self, overrides: Mapping[str, Any]) -> PaginationSettings:
        """This pagination with a resource's own (`selector.pagination`), validated as a whole.
        Raises InvalidPagination naming each key at fault.

        With paginationType, the overrides replace this pagination: the keys they leave out
        take their defaults, so a connection's hasMorePath (whose absence stops pagination)
        cannot stop an endpoint whose responses lack it. Without, they change only the keys
        they set. A key set to null or "" takes its default."""
        given = pagination_fields(overrides)
        unset = {key for key, value in given.items() if value is None or value == ""}
        # These take their defaults rather than this pagination's values.
        dropped = set(PAGINATION_KEYS) if replaces_pagination(overrides) else unset
        merged = self.model_dump(exclude=dropped)
        merged.update((key, value) for key, value in given.items() if key not in unset)
        try:
            return PaginationSettings.model_validate(merged)
        except ValidationError as error:
            raise InvalidPagination(
                [_problem(problem, merged) for problem in error.errors()]
            ) from None

    def describe(self) -> str:
        """The type, the page size and every other key set away from its default,
        e.g. `paginationType=cursor pageSize=100 cursorPath=meta.next`."""
        defaults = type(self).model_fields
        always = ("pagination_type", "page_size")
        shown = [
            key
            for key in PAGINATION_KEYS
            if key in always or getattr(self, key) != defaults[key].default
        ]
        return " ".join(f"{to_camel(key)}={getattr(self, key)}" for key in shown)


def _problem(problem: Any, given: Mapping[str, Any]) -> str:
    """One validation problem of merged pagination, naming its camelCase key."""
    location = [str(part) for part in problem.get("loc", ())]
    if not location:
        return str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    return describe_value_problem(problem, location, given, frozenset())
