"""The selector of one endpoint resource (`selector:` in the port-app-config): how to call it,
where its items are, and the options around that, each field with `title` and `description`
for `ocean port-app-config schema` and Port's mapping editor. Its validators run the load-time
checks of this package, so a bad selector stops the mapping load naming its key; unknown keys
are rejected (a typo like `querry_params` would otherwise be ignored).

(No `from __future__ import annotations` here: this is an Ocean mapping model, pydantic v1,
and integration.py — which Ocean loads by path — builds on it.)
"""

from typing import Any

from port_ocean.core.handlers.port_app_config.models import Selector
from pydantic.v1 import Extra, Field, StrictStr, root_validator, validator

from connection.call_fields import CallFields
from connection.urls import join_url
from core.errors import ConfigurationError
from incremental.checks import check_incremental
from incremental.model import IncrementalSelector
from jq_paths.precise_jq import compile_jq
from live_events.selector import LiveEvents
from selector_checks.body_placement import check_body_placement
from selector_checks.jq_expressions import check_expression
from selector_checks.pagination_override import check_pagination_override, running_connection
from selector_checks.path_parameters import PathParameter, check_placeholders, check_skip_statuses
from selector_checks.query_page_size import paging_with_query_size
from selector_checks.request_body import check_body


class EndpointSelector(Selector, CallFields):
    """How to call one endpoint: the call fields (connection/call_fields.py) and the rest."""

    class Config:
        extra = Extra.forbid

    endpoint: str | None = Field(
        default=None,
        title="Endpoint path",
        description=(
            "The endpoint path relative to baseUrl, when the kind is a name rather than the "
            "path (e.g. kind: api_resource with endpoint: /api/employees). Unset: the kind "
            "is the path."
        ),
    )
    # A resource's body may also be a jq program (run when the endpoint is built: `endpoint`).
    body: dict[str, Any] | list[Any] | StrictStr | None = Field(  # type: ignore[assignment]
        default=None,
        title="Body",
        description=(
            "Request body, for POST search-style endpoints: a JSON object or array, or a jq "
            "program (a string) run once per resync whose one output is the object or array "
            "sent, e.g. '{\"endDate\": (now | floor) * 1000}'."
        ),
    )
    error_when: str | None = Field(
        default=None,
        title="Error when",
        description=(
            "jq predicate over each response body that marks a 2xx response as an error, "
            "e.g. '.ok == false' (Slack) or '.errors != null' (GraphQL). The resync fails "
            "and nothing is deleted."
        ),
    )
    error_message_path: str | None = Field(
        default=None,
        title="Error message path",
        description=(
            "jq expression to the API's own error message in a body matched by error_when, "
            "e.g. .error or .errors[].message. Without it the body itself is quoted."
        ),
    )
    allow_empty_body: bool = Field(
        default=False,
        title="Allow an empty body",
        description=(
            "true when this endpoint may answer a 2xx with an empty body for 'no items'. "
            "Otherwise an empty body fails the resync (nothing is deleted); 204 No Content "
            "is always an empty page."
        ),
    )
    identity_path: str | None = Field(
        default=None,
        title="Identity path",
        description=(
            "jq expression to an item's unique identifier, used to count items repeated "
            "across pages (offset drift). Default: the item's id field, when it has one."
        ),
    )
    max_deletion_share: float | None = Field(
        default=None,
        ge=0,
        le=100,
        title="Max deletion share",
        description=(
            "This resource's own maxDeletionShare (percent, 0-100): the most a resync may "
            "delete of the entities Port holds for its blueprint. 100 allows a real shrink."
        ),
    )

    # Incremental sync (docs/incremental.md): changed-since fetching in Ocean's incremental mode.
    incremental: IncrementalSelector | None = Field(
        default=None,
        title="Incremental sync",
        description=(
            "How an incremental run (Ocean's incremental mode) asks for what changed since "
            "the cursor: param, format, timezone, lookback_seconds, query_params, cutoff. "
            "Without it the resource is not fetched in incremental runs."
        ),
    )

    pagination: dict[str, Any] | None = Field(
        default=None,
        title="Pagination",
        description=(
            "This endpoint's own pagination, in the connection's pagination keys "
            "(paginationType, pageSize, paginationParam, cursorPath, lastPagePath, ...). With "
            "paginationType it replaces the connection's pagination (keys left out take their "
            "defaults); without, it changes only the keys it sets. Discovery calls of "
            "path_parameters keep the connection's pagination."
        ),
    )

    @validator("endpoint")
    def _endpoint_is_a_path(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        join_url("https://example.invalid", value.strip())  # rejects absolute URLs
        check_placeholders(value)  # `{ticket id}` would be sent literally
        return value.strip()

    @validator("body", pre=True)
    def _check_body(cls, value: Any) -> Any:
        return check_body(
            value
        )  # a jq string: compiled and tried (selector_checks/request_body.py)

    @validator("query")
    def _compile_query(cls, value: str) -> str:
        check_expression("", value)  # raises with jq's message, rendered by config_errors
        return value

    @validator("error_when", "error_message_path", "identity_path")
    def _compile_jq(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        compile_jq(value.strip())  # a ValueError names the expression and jq's message
        return value.strip()

    # Path parameters (docs/path-parameters.md); cross-checks against the kind happen in
    # EndpointPortAppConfig, where the resource's index is known for the message.
    path_parameters: dict[str, PathParameter] = Field(
        default_factory=dict,
        title="Path parameters",
        description=(
            "Fills each {name} placeholder of the kind from another endpoint: per name, the "
            "discovery endpoint, its data_path, and field (jq per item → value). The kind is "
            "fetched once per value; each item gets the value as __<name>."
        ),
    )
    skip_statuses: list[int] = Field(
        default_factory=list,
        title="Statuses meaning 'no children'",
        description=(
            "For a kind with {placeholders}: statuses of a per-parent call (e.g. 404, 403) "
            "that mean the parent has no children. Such parents are skipped and counted in "
            "the log; any other failure fails the resync."
        ),
    )

    # Dynamic query parameters (docs/path-parameters.md#dynamic-query-parameters): the same
    # entries as path_parameters, keyed by query parameter name; checked with them below.
    dynamic_query_params: dict[str, PathParameter] = Field(
        default_factory=dict,
        title="Dynamic query parameters",
        description=(
            "Fills query parameters from another endpoint: per parameter name, the discovery "
            "endpoint, its data_path and field (jq per item → value), as in path_parameters. "
            "The endpoint is called once per value (per combination with several, and with "
            "path_parameters); each item gets the value as __<name>."
        ),
    )

    # Live events (docs/live-events.md): which webhook deliveries update this resource.
    live_events: LiveEvents | None = Field(
        default=None,
        title="Live events",
        description=(
            "Opt in to the API's webhooks at POST /integration/webhook: when (jq over "
            '{"headers", "body"}), item (jq to the item(s)), delete_when, refetch and '
            "refetch_path. Items are mapped by this resource's mapping."
        ),
    )

    @validator("dynamic_query_params", pre=True)
    def _no_dynamic_query_params(cls, value: Any) -> Any:
        return {} if value is None else value

    @validator("pagination")
    def _check_pagination(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if not value:
            return None
        check_pagination_override(value)  # raises with the key, rendered by config_errors
        return value

    @root_validator(skip_on_failure=True)
    def _check_body_placement(cls, values: dict[str, Any]) -> dict[str, Any]:
        # paginationLocation body: the body must be an object (selector_checks/body_placement.py)
        check_body_placement(values["method"], values.get("body"), values.get("pagination"))
        return values

    @root_validator(skip_on_failure=True)
    def _check_incremental(cls, values: dict[str, Any]) -> dict[str, Any]:
        check_incremental(values)  # placeholders where a full resync would send them literally
        return values

    @root_validator(skip_on_failure=True)
    def _check_query_page_size(cls, values: dict[str, Any]) -> dict[str, Any]:
        # A page size in query_params: a number that agrees with selector.pagination.
        query, own = values.get("query_params") or {}, values.get("pagination")
        if query and (connection := running_connection()):
            try:
                paging_with_query_size(query, own, connection.pagination)
            except ConfigurationError as error:
                raise ValueError(str(error)) from None
        return values

    @validator("path_parameters", pre=True)
    def _no_path_parameters(cls, value: Any) -> Any:
        return {} if value is None else value

    @validator("skip_statuses", pre=True)
    def _no_skip_statuses(cls, value: Any) -> Any:
        return [] if value is None else value

    @validator("skip_statuses")
    def _check_skip_statuses(cls, value: list[int]) -> list[int]:
        return check_skip_statuses(value)
