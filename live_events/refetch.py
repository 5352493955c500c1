"""`live_events.refetch`: read an item again from the API instead of trusting the delivery.

One GET of `refetch_path` (filled from the delivery's item) over the connection's own client:
its credentials (to `baseUrl`'s origin only), retries, limits and masking. No pagination: the
answer is the item itself (an object body is one item). The outcome is decided explicitly:

- 2xx with one object → that object is upserted (mapped by the resource's mapping);
- 404 → the item is gone upstream → its entity is deleted (built from the delivery's copy);
- anything else (401/403, 5xx after retries, a timeout, a body that is not one object) →
  `RefetchFailed`: the resource changes nothing for this delivery, and the log says why.
  The next delivery about the item, or the next resync, brings it up to date.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from client import ApiClient
from connection.call_fields import CallFields
from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from connection.urls import join_url
from core.errors import FetchError, OceanCustomError

Refetch = Callable[[str, dict[str, str]], Awaitable[dict[str, Any] | None]]


class RefetchFailed(Exception):
    """The API did not give the item back (other than 404); its text names path and status."""


def make_refetch(client: Callable[[], ApiClient], base_url: str) -> Refetch:
    """A refetch over the integration's client, of paths under the connection's `base_url`;
    `client` is called per use (one per loop)."""
    single = PaginationSettings()  # one response, no pages

    async def refetch(path: str, headers: dict[str, str]) -> dict[str, Any] | None:
        endpoint = Endpoint(
            kind=path,
            url=join_url(base_url, path),
            call=CallFields(headers=dict(headers)),
            pagination=single,
        )
        items: list[dict[str, Any]] = []
        try:
            async for page in client().iter_items(endpoint, quiet=True):
                items.extend(page)
        except FetchError as error:
            if error.status_code == 404:
                return None
            raise RefetchFailed(str(error)) from None
        except OceanCustomError as error:
            raise RefetchFailed(str(error)) from None
        if len(items) != 1:
            raise RefetchFailed(f"GET {path} gave {len(items)} items, expected the one item")
        return items[0]

    return refetch
