"""Connection settings: one installation's `.port/spec.yaml` values, parsed once and typed.

Ocean hands them over as `ocean.integration_config` with snake_case keys (`baseUrl` →
`base_url`); Port's UI and env vars deliver strings (`"100"`, `"false"`). Both spellings are
accepted here, and every error names the documented camelCase key, the value and what is allowed.
"""

from __future__ import annotations

import os
from base64 import b64encode
from collections.abc import Mapping
from difflib import get_close_matches
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from connection.auth_config import (
    ClientAuthentication,
    CustomAuthRequestField,
    CustomAuthTemplateField,
    check_auth_endpoint,
)
from connection.custom_headers import header_secrets
from connection.key_auth import KEY_AUTH, KeyAuthSettings
from connection.pagination_settings import (
    PAGINATION_GROUP,
    PaginationSettings,
)
from connection.spec_file import sensitive_names
from connection.spellings import apply_spellings
from connection.validation_problems import describe_value_problem
from connection.webhook_settings import GROUP_FIELD, WebhookSettings
from core.errors import ConfigurationError

AuthType = Literal[
    "none",
    "bearer_token",
    "basic",
    "api_key",
    "custom",
    "oauth2_client_credentials",
    "jwt_bearer",
    "github_app",
]
SECRET_FIELDS = ("api_token", "password", "api_key", "oauth_client_secret")
# Settings that arrive flat (as every spec value does) and are held in a group of their own,
# by the ConnectionSettings field that holds the group.
GROUPED_FIELDS: dict[str, type[BaseModel]] = {
    KEY_AUTH: KeyAuthSettings,
    GROUP_FIELD: WebhookSettings,
    PAGINATION_GROUP: PaginationSettings,
}
# Keys whose value is never echoed in an error: those spec.yaml marks sensitive.
SENSITIVE_KEYS = sensitive_names()
# Fields filled by the loader, not settable by name (baseUrl's query string is split off it).
INTERNAL_FIELDS = frozenset({"base_query"})
_REQUIRED_SECRET: dict[str, tuple[str, ...]] = {
    "bearer_token": ("api_token",),
    "api_key": ("api_key",),
    "custom": ("custom_auth_request", "custom_auth_request_template"),
    "oauth2_client_credentials": ("oauth_token_url", "oauth_client_id", "oauth_client_secret"),
    "jwt_bearer": ("oauth_token_url",),
}


class ConnectionSettings(BaseModel):
    """Every connection key `.port/spec.yaml` declares (README "Connection settings"), typed."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    base_url: str
    # A query string given in baseUrl (Port's Canny example: `?apiKey=...`): sent on every
    # request to baseUrl's origin; its values are secrets. Split off baseUrl when it loads.
    base_query: str = Field(default="", repr=False)
    custom_headers: dict[str, str] | None = Field(default=None, repr=False)
    auth_type: AuthType = "none"
    api_token: str | None = Field(default=None, repr=False)
    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    api_key: str | None = Field(default=None, repr=False)
    api_key_header: str = "X-API-Key"
    custom_auth_request: CustomAuthRequestField = Field(default=None, repr=False)
    custom_auth_request_template: CustomAuthTemplateField = Field(default=None, repr=False)
    oauth_token_url: str | None = None
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = Field(default=None, repr=False)
    oauth_scope: str | None = None
    oauth_audience: str | None = None
    oauth_client_authentication: ClientAuthentication = "client_secret_basic"
    # private_key_jwt, jwt_bearer, github_app, mTLS and caCertificate (connection/key_auth.py)
    key_auth: KeyAuthSettings = Field(default_factory=KeyAuthSettings, repr=False)

    # paginationType, pageSize, cursorPath, ... (connection/pagination_settings.py)
    pagination: PaginationSettings = Field(default_factory=PaginationSettings)

    timeout: float = Field(default=30.0, gt=0)
    # The most a response read whole may hold, and a streamed one (docs/resilience.md, "Deadlines
    # and size caps"), in MiB.
    max_response_mb: float = Field(default=256.0, gt=0)
    max_streamed_mb: float = Field(default=4096.0, gt=0)
    verify_ssl: bool = True
    max_concurrent_requests: int = Field(default=10, ge=1, le=1000)
    max_retries: int = Field(default=5, ge=0, le=50)
    max_retry_wait: float = Field(default=60.0, gt=0)
    requests_per_second: float | None = Field(default=None, gt=0)
    max_deletion_share: float = Field(default=50.0, ge=0, le=100)  # shrink guard, percent
    # webhookSecret / webhookSignature / webhookSignatureHeader (connection/webhook_settings.py)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)

    @model_validator(mode="before")
    @classmethod
    def _group_flat_settings(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for field, group in GROUPED_FIELDS.items():
            data = _grouped(data, field, group)
        return data

    @model_validator(mode="before")
    @classmethod
    def _split_base_query(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        key = "base_url" if "base_url" in data else "baseUrl"
        url = data.get(key)
        if isinstance(url, str) and "?" in url.split("#", 1)[0]:
            head, _, query = url.partition("?")
            fragment = query.partition("#")[1:]
            data = {**data, key: head + "".join(fragment), "base_query": query.split("#")[0]}
        return data

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("expected an absolute http(s) URL such as https://api.example.com/v1")
        if parts.fragment:
            raise ValueError("a #fragment does not belong in baseUrl")
        return value.strip().rstrip("/")

    @field_validator("oauth_token_url")
    @classmethod
    def _check_token_url(cls, value: str | None) -> str | None:
        return check_auth_endpoint(value) if value is not None else None

    @model_validator(mode="after")
    def _check_combinations(self) -> Self:
        key_jwt = self.oauth_client_authentication == "private_key_jwt"
        for field in _REQUIRED_SECRET.get(self.auth_type, ()):
            if field == "oauth_client_secret" and key_jwt:
                continue  # the signed assertion authenticates the client
            if not getattr(self, field):
                raise ValueError(
                    f"authType '{self.auth_type}' needs {to_camel(field)}, which is not set"
                )
        # Either half may be empty: token-as-username APIs, and Azure DevOps' empty user + PAT.
        if self.auth_type == "basic" and not (self.username or self.password):
            raise ValueError("authType 'basic' needs username or password, and neither is set")
        self.key_auth.check_for(self.auth_type, self.oauth_client_authentication)
        return self

    @property
    def secrets(self) -> list[str]:
        """Values to mask in logs and errors, including the encoded basic credential (servers
        echo the Authorization header) and a username that is the whole credential."""
        values = [value for value in (getattr(self, f) for f in SECRET_FIELDS) if value]
        if self.auth_type == "basic" and (self.username or self.password):
            pair = f"{self.username or ''}:{self.password or ''}"
            values.append(b64encode(pair.encode()).decode("ascii"))
            if not self.password and self.username:
                values.append(self.username)  # token-as-username APIs
        for login_config in (self.custom_auth_request, self.custom_auth_request_template):
            if login_config is not None:  # every value of a login config is a credential
                values.extend(login_config.secret_values())
        values.extend(value for _, value in self.base_query_params)
        values.extend(header_secrets(self.custom_headers or {}))
        values.extend(self.key_auth.secret_values())
        values.extend(self.webhooks.secrets)
        return values

    @property
    def base_query_params(self) -> list[tuple[str, str]]:
        """The query parameters given in baseUrl, in order, decoded."""
        return parse_qsl(self.base_query, keep_blank_values=True)

    def describe(self) -> str:
        """A one-line summary for the start-up log; holds no secret."""
        extras = "".join(
            (
                f" baseUrl query: {', '.join(name for name, _ in self.base_query_params)} "
                "(values masked)"
                if self.base_query
                else "",
                f" customHeaders: {', '.join(self.custom_headers)}" if self.custom_headers else "",
                f" {self.key_auth.describe()}" if self.key_auth.describe() else "",
            )
        )
        return (
            f"baseUrl={self.base_url}{extras} authType={self.auth_type} "
            f"{self.pagination.describe()} "
            f"timeout={self.timeout}s verifySsl={self.verify_ssl} "
            f"maxConcurrentRequests={self.max_concurrent_requests}"
        )


def load_settings(
    raw: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> ConnectionSettings:
    """Parse connection settings, turning pydantic's errors into one actionable message.

    Every documented spelling is translated first (connection/spellings.py); `environ` fills the
    `${VAR}` references of customHeaders (the process environment when not given)."""
    fields = {**ConnectionSettings.model_fields, **PaginationSettings.model_fields}
    defaults = {name: field.default for name, field in fields.items()}
    given = apply_spellings(raw, os.environ if environ is None else environ, defaults)
    try:
        return ConnectionSettings.model_validate(given)
    except ValidationError as error:
        raise ConfigurationError(
            "Invalid connection settings:\n  - " + "\n  - ".join(_problems(error, given))
        ) from None


def _grouped(data: dict[str, Any], field: str, group: type[BaseModel]) -> dict[str, Any]:
    """`data` with the flat keys of `group` (snake_case or camelCase, as every spec value
    arrives) moved under `field`; a group given whole (a model or its dump) is kept, the flat
    keys winning."""
    names = {
        spelling: name
        for name, info in group.model_fields.items()
        for spelling in (name, info.alias or to_camel(name))
    }
    found = {names[key]: value for key, value in data.items() if key in names}
    if not found:
        return data
    rest = {key: value for key, value in data.items() if key not in names}
    given = rest.get(field)
    base = given.model_dump() if isinstance(given, BaseModel) else dict(given or {})
    return {**rest, field: {**base, **found}}


def _problems(error: ValidationError, given: dict[str, Any]) -> list[str]:
    return [_describe_problem(problem, given) for problem in error.errors()]


def _describe_problem(problem: Any, given: dict[str, Any]) -> str:
    location = [str(part) for part in problem.get("loc", ())]
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    if location[:1] and location[0] in GROUPED_FIELDS:  # a flat setting gathered into a group
        location = location[1:]
    if not location:
        return message
    key = to_camel(location[0])
    # An unknown key's value is not echoed: it may be a misspelt secret.
    if problem.get("type") == "extra_forbidden":
        grouped = [name for group in GROUPED_FIELDS.values() for name in group.model_fields]
        known = [to_camel(name) for name in [*ConnectionSettings.model_fields, *grouped]]
        close = get_close_matches(key, known, n=1)
        suggestion = f"; did you mean {close[0]}?" if close else ""
        return f"{key}: unknown setting (check its spelling against .port/spec.yaml){suggestion}"
    return describe_value_problem(problem, location, given, SENSITIVE_KEYS)
