"""Typed configuration of the dynamic auth types (`custom` and `oauth2_client_credentials`).

`customAuthRequest` and `customAuthRequestTemplate` are `object` spec fields: Port's form and
Ocean hand them over as dicts, env vars and Helm values as JSON strings; both are accepted.
They are validated at start-up, so a broken login config stops the integration before any
resync. Errors name the inner key (`customAuthRequest: bodyForm: ...`) and never echo a value:
these objects hold passwords and client secrets.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Self
from urllib.parse import parse_qsl

import httpx
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from connection.auth_template import PLACEHOLDER, check_template
from connection.neutral_headers import NEUTRAL_HEADERS
from connection.urls import join_url

LoginMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
ClientAuthentication = Literal["client_secret_basic", "client_secret_post", "private_key_jwt"]


class _AuthModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class CustomAuthRequest(_AuthModel):
    """The login request of `authType: custom`, in Port's documented shape."""

    endpoint: str
    method: LoginMethod = "POST"
    headers: dict[str, str] = Field(default_factory=dict)
    body: dict[str, Any] | None = None
    body_form: str | None = None
    query_params: dict[str, Any] = Field(default_factory=dict)
    reauthenticate_interval_seconds: int | None = Field(default=None, ge=1)

    @field_validator("endpoint")
    @classmethod
    def _check_endpoint(cls, value: str) -> str:
        return check_auth_endpoint(value)

    @field_validator("method", mode="before")
    @classmethod
    def _upper_method(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_body(self) -> Self:
        if self.body is not None and self.body_form is not None:
            raise ValueError(
                "set either body (JSON) or bodyForm (a form string such as "
                "grant_type=client_credentials&client_id=...), not both"
            )
        return self

    def secret_values(self) -> list[str]:
        """Every value this login sends; masked by value wherever it shows up."""
        values = [v for k, v in self.headers.items() if k.lower() not in NEUTRAL_HEADERS]
        values += _string_leaves(self.body) + with_url_forms(_string_leaves(self.query_params))
        if self.body_form:
            values += [value for _, value in parse_qsl(self.body_form, keep_blank_values=True)]
            values.append(self.body_form)
        return values


class CustomAuthTemplate(_AuthModel):
    """Where the login response goes on each API request (`customAuthRequestTemplate`)."""

    headers: dict[str, Any] = Field(default_factory=dict)
    query_params: dict[str, Any] = Field(default_factory=dict)
    body: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not (self.headers or self.query_params or self.body):
            raise ValueError(
                "needs at least one of headers, queryParams or body, e.g. "
                '{"headers": {"Authorization": "Bearer {{.access_token}}"}}'
            )
        for section, value in (
            ("headers", self.headers),
            ("queryParams", self.query_params),
            ("body", self.body),
        ):
            check_template(value, section)
        return self

    def secret_values(self) -> list[str]:
        """Literal values with no placeholder are static credentials; mask them too."""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in NEUTRAL_HEADERS}
        leaves = _string_leaves([headers, self.body]) + with_url_forms(
            _string_leaves(self.query_params)
        )
        return [value for value in leaves if not PLACEHOLDER.search(value)]


def check_auth_endpoint(value: str) -> str:
    """A login/token URL: a path joined to baseUrl (`/oauth/token`) or an absolute http(s) URL."""
    value = value.strip()
    if not value:
        raise ValueError("is empty; give a path such as /oauth/token or an absolute URL")
    url = httpx.URL(value)
    if url.is_absolute_url and url.scheme not in ("http", "https"):
        raise ValueError("must be a path such as /oauth/token or an http(s) URL")
    if url.is_absolute_url and not url.host:
        raise ValueError("an absolute URL needs a host, e.g. https://auth.example.com/token")
    return value


def auth_url(base_url: str, endpoint: str) -> str:
    """Where the login goes: an absolute endpoint as is, a path joined to baseUrl."""
    return endpoint if httpx.URL(endpoint).is_absolute_url else join_url(base_url, endpoint)


def with_url_forms(values: list[str]) -> list[str]:
    """Each value and its query-string encoding (`a+b/c` → `a%2Bb%2Fc`): a secret sent as a
    query parameter appears encoded in logged URLs, and is masked in that form too."""
    encoded = [str(httpx.QueryParams({"v": value}))[2:] for value in values]
    return values + [form for form, value in zip(encoded, values, strict=True) if form != value]


def _string_leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _string_leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _string_leaves(item)]
    return [value] if isinstance(value, str) else []


def _parse_object[M: BaseModel](model: type[M], value: Any) -> M | None:
    """Accept a dict, a model or a JSON string; report inner errors without their values."""
    if value is None or isinstance(value, model):
        return value
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValueError(f"is not valid JSON ({error})") from None
    if not isinstance(value, dict):
        raise ValueError(f"must be a JSON object, not a {type(value).__name__}")
    try:
        return model.model_validate(value)
    except ValidationError as error:
        raise ValueError("; ".join(_describe(problem) for problem in error.errors())) from None


def _describe(problem: Any) -> str:
    where = ".".join(str(part) for part in problem.get("loc", ()))
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    if problem.get("type") == "extra_forbidden":
        message = "unknown key (check its spelling)"
    elif problem.get("type") == "literal_error":
        message = f"not allowed; allowed: {problem.get('ctx', {}).get('expected', '')}"
    return f"{where}: {message}" if where else message


CustomAuthRequestField = Annotated[
    CustomAuthRequest | None, BeforeValidator(lambda v: _parse_object(CustomAuthRequest, v))
]
CustomAuthTemplateField = Annotated[
    CustomAuthTemplate | None, BeforeValidator(lambda v: _parse_object(CustomAuthTemplate, v))
]
