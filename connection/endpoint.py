"""What one resource asks the client to fetch, independent of Ocean's models."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from connection.call_fields import CallFields
from connection.pagination_settings import PaginationSettings
from core.http_methods import SAFE_METHODS


@dataclass(frozen=True)
class Endpoint:
    """One endpoint call as configured: the kind joined to baseUrl, the call's fields (a
    resource's selector or a discovery call: connection/call_fields.py) and its pagination."""

    kind: str
    url: str
    call: CallFields = field(default_factory=CallFields)
    error_when: str | None = None  # jq predicate: a 2xx body for which it holds is an error
    error_message_path: str | None = None  # jq: the API's own message in such a body
    identity_path: str | None = None  # jq per item, for repeat detection; None: the "id" key
    allow_empty_body: bool = False  # a 2xx with no body is an empty page, not an error
    # How its pages are walked: the connection's pagination with the resource's own
    # `selector.pagination` merged in, once, when the endpoint is built.
    pagination: PaginationSettings = field(kw_only=True)
    own_pagination: bool = False  # the resource set its own (logged with the run)

    # The call fields the page loop reads on every request, by their short names.
    @property
    def method(self) -> str:
        return self.call.method

    @property
    def query_params(self) -> dict[str, Any]:
        return self.call.query_params

    @property
    def headers(self) -> dict[str, str]:
        return self.call.headers

    @property
    def body(self) -> Any:
        return self.call.body

    @property
    def data_path(self) -> str | None:
        return self.call.data_path

    @property
    def read_only(self) -> bool | None:
        return self.call.read_only  # None: the safe methods are reads (core/http_methods.py)

    @property
    def retryable(self) -> bool:
        return self.read_only if self.read_only is not None else self.method in SAFE_METHODS

    def with_call(self, **changes: Any) -> Endpoint:
        """This endpoint with some call fields changed (a body run, query values filled in)."""
        return replace(self, call=self.call.copy(update=changes))


def call_of(options: CallFields, **fields: Any) -> CallFields:
    """Only the call fields of `options` (a selector holds many more), values copied; `fields`
    given as keyword arguments win (a test's or a tool's call built by hand)."""
    values = {name: _copied(getattr(options, name)) for name in CallFields.__fields__}
    return CallFields.construct(**{**values, **fields})


def _copied(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def endpoint_for(
    kind: str,
    url: str,
    call: CallFields,
    *,
    error_when: str | None = None,
    error_message_path: str | None = None,
    identity_path: str | None = None,
    pagination: PaginationSettings,
    own_pagination: bool = False,
    allow_empty_body: bool = False,
) -> Endpoint:
    return Endpoint(
        kind=kind,
        url=url,
        call=call_of(call),
        error_when=error_when,
        error_message_path=error_message_path,
        identity_path=identity_path,
        pagination=pagination,
        own_pagination=own_pagination,
        allow_empty_body=allow_empty_body,
    )
