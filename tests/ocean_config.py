"""Ocean's configuration as `ocean sail` builds it, and as Port's Helm chart feeds it.

`ocean sail` → `port_ocean.run.run` → `bootstrap.load_ocean_app`: the spec's configurations
become a model through `default_config_factory`, then `IntegrationConfiguration` reads init values
(the `--once` override), env vars, `./.env` and, last, `./config.yaml` from the working directory.
`helm_env` renders values the way the chart's ConfigMap and Secret templates do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from port_ocean.config.dynamic import default_config_factory
from port_ocean.config.settings import IntegrationConfiguration
from port_ocean.utils.misc import get_spec_file

from tests.conftest import ROOT

# The chart's own default, merged under the user's integration.eventListener by Helm.
CHART_EVENT_LISTENER = {"type": "KAFKA", "brokers": "b-1-public.example:9196"}


def integration_dir(destination: Path, with_config_yaml: bool) -> Path:
    """A working directory holding what Ocean reads at start: pyproject, spec, maybe config.yaml."""
    (destination / ".port").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", destination / "pyproject.toml")
    shutil.copy(ROOT / ".port" / "spec.yaml", destination / ".port" / "spec.yaml")
    if with_config_yaml:
        shutil.copy(ROOT / "config.yaml", destination / "config.yaml")
    return destination


def ocean_config(
    workdir: Path,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    override: dict[str, Any] | None = None,
) -> IntegrationConfiguration:
    """Build Ocean's configuration in `workdir` with exactly `env` as the OCEAN__* variables."""
    for name in list(os.environ):
        if name.startswith("OCEAN__"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(workdir)
    spec = get_spec_file(workdir) or {}
    factory = default_config_factory(spec.get("configurations", []))
    return IntegrationConfiguration(integration_config_model=factory, **(override or {}))


def helm_snakecase(name: str) -> str:
    """Sprig's `snakecase` (huandu/xstrings ToSnakeCase) for ASCII names without digits."""
    if re.search(r"\d", name):
        raise ValueError(f"{name}: chart versions split digits differently; not modelled")
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", spaced).lower()


def _go_string(value: Any) -> str:
    """How `{{ $value | quote }}` / `toString` print a scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def helm_env(values: dict[str, Any], secrets: dict[str, str] | None = None) -> dict[str, str]:
    """The env vars the chart's ConfigMap and Secret give the pod for `values`.

    `secrets` fills values the file leaves empty for `--set` (Port credentials, API secrets).
    """
    fill = secrets or {}
    port, integration = values["port"], values["integration"]
    env = {
        "OCEAN__PORT__BASE_URL": port["baseUrl"],
        "OCEAN__PORT__CLIENT_ID": port["clientId"] or fill["port.clientId"],
        "OCEAN__PORT__CLIENT_SECRET": port["clientSecret"] or fill["port.clientSecret"],
        "OCEAN__INITIALIZE_PORT_RESOURCES": _go_string(
            values.get("initializePortResources", False)
        ),
        "OCEAN__EVENT_LISTENER": json.dumps(
            {**CHART_EVENT_LISTENER, **integration["eventListener"]}
        ),
        "OCEAN__INTEGRATION__IDENTIFIER": integration["identifier"],
    }
    if values.get("scheduledResyncInterval"):
        env["OCEAN__SCHEDULED_RESYNC_INTERVAL"] = _go_string(values["scheduledResyncInterval"])
    if integration.get("type"):
        env["OCEAN__INTEGRATION__TYPE"] = integration["type"]
    for section in ("config", "secrets"):
        for key, value in (integration.get(section) or {}).items():
            given = value if value != "" else fill.get(f"integration.{section}.{key}", "")
            env[f"OCEAN__INTEGRATION__CONFIG__{helm_snakecase(key).upper()}"] = _go_string(given)
    return env


def load_helm_values() -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load((ROOT / "deploy" / "helm-values.yaml").read_text())
    return values
