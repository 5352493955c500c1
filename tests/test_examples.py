"""Every `examples/<api>/` directory, as shipped, syncs through a fake of its API.

The fakes (`tests/example_fakes/<api>.py`) follow each API's documented response shapes,
pagination and authentication. The example's files are read unchanged; only baseUrl's origin
is pointed at the loopback fake (its path prefix is kept). An example directory without a fake
fails here, so no example ships untested, and none can rot unnoticed.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from port_ocean.core.defaults.common import get_port_integration_defaults
from pydantic.alias_generators import to_camel

from connection.settings import load_settings
from integration import EndpointPortAppConfig
from sample_api.server import FakeApi
from tests.conftest import ROOT
from tests.example_fakes import Expected
from tests.ocean_run import entity, run_resync

EXAMPLES = ROOT / "examples"
FAKES = Path(__file__).parent / "example_fakes"
ENV_PREFIX = "OCEAN__INTEGRATION__CONFIG__"
REQUIRED_FILES = ("settings.env", "port-app-config.yml", "blueprints.json", "README.md")
JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}
# Port checks `format: date-time` as JSON Schema validators do (ajv-formats): RFC 3339 with a
# required zone, the colon in the offset optional (Jira's `+0000` passes, a bare date fails).
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d(:?\d\d)?)$")


def example_names() -> list[str]:
    if not EXAMPLES.is_dir():
        return []
    return sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name[0] not in "._")


NAMES = example_names()


@dataclass(frozen=True)
class Example:
    name: str
    config: dict[str, str]  # snake_case keys, as Ocean hands them to the integration
    app_config: dict[str, Any]
    blueprints: dict[str, dict[str, Any]]

    def config_for(self, fake_url: str) -> dict[str, str]:
        """The shipped config with the scheme and host of baseUrl (and of an absolute
        oauthTokenUrl: the identity provider is faked by the same server) replaced by the
        fake's; paths are kept."""
        config = dict(self.config)
        for key in ("base_url", "oauth_token_url"):
            if key == "base_url" or "://" in config.get(key, ""):
                config[key] = fake_url + urlsplit(config[key]).path
        return config


def load_example(name: str) -> Example:
    folder = EXAMPLES / name
    blueprints = json.loads((folder / "blueprints.json").read_text())
    return Example(
        name=name,
        config=read_env_file(folder / "settings.env"),
        app_config=yaml.safe_load((folder / "port-app-config.yml").read_text()),
        blueprints={blueprint["identifier"]: blueprint for blueprint in blueprints},
    )


def read_env_file(path: Path) -> dict[str, str]:
    """`OCEAN__INTEGRATION__CONFIG__API_KEY_HEADER=x` → `{"api_key_header": "x"}`, as Ocean does."""
    config: dict[str, str] = {}
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        assert equals and name.startswith(ENV_PREFIX), f"{path}:{number}: not {ENV_PREFIX}KEY=value"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        config[name.removeprefix(ENV_PREFIX).lower()] = value
    return config


def test_every_example_is_complete_tested_and_indexed() -> None:
    assert NAMES, "no example directories under examples/"
    fakes = {path.stem for path in FAKES.glob("*.py") if path.stem != "__init__"}
    incomplete = {
        name: missing
        for name in NAMES
        if (missing := [f for f in REQUIRED_FILES if not (EXAMPLES / name / f).is_file()])
    }
    assert incomplete == {}, "example directories missing files"
    assert sorted(set(NAMES) - fakes) == [], "examples without tests/example_fakes/<name>.py"
    assert sorted(fakes - set(NAMES)) == [], "fakes without an examples/<name>/ directory"
    index = (ROOT / "docs" / "examples.md").read_text()
    assert [name for name in NAMES if f"examples/{name}/" not in index] == [], (
        "examples not listed in docs/examples.md"
    )


@pytest.mark.parametrize("name", NAMES)
def test_example_files_are_valid_and_consistent(name: str) -> None:
    example = load_example(name)
    spec = yaml.safe_load((ROOT / ".port" / "spec.yaml").read_text())
    documented = {configuration["name"] for configuration in spec["configurations"]}
    assert sorted({to_camel(key) for key in example.config} - documented) == []
    load_settings(example.config)  # every value parses

    # Ocean can read the directory itself as its resources dir (OCEAN__RESOURCES_PATH).
    defaults = get_port_integration_defaults(EndpointPortAppConfig, f"examples/{name}", ROOT)
    assert defaults is not None and len(defaults.port_app_config.resources) > 0
    assert defaults.blueprints == list(example.blueprints.values())

    for resource in example.app_config["resources"]:
        mappings = resource["port"]["entity"]["mappings"]
        blueprint = example.blueprints[json.loads(mappings["blueprint"])]
        assert set(mappings.get("properties", {})) <= set(blueprint["schema"]["properties"])
        for relation in mappings.get("relations", {}):
            assert blueprint["relations"][relation]["target"] in example.blueprints


@pytest.mark.parametrize("name", NAMES)
async def test_example_syncs_every_item_through_its_fake(name: str, api: FakeApi) -> None:
    example = load_example(name)
    fake = importlib.import_module(f"tests.example_fakes.{name}")
    expected: Expected = fake.install(api)

    result = await run_resync(example.config_for(api.url), example.app_config)

    assert result.errors == []
    produced: dict[str, set[str]] = {}
    for upserted in result.upserted_entities:
        produced.setdefault(upserted["blueprint"], set()).add(upserted["identifier"])
    assert produced == expected.entities
    assert len(result.upserted_entities) == sum(map(len, expected.entities.values()))
    assert result.deleted_entities == []
    problems = [
        problem
        for upserted in result.upserted_entities
        for problem in entity_problems(upserted, example.blueprints[upserted["blueprint"]])
    ]
    assert problems[:10] == []
    assert unfilled_mappings(example, result.upserted_entities) == []
    unauthenticated = [
        f"{request.method} {request.path}?{request.raw_query}"
        for request in api.received
        if request.headers.get(expected.auth_header) != expected.auth_value
        and request.path != expected.login_path
    ]
    assert unauthenticated == []
    made = len(api.received)
    assert expected.requests <= made <= expected.requests + expected.past_the_end


@pytest.mark.parametrize("name", NAMES)
def test_fake_rejects_a_request_without_the_documented_credential(name: str, api: FakeApi) -> None:
    """So a resync that sends the wrong credential fails instead of passing by accident."""
    fake = importlib.import_module(f"tests.example_fakes.{name}")
    fake.install(api)
    for method, path in api.routes:
        response = httpx.request(method, api.url + path, headers={"Authorization": "Bearer wrong"})
        rejected = response.status_code == 401 or response.json().get("ok") is False  # Slack
        assert rejected, f"{method} {path} answered {response.status_code} without credentials"


async def test_slack_error_in_a_200_body_fails_the_resync(api: FakeApi) -> None:
    """Slack answers a bad token with HTTP 200 `{"ok": false}`: the example's `error_when` turns
    that into an error, so Ocean deletes nothing instead of syncing an empty workspace."""
    from tests.example_fakes import slack

    example = load_example("slack")
    slack.install(api)
    config = {**example.config_for(api.url), "api_token": "xoxb-" + "revoked-token-" * 4}
    existing = [entity("U000001", "slackUser")]

    result = await run_resync(config, example.app_config, existing_entities=existing)

    assert result.errors and "invalid_auth" in str(result.errors[0])
    assert result.deleted_entities == []


def entity_problems(upserted: dict[str, Any], blueprint: dict[str, Any]) -> list[str]:
    """Ways an entity would be rejected by Port, or would land with wrongly typed data."""
    where = f"{upserted['blueprint']}/{upserted['identifier']}"
    schema = blueprint["schema"]["properties"]
    problems = []
    for key, value in upserted.get("properties", {}).items():
        if value is None:
            continue
        if (definition := schema.get(key)) is None:
            problems.append(f"{where}: property {key} is not in the blueprint")
        elif problem := value_problem(value, definition):
            problems.append(f"{where}: property {key}={value!r}: {problem}")
    for key, value in upserted.get("relations", {}).items():
        relation = blueprint["relations"].get(key)
        if relation is None:
            problems.append(f"{where}: relation {key} is not in the blueprint")
        elif value is not None and isinstance(value, list) != relation.get("many", False):
            problems.append(f"{where}: relation {key}={value!r} vs many={relation.get('many')}")
    return problems


def value_problem(value: Any, definition: dict[str, Any]) -> str | None:
    kind = definition["type"]
    if not isinstance(value, JSON_TYPES[kind]) or (kind == "number" and isinstance(value, bool)):
        return f"not a {kind}"
    if "enum" in definition and value not in definition["enum"]:
        return f"not one of {definition['enum']}"
    text = str(value)
    checks = {
        "date-time": (DATE_TIME.match(text) is not None, "not an RFC 3339 date-time"),
        "url": (text.startswith(("https://", "http://")), "not a URL"),
        "email": ("@" in text, "not an email address"),
    }
    valid, problem = checks.get(definition.get("format", ""), (True, ""))
    return None if valid else problem


def unfilled_mappings(example: Example, upserted: list[dict[str, Any]]) -> list[str]:
    """Mapped properties and relations that no entity got a value for: a mapping that does not
    match the API's documented shape (a wrong jq path, a field the API omits by default)."""
    unfilled = []
    for resource in example.app_config["resources"]:
        mappings = resource["port"]["entity"]["mappings"]
        blueprint = json.loads(mappings["blueprint"])
        entities = [e for e in upserted if e["blueprint"] == blueprint]
        for section in ("properties", "relations"):
            for key in mappings.get(section, {}):
                if all(e.get(section, {}).get(key) in (None, []) for e in entities):
                    unfilled.append(f"{resource['kind']}: {section}.{key} is empty on every entity")
    return unfilled
