"""Where connection settings arrive, read where they arrive.

Ocean builds `ocean.integration_config` from a model generated from `.port/spec.yaml` that
silently drops every name the spec does not declare, and it ignores the
`OCEAN__INTEGRATION__SECRETS__<NAME>` variables that Port's docker instructions use for
credentials. So this module reads the raw names too:

- `OCEAN__INTEGRATION__SECRETS__<NAME>` fills the same setting as
  `OCEAN__INTEGRATION__CONFIG__<NAME>`; the same setting given both ways with different values
  is an error naming the setting (never the values);
- the reference implementation's env-only names (`OFFSET_PARAM`, `CURSOR_PARAM`, ...) and a
  nested `PAGINATION` object are picked up here, for `settings_spellings` to translate;
- any other name under those prefixes, or under `integration.config` of `./config.yaml`, that
  the spec does not declare stops the integration at start with a did-you-mean message: a
  misspelt `PAGINATON_TYPE` must not sync one page and let Ocean delete the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic.alias_generators import to_camel, to_snake

from connection.helm_map import parse_go_map
from connection.settings import ConnectionSettings, load_settings
from connection.spec_file import SPEC_PATH, configurations
from core.errors import ConfigurationError

CONFIG_PREFIX = "OCEAN__INTEGRATION__CONFIG__"
SECRETS_PREFIX = "OCEAN__INTEGRATION__SECRETS__"
# Names only the environment carries (not in the spec, so not in Port's form): the reference
# implementation's parameter names and the nested pagination object of Port's HubSpot guide.
ENV_ONLY_NAMES = frozenset(
    {"offset_param", "page_param", "cursor_param", "limit_param", "pagination"}
)
# Names the deployment itself may write, not the user: Port's Helm chart sets
# IDENTITY_OAUTH_CLIENT_SECRET with identityPropagation, and Ocean's webhook integrations
# take APP_HOST. Not settings of this integration, but no typo either: let them pass.
INFRASTRUCTURE_NAMES = frozenset({"identity_oauth_client_secret", "app_host"})
# Names that are not connection settings at all, with what to do instead.
MISPLACED = {
    "mappings": "the resource mapping (port-app-config) is not a connection setting: Ocean "
    "reads it from Port (the data source's mapping page), or sends .port/resources/"
    "port-app-config.yml when the integration is created with initializePortResources",
}


@lru_cache(maxsize=4)
def declared_names(spec_path: Path = SPEC_PATH) -> frozenset[str]:
    """The snake_case names of every configuration `.port/spec.yaml` declares."""
    return frozenset(to_snake(item["name"]) for item in configurations(spec_path))


@lru_cache(maxsize=4)
def object_names(spec_path: Path = SPEC_PATH) -> tuple[str, ...]:
    """The snake_case names of the spec's `object` settings."""
    items = configurations(spec_path)
    return tuple(to_snake(item["name"]) for item in items if item.get("type") == "object")


def gather_settings(
    integration_config: Mapping[str, Any],
    environ: Mapping[str, str],
    config_yaml: Mapping[str, Any] | None = None,
    declared: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Ocean's `integration_config` completed with what only the raw names carry.

    Raises ConfigurationError naming every unknown name and every conflicting one."""
    known = declared if declared is not None else declared_names()
    raw = {key: value for key, value in integration_config.items() if _is_set(value)}
    problems = _unknown_names(environ, config_yaml or {}, known)
    config_env = _under(environ, CONFIG_PREFIX)
    for key, value in config_env.items():  # names Ocean drops: read them here
        if key in ENV_ONLY_NAMES and _is_set(value):
            raw[key] = _maybe_map(value) if key == "pagination" else value
    for key, value in _under(environ, SECRETS_PREFIX).items():
        if not _is_set(value):
            continue
        # Compared with the CONFIG variable only: Ocean's config also holds the spec defaults.
        given = config_env.get(key)
        if given is not None and _is_set(given) and _normal(given) != _normal(value):
            problems.append(
                f"{to_camel(key)}: set both as {CONFIG_PREFIX}{key.upper()} and as "
                f"{SECRETS_PREFIX}{key.upper()}, with different values; keep one"
            )
        raw[key] = _maybe_map(value) if key in ("pagination", *object_names()) else value
    if problems:
        raise ConfigurationError("Invalid connection settings:\n  - " + "\n  - ".join(problems))
    return raw


def load_from_ocean(
    integration_config: Mapping[str, Any], environ: Mapping[str, str]
) -> ConnectionSettings:
    """The connection settings of a running installation: Ocean's config, the raw env names and
    `./config.yaml`'s names checked, every documented spelling translated."""
    raw = gather_settings(integration_config, environ, read_config_yaml())
    return load_settings(raw, environ)


def read_config_yaml(path: Path = Path("config.yaml")) -> dict[str, Any]:
    """`integration.config` of `./config.yaml` (Ocean reads it from the working directory)."""
    if not path.is_file():
        return {}
    document = yaml.safe_load(path.read_text()) or {}
    section = (document.get("integration") or {}).get("config") or {}
    return section if isinstance(section, dict) else {}


def _unknown_names(
    environ: Mapping[str, str], config_yaml: Mapping[str, Any], known: frozenset[str]
) -> list[str]:
    allowed = known | ENV_ONLY_NAMES | INFRASTRUCTURE_NAMES
    where: dict[str, str] = {}
    for prefix in (CONFIG_PREFIX, SECRETS_PREFIX):
        for key in _under(environ, prefix):
            where.setdefault(key, f"{prefix}{key.upper()}")
    for name in config_yaml:
        where.setdefault(to_snake(str(name)), f"integration.config.{name} in config.yaml")
    return [_unknown(key, shown, known) for key, shown in where.items() if key not in allowed]


def _unknown(key: str, shown: str, known: frozenset[str]) -> str:
    if key in MISPLACED:
        return f"{shown}: {MISPLACED[key]}"
    camel = sorted(to_camel(name) for name in known)
    close = get_close_matches(to_camel(key), camel, n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"{shown}: not a setting of this integration (see .port/spec.yaml){hint}"


def _under(environ: Mapping[str, str], prefix: str) -> dict[str, str]:
    """`{OCEAN__INTEGRATION__CONFIG__BASE_URL: v}` → `{base_url: v}`; a nested name
    (`..__PAGINATION__LIMIT`) counts under its first segment, as Ocean nests it."""
    found: dict[str, str] = {}
    for name, value in environ.items():
        if name.upper().startswith(prefix) and len(name) > len(prefix):
            key = name[len(prefix) :].split("__")[0].lower()
            found.setdefault(key, value)
    return found


def _is_set(value: Any) -> bool:
    return value is not None and value != ""


def _normal(value: str) -> str:
    """A value as text, JSON put in one canonical form (`{"a": 1}` = `{ "a":1 }`)."""
    decoded = _maybe_json(value)
    return json.dumps(decoded, sort_keys=True) if isinstance(decoded, dict | list) else value


def _maybe_map(value: str) -> Any:
    """JSON, or a map as Port's Helm chart prints it into its ConfigMap (helm_map.py)."""
    decoded = _maybe_json(value)
    if isinstance(decoded, str) and (go_map := parse_go_map(decoded)) is not None:
        return go_map
    return decoded


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
