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
from connection.key_auth import KEY_AUTH, KeyAuthSettings, gather_key_auth
from connection.pagination_keys import (
    PAGINATION_KEYS,
    InvalidPagination,
    pagination_fields,
    replaces_pagination,
)
from connection.pagination_styles import is_addressable, sends_page_values
from connection.spec_file import sensitive_names
from connection.spellings import apply_spellings
from connection.webhook_settings import GROUP_FIELD, WebhookSettings, group_webhook_keys
from core.errors import ConfigurationError
from selection.response_paths import ResponsePath

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
PaginationType = Literal["none", "offset", "page", "cursor", "next_link", "header_link"]
# Where paginationParam / sizeParam go: query parameters, or dot paths into the JSON body
# (Notion's start_cursor, GraphQL's variables.after; fetching/page_placement.py).
PaginationLocation = Literal["query", "body"]

DEFAULT_PAGE_PARAM: dict[str, str] = {"offset": "offset", "page": "page", "cursor": "cursor"}
DEFAULT_SIZE_PARAM: dict[str, str] = {"offset": "limit", "page": "size", "cursor": "limit"}
SECRET_FIELDS = ("api_token", "password", "api_key", "oauth_client_secret")
# Settings that arrive flat (as every spec value does) and are held in a group of their own,
# by the ConnectionSettings field that holds the group.
GROUPED_FIELDS: dict[str, type[BaseModel]] = {
    KEY_AUTH: KeyAuthSettings,
    GROUP_FIELD: WebhookSettings,
}
# Keys whose value is never echoed in an error: those spec.yaml marks sensitive.
SENSITIVE_KEYS = sensitive_names()
# Fields filled by the loader, not settable by name (baseUrl's query string is split off it).
INTERNAL_FIELDS = frozenset({"base_query"})
# What a value of each basic type may look like, for pydantic's parsing errors.
_EXPECTED_BY_ERROR = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
}
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

    pagination_type: PaginationType = "none"
    pagination_location: PaginationLocation = "query"
    page_size: int = Field(default=100, ge=1)
    pagination_param: str | None = None
    size_param: str | None = None
    start_page: int = Field(default=1, ge=0)
    cursor_path: str | None = None
    has_more_path: str | None = None
    last_page_path: str | None = None
    next_link_path: str = "@odata.nextLink"
    header_link_rel: str = "next"
    max_pages: int = Field(default=100_000, ge=1)
    total_path: str | None = None  # completeness: where the API states the item count
    strict_total: bool = False  # a total mismatch fails the resync instead of warning
    stop_on_short_page: bool = False  # offset/page: a page under pageSize is the last
    # offset/page: page requests in flight per endpoint (docs/performance.md); "auto" is up
    # to maxConcurrentRequests after a full first page, with or without a stated total
    parallel_pages: int | Literal["auto"] = "auto"

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
    def _group_webhook_keys(cls, data: Any) -> Any:
        return group_webhook_keys(data)

    _gather_key_auth = model_validator(mode="before")(gather_key_auth)

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

    @field_validator(
        "cursor_path", "has_more_path", "last_page_path", "next_link_path", "total_path"
    )
    @classmethod
    def _check_path(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            ResponsePath(value)  # raises ValueError with the jq message when it cannot compile
            return value.strip()
        return None

    @field_validator("parallel_pages", mode="before")
    @classmethod
    def _parse_parallel_pages(cls, value: Any) -> Any:
        text = str(value).strip().lower()
        if text == "auto":
            return "auto"
        if not isinstance(value, bool) and text.isdigit() and int(text) >= 1:
            return int(text)
        raise ValueError(
            "expected auto, or a whole number of pages of at least 1 (1: one at a time)"
        )

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
        self._check_completeness_options()
        self._check_body_location()
        return self

    def _check_body_location(self) -> None:
        if self.pagination_location != "body":
            return
        if not sends_page_values(self.pagination_type):
            raise ValueError(
                "paginationLocation body applies to paginationType offset, page or cursor (the "
                "link styles follow a whole URL); got paginationType "
                f"'{self.pagination_type}'"
            )
        for key, path in (("paginationParam", self.page_param), ("sizeParam", self.size_param)):
            if path is not None and not all(part.strip() for part in path.split(".")):
                raise ValueError(
                    f"{key}: {path!r} is not a dot path into the request body (with "
                    "paginationLocation body), e.g. start_cursor or variables.after"
                )

    def _check_completeness_options(self) -> None:
        if self.strict_total and not self.total_path:
            raise ValueError(
                "strictTotal needs totalPath: where the API states its total, e.g. meta.total"
            )
        addressable = is_addressable(self.pagination_type)
        if self.stop_on_short_page and not addressable:
            raise ValueError(
                "stopOnShortPage applies to paginationType offset or page only; "
                f"got paginationType '{self.pagination_type}'"
            )
        if self.parallel_pages not in ("auto", 1) and not addressable:
            raise ValueError(
                "parallelPages applies to paginationType offset or page only (cursor and link "
                "styles need each response before the next request); "
                f"got paginationType '{self.pagination_type}'"
            )

    @property
    def page_param(self) -> str:
        return self.pagination_param or DEFAULT_PAGE_PARAM.get(self.pagination_type, "")

    @property
    def page_size_param(self) -> str | None:
        return self.size_param or DEFAULT_SIZE_PARAM.get(self.pagination_type)

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

    def with_pagination(self, overrides: Mapping[str, Any]) -> ConnectionSettings:
        """These settings with a resource's own pagination (`selector.pagination`), validated
        as a whole like the connection's. Raises InvalidPagination naming each key at fault.

        With paginationType, the overrides replace the connection's pagination: the keys they
        leave out take their defaults, so a connection's hasMorePath (whose absence stops
        pagination) cannot stop an endpoint whose responses lack it. Without, they change
        only the keys they set. A key set to null or "" takes its default."""
        given = pagination_fields(overrides)
        unset = {key for key, value in given.items() if value is None or value == ""}
        # These take their defaults rather than the connection's values.
        dropped = set(PAGINATION_KEYS) if replaces_pagination(overrides) else unset
        merged = self.model_dump(exclude=dropped)
        merged.update((key, value) for key, value in given.items() if key not in unset)
        try:
            return ConnectionSettings.model_validate(merged)
        except ValidationError as error:
            raise InvalidPagination(_problems(error, merged)) from None

    def describe_pagination(self) -> str:
        """The type, the page size and every other pagination key set away from its default,
        e.g. `paginationType=cursor pageSize=100 cursorPath=meta.next`."""
        defaults = type(self).model_fields
        always = ("pagination_type", "page_size")
        shown = [
            key
            for key in PAGINATION_KEYS
            if key in always or getattr(self, key) != defaults[key].default
        ]
        return " ".join(f"{to_camel(key)}={getattr(self, key)}" for key in shown)

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
            f"{self.describe_pagination()} "
            f"timeout={self.timeout}s verifySsl={self.verify_ssl} "
            f"maxConcurrentRequests={self.max_concurrent_requests}"
        )


def load_settings(
    raw: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> ConnectionSettings:
    """Parse connection settings, turning pydantic's errors into one actionable message.

    Every documented spelling is translated first (connection/spellings.py); `environ` fills the
    `${VAR}` references of customHeaders (the process environment when not given)."""
    defaults = {name: field.default for name, field in ConnectionSettings.model_fields.items()}
    given = apply_spellings(raw, os.environ if environ is None else environ, defaults)
    try:
        return ConnectionSettings.model_validate(given)
    except ValidationError as error:
        raise ConfigurationError(
            "Invalid connection settings:\n  - " + "\n  - ".join(_problems(error, given))
        ) from None


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
    kind = problem.get("type")
    if kind == "extra_forbidden":  # its value is not echoed: it may be a misspelt secret
        grouped = [name for group in GROUPED_FIELDS.values() for name in group.model_fields]
        known = [to_camel(name) for name in [*ConnectionSettings.model_fields, *grouped]]
        close = get_close_matches(key, known, n=1)
        suggestion = f"; did you mean {close[0]}?" if close else ""
        return f"{key}: unknown setting (check its spelling against .port/spec.yaml){suggestion}"
    allowed = _EXPECTED_BY_ERROR.get(str(kind), "")
    if kind == "literal_error":
        expected = str(problem.get("ctx", {}).get("expected", "")).replace("'", "")
        message, allowed = "not an allowed value", expected.replace(" or ", ", ")
    # A sensitive value is never echoed, even when it is the invalid one.
    value = given.get(location[0], given.get(key))
    if key == "baseUrl" and isinstance(value, str):  # its query string may hold an API key
        value = value.split("?", 1)[0] + ("?[REDACTED]" if "?" in value else "")
    got = "" if key in SENSITIVE_KEYS else f"; got {value!r}"
    return f"{key}: {message}{got}" + (f"; allowed: {allowed}" if allowed else "")
