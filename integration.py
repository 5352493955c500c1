"""The integration class and the resource (port-app-config) models.

(No `from __future__ import annotations` here: Ocean loads this file by path, and pydantic v1
cannot resolve postponed annotations of a module that is not in sys.modules.)

Each resource's `kind` is an endpoint path relative to `baseUrl`; its selector says how to call
it. These are Ocean mapping models, so they are pydantic v1 (`pydantic.v1`), with `title` and
`description` on every field for `ocean port-app-config schema` and Port's mapping editor.
Unknown selector keys are rejected: a typo like `querry_params` would otherwise be ignored.
"""

from typing import Any, ClassVar, Literal

from port_ocean.core.handlers.port_app_config.api import APIPortAppConfig
from port_ocean.core.handlers.port_app_config.models import (
    PortAppConfig,
    ResourceConfig,
    Selector,
)
from port_ocean.core.integrations.base import BaseIntegration
from pydantic.v1 import Extra, Field, validator

from data_path import check_data_path
from endpoint import Endpoint, join_url

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class EndpointSelector(Selector):
    """How to call one endpoint."""

    class Config:
        extra = Extra.forbid

    method: HttpMethod = Field(
        default="GET", title="Method", description="HTTP method of the call (GET by default)."
    )
    query_params: dict[str, Any] = Field(
        default_factory=dict,
        title="Query parameters",
        description="Query parameters sent on every page; pagination parameters win on a clash.",
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        title="Headers",
        description="Extra request headers, e.g. Accept. Put credentials in the connection.",
    )
    body: dict[str, Any] | list[Any] | None = Field(
        default=None,
        title="Body",
        description="JSON request body, for POST search-style endpoints.",
    )
    data_path: str | None = Field(
        default=None,
        title="Data path",
        description=(
            "jq expression to the item array in each response page, e.g. .data or .items[]. "
            "Omit it when the response is the array itself."
        ),
    )
    read_only: bool | None = Field(
        default=None,
        title="Read-only call",
        description=(
            "Marks a POST/PUT call as a read (search APIs, GraphQL) so failed attempts are "
            "retried. GET and HEAD are always treated as reads."
        ),
    )

    @validator("method", pre=True)
    def _upper_method(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @validator("data_path")
    def _compile_data_path(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return check_data_path(value.strip())


class EndpointResourceConfig(ResourceConfig):
    kind: str = Field(
        title="Endpoint path",
        description="The endpoint path, relative to baseUrl, e.g. /api/v1/users.",
    )
    selector: EndpointSelector = Field(
        title="Selector", description="How to call the endpoint and where its items are."
    )

    @validator("kind")
    def _kind_is_a_path(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("kind must be an endpoint path such as /api/v1/users")
        join_url("https://example.invalid", value)  # rejects absolute URLs
        return value

    def endpoint(self, base_url: str) -> Endpoint:
        selector = self.selector
        return Endpoint(
            kind=self.kind,
            url=join_url(base_url, self.kind),
            method=selector.method,
            query_params=dict(selector.query_params),
            headers=dict(selector.headers),
            body=selector.body,
            data_path=selector.data_path,
            read_only=selector.read_only,
        )


class EndpointPortAppConfig(PortAppConfig):
    allow_custom_kinds: ClassVar[bool] = True
    resources: list[EndpointResourceConfig] = Field(  # type: ignore[assignment]
        default_factory=list,
        title="Resources",
        description="One entry per endpoint to sync.",
    )


class OceanCustomIntegration(BaseIntegration):
    class AppConfigHandlerClass(APIPortAppConfig):
        CONFIG_CLASS = EndpointPortAppConfig
