"""The fields of one HTTP call, declared once: a resource's selector (`EndpointSelector` in
integration.py) and a discovery call (`PathParameter` in selector_checks/path_parameters.py)
both are `CallFields`, and an `Endpoint` carries them as its `call`. A new call option is one
field here and the code that reads it (`endpoint.call.<option>`).

(No `from __future__ import annotations` here: this is an Ocean mapping model, pydantic v1, and
integration.py — which Ocean loads by path — builds on it.)
"""

from typing import Any, Literal

from pydantic.v1 import BaseModel, Extra, Field, validator

from jq_paths.precise_jq import compile_jq

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class CallFields(BaseModel):
    """How to make one call: method, query parameters, headers, body, where its items are."""

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
        default=None, title="Body", description="JSON body of the call (POST search endpoints)."
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
    timeout: float | None = Field(
        default=None,
        gt=0,
        title="Timeout",
        description=(
            "Seconds each attempt of this call may take (connecting, the headers and the "
            "body), instead of the connection's timeout, e.g. 120 for a slow report endpoint."
        ),
    )

    @validator("method", pre=True)
    def _upper_method(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @validator("data_path")
    def _compile_data_path(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        compile_jq(value.strip())  # a ValueError names the expression and jq's message
        return value.strip()
