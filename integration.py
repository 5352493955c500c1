"""The integration class and the resource (port-app-config) models.

(No `from __future__ import annotations` here: Ocean loads this file by path, and pydantic v1
cannot resolve postponed annotations of a module that is not in sys.modules.)

Each resource's `kind` is an endpoint path relative to `baseUrl`; its selector
(`selector_checks/endpoint_selector.py`) says how to call it. These are Ocean mapping models,
so they are pydantic v1 (`pydantic.v1`), with `title` and `description` on every field for
`ocean port-app-config schema` and Port's mapping editor.
"""

import os
from typing import Any, ClassVar, Self

from loguru import logger
from port_ocean.core.handlers.port_app_config.api import APIPortAppConfig
from port_ocean.core.handlers.port_app_config.models import (
    PortAppConfig,
    PortResourceConfig,
    ResourceConfig,
)
from port_ocean.core.integrations.base import BaseIntegration
from pydantic.v1 import Field, ValidationError, root_validator, validator

from connection.endpoint import Endpoint, endpoint_for
from connection.helm_map import normalise_helm_maps
from connection.settings import ConnectionSettings
from connection.sources import object_names
from connection.urls import join_url
from entity_mapping.processor import PageEntityProcessor
from incremental.registration import register_incremental_kinds
from selector_checks.config_errors import PortAppConfigError
from selector_checks.dynamic_query_params import check_dynamic_query_params
from selector_checks.endpoint_selector import EndpointSelector
from selector_checks.jq_expressions import check_port_mapping
from selector_checks.pagination_override import (
    one_connection_per_load,
)
from selector_checks.path_parameters import (
    check_placeholders,
    check_resource,
)
from selector_checks.query_page_size import paging_with_query_size
from selector_checks.request_body import evaluate_body
from upserts.applier import RefusalRecordingApplier
from upserts.comparison import ConcurrentComparison
from upserts.in_flight import WaitsForUpserts

# Ocean imports this module before it builds its config model from the environment: an object
# setting that Port's Helm chart wrote into its ConfigMap as Go map text (`--set-json
# integration.config.customAuthRequest=...`, as Port's custom-authentication page says) becomes
# the JSON that model reads, instead of a start-up error echoing the credentials.
normalise_helm_maps(os.environ, object_names())


class EndpointResourceConfig(ResourceConfig):
    kind: str = Field(
        title="Endpoint path",
        description="The endpoint path, relative to baseUrl, e.g. /api/v1/users.",
    )
    selector: EndpointSelector = Field(
        title="Selector", description="How to call the endpoint and where its items are."
    )

    @root_validator(pre=True)
    def _no_resource_level_endpoint(cls, values: dict[str, Any]) -> dict[str, Any]:
        # Port's Auth0 example puts `endpoint: {path, method}` on the resource; dropped
        # silently, the kind would be fetched as a path instead.
        if "endpoint" in values:
            raise ValueError(
                "endpoint does not belong on the resource: the kind is the endpoint path "
                "(or set selector.endpoint), and the method goes in selector.method"
            )
        return values

    @validator("kind")
    def _kind_is_a_path(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("kind must be an endpoint path such as /api/v1/users")
        join_url("https://example.invalid", value)  # rejects absolute URLs
        check_placeholders(value)  # `{ticket id}` would be sent literally
        return value

    @validator("selector")
    def _check_path_parameters(
        cls, selector: EndpointSelector, values: dict[str, Any]
    ) -> EndpointSelector:
        if "kind" in values:  # else the kind itself is invalid, and reported
            parameters, skip = selector.path_parameters, selector.skip_statuses
            path = selector.endpoint or values["kind"]
            dynamic = selector.dynamic_query_params
            check_dynamic_query_params(
                path, dynamic, parameters, selector.query_params, EndpointSelector
            )
            check_resource(path, parameters, skip, EndpointSelector, dynamic)
        return selector

    @validator("port")
    def _compile_mapping(cls, value: PortResourceConfig) -> PortResourceConfig:
        # see selector_checks/jq_expressions.py: a broken identifier would delete all
        check_port_mapping(value)
        return value

    @property
    def path(self) -> str:
        """The endpoint path: `selector.endpoint`, or else the kind."""
        return self.selector.endpoint or self.kind

    def endpoint(self, connection: ConnectionSettings) -> Endpoint:
        """The endpoint as it is fetched over `connection`, with the selector's own pagination
        merged into the connection's (checked when the mapping loaded), and a jq-string body
        run now: call this once per resync of the resource, and every page sends that body.
        Its `kind` is the path (fan-out fills its placeholders; messages name it)."""
        selector = self.selector
        # query_params that set the page-size parameter set the page size (Port's Slack page).
        paging, note = paging_with_query_size(
            selector.query_params, selector.pagination, connection.pagination
        )
        if note:
            logger.info(f"{self.kind}: {note}")
        endpoint = endpoint_for(
            self.path,
            join_url(connection.base_url, self.path),
            selector,
            error_when=selector.error_when,
            error_message_path=selector.error_message_path,
            identity_path=selector.identity_path,
            allow_empty_body=selector.allow_empty_body,
            pagination=paging,
            own_pagination=bool(selector.pagination) or note is not None,
        )
        return endpoint.with_call(body=evaluate_body(selector.body, self.kind))


class EndpointPortAppConfig(PortAppConfig):
    allow_custom_kinds: ClassVar[bool] = True
    resources: list[EndpointResourceConfig] = Field(  # type: ignore[assignment]
        default_factory=list,
        title="Resources",
        description="One entry per endpoint to sync.",
    )

    @classmethod
    def parse_obj(cls, obj: Any) -> Self:
        """Ocean's entry point; errors keep their type, with a text naming path and fix."""
        try:
            with one_connection_per_load():
                return super().parse_obj(obj)
        except ValidationError as error:
            raise PortAppConfigError(error, obj) from None


class EntityProcessor(WaitsForUpserts, PageEntityProcessor):
    """Ocean's mapping, a page per jq program (entity_mapping/); a batch that maps an entity
    whose upsert is still in flight waits for it (upserts/in_flight.py)."""


class OceanCustomIntegration(ConcurrentComparison, BaseIntegration):
    # Records what Port refused; upserts a batch while Ocean maps the next; compares a batch
    # with Port with several searches in flight (upserts/).
    EntitiesStateApplierClass = RefusalRecordingApplier
    EntityProcessorClass = EntityProcessor

    class AppConfigHandlerClass(APIPortAppConfig):
        CONFIG_CLASS = EndpointPortAppConfig

        async def get_port_app_config(self, use_cache: bool = True) -> PortAppConfig:
            """Ocean's `sync_incremental` picks the kinds with an incremental handler right
            after this: register the mapping's incremental kinds (incremental/registration.py)."""
            config = await super().get_port_app_config(use_cache)
            enabled = self.context.config.integration.incremental_sync_enabled
            register_incremental_kinds(self.context.integration, config.resources, enabled)
            return config
