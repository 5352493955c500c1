"""deploy/helm-values.yaml works with Port's `port-labs/port-ocean` chart and this integration.

The chart turns `integration.config.<key>` (ConfigMap) and `integration.secrets.<key>` (Secret)
into OCEAN__INTEGRATION__CONFIG__<snakecase key>; Ocean turns those back into the spec's names.
The image is <imageRegistry>/port-ocean-<integration.type>:<integration.version>.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from humps import decamelize

from connection.pagination_settings import PaginationSettings
from connection.settings import ConnectionSettings, load_settings
from tests.conftest import ROOT
from tests.ocean_config import (
    helm_env,
    helm_snakecase,
    integration_dir,
    load_helm_values,
    ocean_config,
)

VALUES = load_helm_values()
INTEGRATION: dict[str, Any] = VALUES["integration"]
SPEC = {
    c["name"]: c for c in yaml.safe_load((ROOT / ".port/spec.yaml").read_text())["configurations"]
}
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
SECRETS = {
    "port.clientId": "dummy-client-id",
    "port.clientSecret": "dummy-client-secret-0123456789",
    "integration.secrets.apiToken": "ghp_dummy_token_0123456789abcdef",
}


def test_every_key_is_a_spec_configuration() -> None:
    for section in ("config", "secrets"):
        unknown = sorted(set(INTEGRATION.get(section) or {}) - set(SPEC))
        assert not unknown, f"integration.{section}: not in .port/spec.yaml: {unknown}"


def test_sensitive_settings_go_under_secrets_only() -> None:
    sensitive = {name for name, config in SPEC.items() if config.get("sensitive")}
    assert not sensitive & set(INTEGRATION["config"]), "a Secret, not a ConfigMap, must carry these"
    assert set(INTEGRATION["secrets"]) <= sensitive


def test_secrets_are_left_empty_in_the_file() -> None:
    """Real values come from --set or an existing Secret, never from a committed file."""
    assert VALUES["port"]["clientId"] == "" and VALUES["port"]["clientSecret"] == ""
    assert all(value == "" for value in INTEGRATION["secrets"].values())


def test_image_is_this_integration_not_ports() -> None:
    assert INTEGRATION["type"] == PYPROJECT["name"]
    assert INTEGRATION["version"] == PYPROJECT["version"]
    assert VALUES["imageRegistry"] != "ghcr.io/port-labs", "would pull Port's own port-ocean-custom"


def test_listener_and_pod_user_match_the_image() -> None:
    assert INTEGRATION["eventListener"]["type"] in ("POLLING", "ONCE")
    assert VALUES["podSecurityContext"]["runAsUser"] == 1001
    assert VALUES["podSecurityContext"]["runAsNonRoot"] is True
    assert "USER 1001:1001" in (ROOT / "Dockerfile").read_text()


def test_helm_snakecase_model_matches_sprig_examples() -> None:
    # Cases from huandu/xstrings' own tests (sprig's `snakecase`).
    for given, expected in [
        ("HTTPServer", "http_server"),
        ("NoHTTPS", "no_https"),
        ("FirstName", "first_name"),
    ]:
        assert helm_snakecase(given) == expected


@pytest.mark.parametrize("name", sorted(SPEC))
def test_chart_and_ocean_spell_each_spec_name_alike(name: str) -> None:
    # A digit in a name would be split off by sprig's snakecase (`oauth2Id` → OAUTH_2_ID),
    # and Ocean would drop the setting: spec names stay digit-free.
    assert not re.search(r"\d", name)
    assert helm_snakecase(name) == decamelize(name)


def test_rendered_values_give_ocean_and_our_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = helm_env(VALUES, SECRETS)
    assert json.loads(env["OCEAN__EVENT_LISTENER"])["brokers"], "the chart's default is merged in"
    workdir = integration_dir(tmp_path, with_config_yaml=True)
    config = ocean_config(workdir, env, monkeypatch)
    assert config.event_listener.type.value == INTEGRATION["eventListener"]["type"]
    assert config.integration.identifier == INTEGRATION["identifier"]
    assert config.integration.type == "custom"
    assert config.scheduled_resync_interval == VALUES["scheduledResyncInterval"]
    assert config.initialize_port_resources is VALUES["initializePortResources"]
    settings = load_settings(config.integration.config.model_dump(mode="json"))
    given = INTEGRATION["config"]
    assert settings == ConnectionSettings(
        base_url=given["baseUrl"],
        auth_type=given["authType"],
        api_token=SECRETS["integration.secrets.apiToken"],
        pagination=PaginationSettings(
            pagination_type=given["paginationType"],
            header_link_rel=given["headerLinkRel"],
            size_param=given["sizeParam"],
            page_size=int(given["pageSize"]),
        ),
        timeout=float(given["timeout"]),
        verify_ssl=given["verifySsl"] == "true",
        max_concurrent_requests=int(given["maxConcurrentRequests"]),
        requests_per_second=float(given["requestsPerSecond"]),
        max_retries=int(given["maxRetries"]),
        max_retry_wait=float(given["maxRetryWait"]),
    )
