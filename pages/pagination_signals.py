"""How a response says "more pages" or "last page", and the documented default places to look.

Port documents `hasMorePath` pointing at booleans *and* at values that are only present while
more pages exist, and its own examples use both (see README "Stop flags"):

| example (Port's docs)                   | value while more pages       | on the last page   |
|-----------------------------------------|------------------------------|--------------------|
| Zendesk `meta.has_more`                 | `true`                       | `false`            |
| Slack `response_metadata.next_cursor`   | `"dXNlcjpVMEc5V0ZYTlo="`     | `""`               |
| n8n `nextCursor`                        | `"MTIzZTQ1NjctZTg5Yi0xMm"`   | `null`             |
| Jira Cloud `nextPage`                   | `"https://.../project?..."`  | absent             |
| HubSpot `paging.next`, Spring `_links.next` | `{"after": "..."}`       | absent             |

So the value is read by truthiness, as the reference implementation does: `false`, `0`, `""`,
the strings `false` / `0` / `no` (any case), `null`, `[]` and `{}` mean "no more"; anything
else means "more". An absent flag also means "no more", and is reported as an uncertain stop.
A `header:<name>` path (jq_paths/response_paths.py) reads a response header by the same rules:
its value is text (`"true"`, `"false"`, `"0"`), and an absent header is an absent field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.errors import PaginationError
from jq_paths.response_paths import MISSING, ResponsePath

FALSE_WORDS = frozenset({"", "false", "0", "no"})

# `cursorPath` unset: where the documented "common patterns" put the next cursor, in order.
DEFAULT_CURSOR_PATHS = ("next_cursor", "cursor", "meta.after_cursor", "links.next")
# `hasMorePath` unset with paginationType cursor: the documented more-flags, in order.
DEFAULT_HAS_MORE_PATHS = ("has_more", "hasMore", "meta.has_more")


def is_truthy(value: Any) -> bool:
    """A stop-flag value read as "yes" (see the module docstring for the rule)."""
    if value is MISSING or value is None:
        return False
    if isinstance(value, str):
        return value.strip().lower() not in FALSE_WORDS
    return bool(value)  # bool, number, list and dict: Python's truthiness is the rule


def top_level_keys(body: Any, shown: int = 12) -> str:
    """What a response has at its top level, so a mistyped path is easy to correct:
    `response keys: data, meta, links` (names only: values may hold tokens)."""
    if isinstance(body, dict):
        names = [str(key) for key in body][:shown]
        more = f", … {len(body) - shown} more" if len(body) > shown else ""
        return f"response keys: {', '.join(names)}{more}" if names else "the response is {}"
    if isinstance(body, list):
        return f"the response is an array of {len(body)}"
    return f"the response is {type(body).__name__}"


def header_names(headers: Mapping[str, str], shown: int = 12) -> str:
    """The response's header names, for a `header:` path that matched nothing (names only)."""
    names = sorted({str(name).lower() for name in headers})
    more = f", … {len(names) - shown} more" if len(names) > shown else ""
    return f"response headers: {', '.join(names[:shown])}{more}" if names else "no headers"


class CarriedFlags:
    """Per endpoint run: the stop flags (hasMorePath, lastPagePath) every page so far carried
    as true/false.

    An API that writes a yes/no flag (Zendesk's `meta.has_more`, Jira's `isLast`) writes it on
    every page, its last included (where it says false, or true for a last-page flag). A page
    without it is then not a last page but a page of another shape — an error answered with 200
    — and stopping there would let Ocean delete the entities of the pages not fetched: that
    raises. A flag that is a cursor, URL or object (Jira's `nextPage`, HubSpot's `paging.next`)
    ends by disappearing, as those APIs document, and is not held to this."""

    def __init__(self) -> None:
        self._history: dict[str, tuple[int, int]] = {}  # spec → (pages read, pages yes/no)

    def note(
        self, spec: str, value: Any, absent: bool, setting: str, keys: Callable[[], str]
    ) -> None:
        """Record the flag's value on one page; raise when it is absent after every earlier
        page carried it as true/false. `keys`: what the response has, for the message."""
        read, booleans = self._history.get(spec, (0, 0))
        if absent and read and booleans == read:
            raise PaginationError(
                f"{setting} {spec!r} is not in this response, though each of the {read} "
                "earlier page(s) of this run carried it as true/false: a page without its "
                "stop flag is not a last page (the API says false there, or true for "
                "lastPagePath). The resync fails and nothing is deleted; "
                f"{keys()}"
            )
        if not absent and _is_yes_no(value):
            booleans += 1
        self._history[spec] = (read + 1, booleans)


def _is_yes_no(value: Any) -> bool:
    """A flag value that is a yes/no, as JSON or as header text: not a cursor, URL or object."""
    if isinstance(value, bool):
        return True
    return isinstance(value, str) and value.strip().lower() in ("true", "false")


class FirstPresent:
    """The first of several candidate paths that is present in a response.

    Used for the documented defaults: the path that answered is remembered, so the log can say
    which one was found and a later page keeps reading that one."""

    def __init__(self, candidates: tuple[str, ...]) -> None:
        self.candidates = tuple(ResponsePath(spec) for spec in candidates)
        self.found: ResponsePath | None = None

    @property
    def spec(self) -> str:
        if self.found is not None:
            return self.found.spec
        return " / ".join(path.spec for path in self.candidates)

    @property
    def header(self) -> str | None:
        """The documented defaults are body paths; kept for the same interface as a path."""
        return None

    def find(self, body: Any, headers: Mapping[str, str] | None = None) -> Any:
        return self.find_with(lambda path: path.find(body, headers))

    def find_with(self, look: Callable[[ResponsePath], Any]) -> Any:
        """The value of the first candidate present, each read with `look` (a page's own
        reader, which reads each path once: `pages/page.py`)."""
        if self.found is not None:
            return look(self.found)
        for path in self.candidates:
            value = look(path)
            if value is not MISSING:
                self.found = path
                return value
        return MISSING


# `paginationType: none`, yet the response says there is more: each of these means a next page
# in the API that writes it (Microsoft Graph, Azure ARM, Anthropic/Stripe, Slack, JSON:API,
# HubSpot, Jira, n8n, Google-style tokens). Top-level keys only, booleans read strictly.
NEXT_PAGE_KEYS = (
    "@odata.nextLink",
    "nextLink",
    "next_page",
    "nextPage",
    "next_cursor",
    "nextCursor",
    "nextPageToken",
    "next_page_token",
)
MORE_FLAG_PATHS = (
    "has_more",
    "hasMore",
    "meta.has_more",
    "pagination.has_more",
    "hasNextPage",
    "pagination.hasNextPage",  # Cursor's Admin API
    "pageInfo.hasNextPage",  # GraphQL connections
)
# A stated count of all items (Cursor's AI Code Tracking `totalCount`, OData, Jira `total`
# is left out: some APIs use `total` for a sum): more than this response holds means truncation.
TOTAL_PATHS = ("totalCount", "total_count", "totalItems", "totalResults", "@odata.count")
NESTED_NEXT_PATHS = ("response_metadata.next_cursor", "links.next", "paging.next")
_MORE_FLAGS = tuple(ResponsePath(spec) for spec in MORE_FLAG_PATHS)  # parsed once, not per page
_NESTED_NEXTS = tuple(ResponsePath(spec) for spec in NESTED_NEXT_PATHS)


def more_pages_signal(body: Any, link_next: str | None, items: int) -> str | None:
    """What in a response says a next page exists, or None: for an endpoint configured as one
    request, that is a certain truncation, not a finished sync."""
    if link_next:
        return "a Link header with rel=next"
    if not isinstance(body, dict):
        return None
    for key in NEXT_PAGE_KEYS:
        if isinstance(body.get(key), str) and body[key].strip():
            return f"{key!r} holds a next page"
    for path in _MORE_FLAGS:
        if path.find(body) is True:
            return f"{path.spec!r} is true"
    for path in _NESTED_NEXTS:
        value = path.find(body)
        if value is not MISSING and is_truthy(value):
            return f"{path.spec!r} holds a next page"
    for key in TOTAL_PATHS:
        total = body.get(key)
        if isinstance(total, int) and not isinstance(total, bool) and total > items > 0:
            return f"{key!r} says {total} items, this response has {items}"
    return None
