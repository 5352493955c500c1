"""`config.yaml` is safe: with it present, Ocean resolves the same settings as without it.

Ocean reads ./config.yaml last, but a literal value there is written over the env-provided one,
a nested object under integration.config crashes the loader, and a section whose variables are
all unset becomes an empty object. The file therefore holds only `{{ from env NAME }}` values,
each naming the variable that already sets that key, and no eventListener section.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from humps import decamelize
from pydantic import ValidationError

from connection.pagination_settings import PaginationSettings
from connection.settings import ConnectionSettings, load_settings
from tests.conftest import ROOT
from tests.ocean_config import helm_env, integration_dir, load_helm_values, ocean_config

CONFIG_YAML: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text())
FROM_ENV = re.compile(r"\{\{ from env (\S+) \}\}")
SPEC_NAMES = [
    c["name"] for c in yaml.safe_load((ROOT / ".port/spec.yaml").read_text())["configurations"]
]

GITHUB_ENV = {
    "OCEAN__PORT__CLIENT_ID": "dummy-client-id",
    "OCEAN__PORT__CLIENT_SECRET": "dummy-client-secret-0123456789",
    "OCEAN__PORT__BASE_URL": "https://api.us.getport.io",
    "OCEAN__INTEGRATION__IDENTIFIER": "ocean-custom-github",
    "OCEAN__EVENT_LISTENER__TYPE": "POLLING",
    "OCEAN__SCHEDULED_RESYNC_INTERVAL": "60",
    "OCEAN__INITIALIZE_PORT_RESOURCES": "false",
    "OCEAN__INTEGRATION__CONFIG__BASE_URL": "https://api.github.com",
    "OCEAN__INTEGRATION__CONFIG__AUTH_TYPE": "bearer_token",
    "OCEAN__INTEGRATION__CONFIG__API_TOKEN": "ghp_dummy_token_0123456789abcdef",
    "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE": "header_link",
    "OCEAN__INTEGRATION__CONFIG__SIZE_PARAM": "per_page",
    "OCEAN__INTEGRATION__CONFIG__VERIFY_SSL": "false",
}
MINIMAL_ENV = {
    "OCEAN__PORT__CLIENT_ID": "dummy-client-id",
    "OCEAN__PORT__CLIENT_SECRET": "dummy-client-secret-0123456789",
    "OCEAN__INTEGRATION__CONFIG__BASE_URL": "https://api.example.com/v1",
}
HELM_SECRETS = {
    "port.clientId": "dummy-client-id",
    "port.clientSecret": "dummy-client-secret-0123456789",
    "integration.secrets.apiToken": "ghp_dummy_token_0123456789abcdef",
}


def _leaves(node: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found: list[tuple[tuple[str, ...], Any]] = []
    for key, value in node.items():
        if isinstance(value, dict):
            found += _leaves(value, (*path, key))
        else:
            found.append(((*path, key), value))
    return found


def test_every_value_reads_the_env_var_that_already_sets_that_key() -> None:
    for path, value in _leaves(CONFIG_YAML):
        match = FROM_ENV.fullmatch(str(value))
        assert match, f"{'.'.join(path)}: {value!r} is a literal; it would override env and Helm"
        expected = "OCEAN__" + "__".join(decamelize(part).upper() for part in path)
        assert match.group(1) == expected, f"{'.'.join(path)} reads {match.group(1)}"


def test_no_nested_objects_and_no_event_listener_section() -> None:
    assert "eventListener" not in CONFIG_YAML
    config = CONFIG_YAML["integration"]["config"]
    assert not [key for key, value in config.items() if isinstance(value, dict)]


def test_lists_every_spec_configuration() -> None:
    listed = list(CONFIG_YAML["integration"]["config"])
    missing = [name for name in SPEC_NAMES if name not in listed]
    lines = [
        f'    {n}: "{{{{ from env OCEAN__INTEGRATION__CONFIG__{decamelize(n).upper()} }}}}"'
        for n in missing
    ]
    assert not missing, "add to config.yaml under integration.config:\n" + "\n".join(lines)
    assert set(listed) <= set(SPEC_NAMES)


def _both(
    tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, **override: Any
) -> tuple[Any, Any]:
    results: list[Any] = []
    for with_yaml in (False, True):
        workdir = integration_dir(tmp_path / f"yaml-{with_yaml}", with_config_yaml=with_yaml)
        with monkeypatch.context() as patch:
            try:
                config = ocean_config(workdir, env, patch, override or None)
                results.append(config.model_dump(mode="json"))
            except ValidationError as error:
                # Both must fail, and on the same settings (the detail may differ: a missing
                # `port` vs. an empty `port` without client_id).
                results.append(sorted({str(e["loc"][0]) for e in error.errors()}))
    return results[0], results[1]


@pytest.mark.parametrize(
    ("env", "override"),
    [
        pytest.param(MINIMAL_ENV, {}, id="env-minimal"),
        pytest.param(GITHUB_ENV, {}, id="env-github"),
        pytest.param(GITHUB_ENV, {"event_listener": {"type": "ONCE"}}, id="env-sail-once"),
        pytest.param(helm_env(load_helm_values(), HELM_SECRETS), {}, id="helm"),
        pytest.param({}, {}, id="nothing-set"),
    ],
)
def test_settings_with_config_yaml_equal_settings_without(
    tmp_path: Path, env: dict[str, str], override: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    without, with_yaml = _both(tmp_path, env, monkeypatch, **override)
    assert with_yaml == without


def test_env_style_settings_reach_our_connection_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = integration_dir(tmp_path, with_config_yaml=True)
    config = ocean_config(workdir, GITHUB_ENV, monkeypatch)
    settings = load_settings(config.integration.config.model_dump(mode="json"))
    assert settings == ConnectionSettings(
        base_url="https://api.github.com",
        auth_type="bearer_token",
        api_token="ghp_dummy_token_0123456789abcdef",
        pagination=PaginationSettings(pagination_type="header_link", size_param="per_page"),
        verify_ssl=False,
    )
    assert config.integration.type == "custom" and config.scheduled_resync_interval == 60
    assert config.port.base_url == "https://api.us.getport.io"


def test_the_comparison_catches_a_literal_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why literals are banned: Ocean 0.56 lets a config.yaml literal beat the env var."""
    workdir = integration_dir(tmp_path, with_config_yaml=False)
    (workdir / "config.yaml").write_text(
        "integration:\n  config:\n    baseUrl: https://literal.example.com\n"
    )
    config = ocean_config(workdir, MINIMAL_ENV, monkeypatch)
    assert config.integration.config.model_dump()["base_url"] == "https://literal.example.com"


def test_an_all_unset_event_listener_section_would_break_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why eventListener is left out: its unset variables still leave an empty section."""
    workdir = integration_dir(tmp_path, with_config_yaml=False)
    (workdir / "config.yaml").write_text(
        'eventListener:\n  type: "{{ from env OCEAN__EVENT_LISTENER__TYPE }}"\n'
    )
    with pytest.raises(ValidationError, match="event_listener"):
        ocean_config(workdir, MINIMAL_ENV, monkeypatch)
