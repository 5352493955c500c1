"""What one resource asks the client to fetch, independent of Ocean's models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from connection.pagination_settings import PaginationSettings


@dataclass(frozen=True)
class Endpoint:
    """One endpoint call as configured: the kind joined to baseUrl, plus the selector's knobs."""

    kind: str
    url: str
    method: str = "GET"
    query_params: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    data_path: str | None = None
    read_only: bool | None = None  # None: GET/HEAD are reads, other methods are not
    error_when: str | None = None  # jq predicate: a 2xx body for which it holds is an error
    error_message_path: str | None = None  # jq: the API's own message in such a body
    identity_path: str | None = None  # jq per item, for repeat detection; None: the "id" key
    allow_empty_body: bool = False  # a 2xx with no body is an empty page, not an error
    # How its pages are walked: the connection's pagination with the resource's own
    # `selector.pagination` merged in, once, when the endpoint is built.
    pagination: PaginationSettings = field(kw_only=True)
    own_pagination: bool = False  # the resource set its own (logged with the run)

    @property
    def retryable(self) -> bool:
        return self.read_only if self.read_only is not None else self.method in ("GET", "HEAD")


class CallOptions(Protocol):
    """How to make a call: a resource's selector, or a path parameter's discovery call."""

    @property
    def method(self) -> str: ...
    @property
    def query_params(self) -> dict[str, Any]: ...
    @property
    def headers(self) -> dict[str, str]: ...
    @property
    def body(self) -> Any: ...
    @property
    def data_path(self) -> str | None: ...
    @property
    def read_only(self) -> bool | None: ...


def endpoint_for(
    kind: str,
    url: str,
    call: CallOptions,
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
        method=call.method,
        query_params=dict(call.query_params),
        headers=dict(call.headers),
        body=call.body,
        data_path=call.data_path,
        read_only=call.read_only,
        error_when=error_when,
        error_message_path=error_message_path,
        identity_path=identity_path,
        pagination=pagination,
        own_pagination=own_pagination,
        allow_empty_body=allow_empty_body,
    )
