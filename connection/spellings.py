"""Every documented spelling of a connection setting, translated to the one this project reads.

Port's pages and the reference implementation write some settings differently; a configuration
copied from any of them must load unchanged (README "Other spellings"):

| written                                   | read as                                        |
|-------------------------------------------|------------------------------------------------|
| `authType: basic_auth` (setup page)       | `basic`                                        |
| `authType: bearer` (HubSpot guide)        | `bearer_token`                                 |
| `token` (HubSpot guide)                   | `apiToken`                                     |
| `authValue` (interactive install guide)   | the auth type's secret: `apiToken`, `apiKey`,  |
|                                           | or `user:password` for basic                   |
| `paginationType: skip_token` (Entra ID)   | `next_link` at `nextLinkPath` (`@odata.nextLink`) |
| `customAuthResponse` (earlier docs)       | `customAuthRequestTemplate`                    |
| `OFFSET_PARAM` / `PAGE_PARAM` / `CURSOR_PARAM` (reference env) | `paginationParam` for that type |
| `LIMIT_PARAM` (reference env)             | `sizeParam`                                    |
| `pagination: {...}` (HubSpot guide, nested) | the pagination keys it holds                 |

A spelling and the setting it stands for, both given with different values, is an error that
names both keys (never a value).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic.alias_generators import to_camel, to_snake

from connection.custom_headers import parse_custom_headers
from connection.pagination_keys import PAGINATION_KEYS
from core.errors import ConfigurationError

# Spellings that Port's form and Helm can carry, so `.port/spec.yaml` declares them too.
DECLARED_SPELLINGS = ("token", "auth_value", "custom_auth_response")
AUTH_TYPE_SPELLINGS = {"basic_auth": "basic", "bearer": "bearer_token"}
PAGINATION_TYPE_SPELLINGS = {"skip_token": "next_link"}
RENAMED = {"token": "api_token", "custom_auth_response": "custom_auth_request_template"}
# A reference env name → the pagination type it names the page parameter of.
PAGE_PARAM_NAMES = {"offset_param": "offset", "page_param": "page", "cursor_param": "cursor"}
AUTH_VALUE_TARGET = {"bearer_token": "api_token", "api_key": "api_key"}
# Keys of the nested `pagination` object of Port's HubSpot guide that are not settings names.
NESTED_PAGINATION_NAMES = {
    "cursor_query_param": "pagination_param",
    "offset_query_param": "pagination_param",
    "page_query_param": "pagination_param",
    "limit_query_param": "size_param",
    "size_query_param": "size_param",
    "limit": "page_size",
}


def apply_spellings(
    given: Mapping[str, Any],
    environ: Mapping[str, str],
    defaults: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`given` (camelCase or snake_case keys) with every documented spelling translated.

    `defaults`: each setting's default. Ocean hands over the spec's defaults as if they were
    given (`paginationType: none`), so a spelling may replace a value equal to its default."""
    raw = {to_snake(str(key)): value for key, value in given.items() if _is_set(value)}
    for key, value in (defaults or {}).items():
        if key in raw and str(raw[key]) == str(value):
            raw.pop(key)  # a default is no conflict; the settings model fills it in again
    problems: list[str] = []
    _merge_nested_pagination(raw, problems)
    for spelling, key in RENAMED.items():
        _move(raw, spelling, key, problems, both_is_error=spelling == "custom_auth_response")
    _translate_enum(raw, "auth_type", AUTH_TYPE_SPELLINGS)
    _translate_enum(raw, "pagination_type", PAGINATION_TYPE_SPELLINGS)
    kind = str(raw.get("pagination_type", ""))
    for spelling, pagination_type in PAGE_PARAM_NAMES.items():
        value = raw.pop(spelling, None)
        if value is not None and pagination_type == kind:  # others name another type's
            _set(raw, "pagination_param", value, to_camel(spelling), problems)
    if (limit := raw.pop("limit_param", None)) is not None:
        _set(raw, "size_param", limit, "limitParam", problems)
    _apply_auth_value(raw, problems)
    if "custom_headers" in raw:
        try:
            raw["custom_headers"] = parse_custom_headers(raw["custom_headers"], environ)
        except ValueError as error:
            problems.append(f"customHeaders: {error}")
    if problems:
        raise ConfigurationError("Invalid connection settings:\n  - " + "\n  - ".join(problems))
    return raw


def _apply_auth_value(raw: dict[str, Any], problems: list[str]) -> None:
    value = raw.pop("auth_value", None)
    if value is None:
        return
    auth_type = str(raw.get("auth_type", "none"))
    if auth_type == "basic":
        username, _, password = str(value).partition(":")
        _set(raw, "username", username, "authValue", problems)
        _set(raw, "password", password, "authValue", problems)
    elif auth_type in AUTH_VALUE_TARGET:
        _set(raw, AUTH_VALUE_TARGET[auth_type], value, "authValue", problems)
    else:
        problems.append(
            f"authValue: applies to authType bearer_token, api_key or basic; authType is "
            f"{auth_type!r} (set authType, or remove authValue)"
        )


def _merge_nested_pagination(raw: dict[str, Any], problems: list[str]) -> None:
    nested = raw.pop("pagination", None)
    if nested is None:
        return
    if not isinstance(nested, dict):
        problems.append("pagination: expected an object of pagination settings")
        return
    for name, value in nested.items():
        key = to_snake(str(name))
        key = NESTED_PAGINATION_NAMES.get(key, key)
        if not _is_set(value):
            continue
        if key not in PAGINATION_KEYS:
            problems.append(f"pagination.{name}: not a pagination setting")
            continue
        _set(raw, key, value, f"pagination.{name}", problems)


def _translate_enum(raw: dict[str, Any], key: str, spellings: Mapping[str, str]) -> None:
    value = raw.get(key)
    if isinstance(value, str) and value.strip().lower() in spellings:
        raw[key] = spellings[value.strip().lower()]


def _move(
    raw: dict[str, Any], spelling: str, key: str, problems: list[str], both_is_error: bool
) -> None:
    if spelling not in raw:
        return
    value = raw.pop(spelling)
    if both_is_error and key in raw:
        problems.append(
            f"{to_camel(spelling)} and {to_camel(key)}: both set; {to_camel(spelling)} is the "
            f"earlier name of {to_camel(key)}, keep one"
        )
        return
    _set(raw, key, value, to_camel(spelling), problems)


def _set(raw: dict[str, Any], key: str, value: Any, spelling: str, problems: list[str]) -> None:
    """Fill `key` from a spelling; a different value already there is a conflict."""
    current = raw.get(key)
    if _is_set(current) and str(current) != str(value):
        problems.append(
            f"{spelling} and {to_camel(key)}: both set, with different values; keep one"
        )
        return
    raw[key] = value


def _is_set(value: Any) -> bool:
    return value is not None and value != ""
