"""Did an endpoint run receive everything? The API's own total, and repeated identifiers.

- `totalPath` (connection setting): where the API states how many items the list holds
  (`meta.total`, `.total_count`). At the end of the run the distinct items received are
  compared with the last total reported: a mismatch is a WARNING with both numbers, or an
  `IncompleteResultError` with `strictTotal: true` — which fails the resync, so nothing is
  deleted on the strength of an incomplete list. `header:X-Total-Count` reads the total from a
  response header (GitLab `x-total`, ServiceNow and others).
- `identity_path` (selector, default `.id` when items have one): an identifier seen on an
  earlier page again means the data moved while we paged through it by offset (offset drift:
  an insert before the current offset pushes items onto the next page twice). Repeats are
  counted and warned about; Ocean upserts each identifier once, so they do no harm by
  themselves, but the shift that causes them may also have skipped items.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from loguru import logger

from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from core.errors import IncompleteResultError, ResponseFormatError
from jq_paths.response_paths import MISSING, ResponsePath, jq_outputs
from pages.id_set import CompactIdSet, IdKey
from pages.page import Page

MAX_EXAMPLES = 5
_PLAIN_ID_TYPES = frozenset((int, float, str))  # identifiers kept as they are


def read_total(
    path: ResponsePath, body: Any, headers: Mapping[str, str] | None = None
) -> int | None:
    """The count at `path` in one response (its body, or a header for `header:<name>`); None
    when absent. Raises when it is there but is not a whole number (a `totalPath` pointing at
    the wrong field)."""
    return total_count(path, path.find(body, headers))


def total_count(path: ResponsePath, value: Any) -> int | None:
    """`value`, found at `path` (totalPath), as a count of items (see `read_total`)."""
    if value is MISSING or value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and value == int(value):
        return int(value)
    raise ResponseFormatError(
        f"totalPath {path.spec!r} holds {json.dumps(value)[:80]}, not a count of items; "
        "point it at the number of items the list holds (e.g. meta.total)"
    )


class CompletenessCheck:
    """Per endpoint run: fed every page, judged once at the end (`finish`)."""

    def __init__(self, settings: PaginationSettings, endpoint: Endpoint) -> None:
        self._total_path = ResponsePath(settings.total_path) if settings.total_path else None
        self._total_spec = settings.total_path or ""
        self._strict = settings.strict_total
        self._identity = endpoint.identity_path  # None: the item's "id" key, when present
        # fingerprints of the identifiers received (pages/id_set.py)
        self._seen = CompactIdSet()
        self.items = 0
        self.repeated = 0
        self.repeated_examples: list[str] = []
        self.totals: list[int] = []

    def observe(
        self, body: Any, items: list[dict[str, Any]], headers: Mapping[str, str] | None = None
    ) -> None:
        """Count one page; `headers`: its response headers, for a `header:` totalPath."""
        path = self._total_path
        self._count(None if path is None else path.find(body, headers), items)

    def observe_page(self, page: Page) -> None:
        """Count one page read whole; its total read through the page, which reads it once."""
        self._count(None if self._total_path is None else page.value(self._total_path), page.items)

    def _count(self, found: Any, items: list[dict[str, Any]]) -> None:
        if self._total_path is not None:
            total = total_count(self._total_path, found)
            if total is not None:
                self.totals.append(total)
        self.items += len(items)
        repeated = self._seen.add_many(self._keys(items))
        if repeated:
            self.repeated += len(repeated)
            room = MAX_EXAMPLES - len(self.repeated_examples)
            self.repeated_examples += [str(key)[:40] for key in repeated[:room]]

    def finish(self, where: str) -> str:
        """Warn (or raise, with strictTotal) and return a summary for the finish line."""
        summary = ""
        if self.repeated:
            logger.warning(
                f"{where}: {self.repeated} items repeated an identifier ({self._identity_name}) "
                f"already received, e.g. {', '.join(self.repeated_examples)}: the data changed "
                "while paging (offset drift), so other items may have been skipped. Prefer "
                "cursor pagination or a stable sort (query_params) for this endpoint"
            )
            summary += f"; {self.repeated} repeated identifiers"
        if self._total_path is None:
            return summary
        if not self.totals:
            self._mismatch(where, f"totalPath {self._total_spec!r} was in no response")
            return summary + "; total not reported"
        distinct, total = self.items - self.repeated, self.totals[-1]
        if distinct != total:
            self._mismatch(where, self._describe_mismatch(distinct, total))
            return summary + f"; API total {total} ≠ {distinct} received"
        return summary + f"; API total {total} matched"

    @property
    def _identity_name(self) -> str:
        return f"identity_path {self._identity}" if self._identity else "id"

    def _describe_mismatch(self, distinct: int, total: int) -> str:
        relation = "fewer" if distinct < total else "more"
        text = (
            f"received {distinct} distinct items, {relation} than the total of {total} the API "
            f"reported at totalPath {self._total_spec!r}"
        )
        if self.repeated:
            text += f" ({self.items} items with {self.repeated} repeats)"
        if self.totals[0] != total:
            text += f"; the total changed from {self.totals[0]} to {total} while paging"
        return text

    def _mismatch(self, where: str, problem: str) -> None:
        if self._strict:
            raise IncompleteResultError(
                f"{where}: {problem}. strictTotal is on, so the resync fails and nothing is "
                "deleted. Check data_path and the pagination settings; if the data was just "
                "changing, the next resync will match"
            )
        logger.warning(
            f"{where}: {problem}. Items may have been added or removed during the sync, or "
            "data_path / the pagination settings miss some. Set strictTotal: true to fail "
            "the resync (and delete nothing) when this happens"
        )

    def _keys(self, items: list[dict[str, Any]]) -> list[IdKey]:
        """The identifiers of a page's items, leaving out items without one."""
        if self._identity is None:
            values = [item.get("id") for item in items]
        else:
            values = [_identity_value(self._identity, item) for item in items]
        return [
            value if type(value) in _PLAIN_ID_TYPES else _as_key(value)
            for value in values
            if value is not None
        ]


def _identity_value(identity_path: str, item: dict[str, Any]) -> Any:
    try:
        outputs = jq_outputs(identity_path, item)
    except ValueError:  # e.g. `.owner.id` on an item whose owner is a string
        return None
    return next((out for out in outputs if out is not None), None)


def _as_key(value: Any) -> IdKey:
    """An identifier that is not exactly an int, float or str: a subclass is kept, a bool or an
    object becomes its JSON text."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return value
    return json.dumps(value, sort_keys=True, default=str)
