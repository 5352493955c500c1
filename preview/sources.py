"""Where the preview's inputs come from: connection settings and the port-app-config.

Settings are read as Ocean reads them, lowest priority first: `./.env`, then the process
environment (`OCEAN__INTEGRATION__CONFIG__<KEY>`), then `--settings FILE` (YAML with camelCase
or snake_case keys, or a .env file). Later sources win key by key, as in Ocean.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic.alias_generators import to_snake
from pydantic.v1 import ValidationError

from connection.settings import ConnectionSettings, load_settings
from core.errors import ConfigurationError
from integration import EndpointPortAppConfig

ENV_PREFIX = "OCEAN__INTEGRATION__CONFIG__"


@dataclass(frozen=True)
class SettingsInput:
    raw: dict[str, Any] = field(repr=False)  # snake_case keys, as Ocean hands them over
    settings: ConnectionSettings
    source: str  # where they came from, for the report


def read_settings(
    settings_file: Path | None, environ: Mapping[str, str], root: Path
) -> SettingsInput:
    merged: dict[str, Any] = {}
    sources: list[str] = []
    layers = [
        ("./.env", _env_file_values(root / ".env")),
        ("environment", _env_values(environ)),
    ]
    if settings_file is not None:
        layers.append((str(settings_file), _settings_file_values(settings_file)))
    for name, values in layers:
        if values:
            merged.update(values)
            sources.append(name)
    raw = _as_spec_types(merged, _spec_types(root))
    if "base_url" not in raw:
        raise ConfigurationError(
            "No connection settings found: set OCEAN__INTEGRATION__CONFIG__BASE_URL (and the "
            "other keys of .port/spec.yaml) or pass --settings FILE"
        )
    return SettingsInput(raw, load_settings(raw), " + ".join(sources))


def read_mapping(path: Path, kinds: list[str] | None = None) -> dict[str, Any]:
    """The port-app-config as Port would send it, validated by the integration's own models;
    with `kinds`, only the resources of those kinds."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigurationError(f"Cannot read the port-app-config {path}: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        raise ConfigurationError(
            f"{path} is not a port-app-config: expected a mapping with a 'resources' list"
        )
    try:
        EndpointPortAppConfig.parse_obj(data)
    except ValidationError as error:
        raise ConfigurationError(f"{path}: {error}") from None
    if kinds:
        known = [str(resource.get("kind")) for resource in data["resources"]]
        unknown = sorted(set(kinds) - set(known))
        if unknown:
            raise ConfigurationError(
                f"--kind {', '.join(unknown)}: no such resource in {path}; "
                f"its kinds are: {', '.join(known)}"
            )
        data = {**data, "resources": [r for r in data["resources"] if r.get("kind") in kinds]}
    return data


def _env_values(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        name.removeprefix(ENV_PREFIX).lower(): value
        for name, value in environ.items()
        if name.startswith(ENV_PREFIX) and len(name) > len(ENV_PREFIX)
    }


def _env_file_values(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    pairs: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().removeprefix("export ").strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        pairs[name.strip()] = value
    return _env_values(pairs)


def _settings_file_values(path: Path) -> dict[str, Any]:
    if path.name.endswith(".env") or path.name.startswith(".env"):
        if not path.is_file():
            raise ConfigurationError(f"--settings {path}: no such file")
        return _env_file_values(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigurationError(f"--settings {path}: cannot read it: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("integration"), dict):
        data = data["integration"].get("config", data)  # config.yaml / Helm values shape
    if not isinstance(data, dict):
        raise ConfigurationError(
            f"--settings {path}: expected a mapping of connection settings (baseUrl: ...)"
        )
    return {to_snake(str(key)): value for key, value in data.items()}


def _as_spec_types(raw: dict[str, Any], types: dict[str, str]) -> dict[str, Any]:
    """Give each value the type Ocean's spec-built config model wants, as it would arrive
    from the environment: text for `string` keys (`pageSize: 3` → "3"), decoded JSON for
    `object`/`array` keys."""
    typed = dict(raw)
    for key, value in raw.items():
        kind = types.get(key)
        if kind in ("string", "url") and isinstance(value, bool | int | float):
            typed[key] = str(value).lower() if isinstance(value, bool) else str(value)
        elif kind in ("object", "array") and isinstance(value, str) and value.strip():
            try:
                typed[key] = json.loads(value)
            except ValueError:
                raise ConfigurationError(
                    f"{key}: expected a JSON {kind}, got text that is not JSON"
                ) from None
    return typed


def _spec_types(root: Path) -> dict[str, str]:
    spec = yaml.safe_load((root / ".port" / "spec.yaml").read_text(encoding="utf-8"))
    return {
        to_snake(str(entry["name"])): str(entry.get("type", "string"))
        for entry in spec.get("configurations", [])
    }
