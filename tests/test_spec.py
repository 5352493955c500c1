"""`.port/spec.yaml` as Port's hosted runtime and install form use it, through Ocean's own loader.

Port builds the install form from the spec, and Ocean builds the configuration model from it with
`default_config_factory`; the values then reach `settings.ConnectionSettings`. These tests hold
the three together.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from port_ocean.config.dynamic import default_config_factory
from port_ocean.config.settings import IntegrationConfiguration
from port_ocean.core.models import Runtime
from port_ocean.utils.misc import get_spec_file
from pydantic import BaseModel, TypeAdapter
from pydantic.alias_generators import to_camel

from connection import settings
from connection.settings import GROUPED_FIELDS, ConnectionSettings, load_settings
from connection.spellings import DECLARED_SPELLINGS
from tests.conftest import ROOT

PORT_TYPES = {"string", "url", "integer", "boolean", "object", "array"}
MUST_BE_SENSITIVE = {
    "apiToken",
    "password",
    "apiKey",
    "customAuthRequest",
    "customAuthRequestTemplate",
}
# Any other secret by its name: ...Secret, ...Token, ...Password, ...ApiKey, ...PrivateKey.
SECRET_NAME = re.compile(r"(secret|token|password|apikey|privatekey|credentials?)$", re.IGNORECASE)

SPEC: dict[str, Any] = get_spec_file(ROOT) or {}
CONFIGS: list[dict[str, Any]] = SPEC.get("configurations", [])
BY_NAME = {config["name"]: config for config in CONFIGS}
# What the spec declares: every setting a user may set, and the documented spellings of some
# (translated when they load: connection/spellings.py).
# Flat in the spec, grouped in the settings (connection/key_auth.py, webhook_settings.py).
GROUP_OF = {name: field for field, group in GROUPED_FIELDS.items() for name in group.model_fields}
FIELDS = (
    {
        field.alias or to_camel(name): name
        for name, field in ConnectionSettings.model_fields.items()
        if name not in settings.INTERNAL_FIELDS and name not in GROUPED_FIELDS
    }
    | {to_camel(name): name for name in DECLARED_SPELLINGS}
    | {to_camel(name): name for name in GROUP_OF}
)


def _model_field(name: str) -> Any:
    """The settings field behind a snake_case name, grouped or not."""
    if name in GROUP_OF:
        return GROUPED_FIELDS[GROUP_OF[name]].model_fields[name]
    return ConnectionSettings.model_fields[name]


def _parsed_value(parsed: ConnectionSettings, name: str) -> Any:
    holder = getattr(parsed, GROUP_OF[name]) if name in GROUP_OF else parsed
    return getattr(holder, name)


def _factory() -> type[BaseModel]:
    model: type[BaseModel] = default_config_factory(CONFIGS)
    return model


def test_ocean_builds_its_configuration_model_from_the_spec() -> None:
    model = _factory()
    assert set(model.model_fields) == set(FIELDS.values())


def test_spec_names_are_exactly_the_connection_settings() -> None:
    assert len(BY_NAME) == len(CONFIGS), "duplicate configuration names"
    assert set(BY_NAME) == set(FIELDS), (
        f"in spec only: {sorted(set(BY_NAME) - set(FIELDS))}; "
        f"in ConnectionSettings only: {sorted(set(FIELDS) - set(BY_NAME))}"
    )


@pytest.mark.parametrize("config", CONFIGS, ids=lambda config: config["name"])
def test_each_configuration_has_a_port_type_and_a_description(config: dict[str, Any]) -> None:
    assert config["type"] in PORT_TYPES
    assert str(config.get("description", "")).strip(), "Port's form shows this to the user"
    assert isinstance(config.get("required", False), bool)


def test_secrets_are_sensitive_in_the_spec_and_never_echoed_by_settings() -> None:
    sensitive = {name for name, config in BY_NAME.items() if config.get("sensitive")}
    by_name = {name for name in BY_NAME if SECRET_NAME.search(name)}
    assert MUST_BE_SENSITIVE | by_name <= sensitive
    assert sensitive == set(settings.SENSITIVE_KEYS)
    model = _factory()
    marked = {
        name
        for name, field in model.model_fields.items()
        if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("sensitive")
    }
    # Ocean masks these values in its logs.
    assert marked == {FIELDS[name] for name in sensitive}


@pytest.mark.parametrize(
    "config", [c for c in CONFIGS if "enum" in c], ids=lambda config: config["name"]
)
def test_every_enum_value_is_accepted_by_the_settings(config: dict[str, Any]) -> None:
    annotation: Any = _model_field(FIELDS[config["name"]]).annotation
    for value in config["enum"]:
        TypeAdapter(annotation).validate_python(value)
    if "default" in config:
        assert config["default"] in config["enum"]


@pytest.mark.parametrize(
    "config", [c for c in CONFIGS if "default" in c], ids=lambda config: config["name"]
)
def test_spec_defaults_are_the_settings_defaults(config: dict[str, Any]) -> None:
    field_name = FIELDS[config["name"]]
    parsed = load_settings({"base_url": "https://api.example.com", field_name: config["default"]})
    assert _parsed_value(parsed, field_name) == _model_field(field_name).default


def test_a_hosted_form_with_only_base_url_gives_the_documented_defaults() -> None:
    """Port sends what the user filled in; Ocean fills the spec defaults; our settings accept it."""
    model = _factory()
    config = model.model_validate({"base_url": "https://api.example.com/v1/"})
    parsed = load_settings(config.model_dump(mode="json"))
    assert parsed == ConnectionSettings(base_url="https://api.example.com/v1")


def test_dependencies_name_existing_configurations_and_enum_values() -> None:
    for config in CONFIGS:
        for dependency in config.get("dependencies", []):
            # An unquoted `on:` key is the boolean True to YAML 1.1 readers such as PyYAML,
            # which is what Ocean uses; accept both spellings here.
            on = dependency.get("on", dependency.get(True))
            target = BY_NAME.get(on)
            assert target is not None, f"{config['name']} depends on unknown {on!r}"
            when = dependency["when"]
            values = [when["equals"]] if "equals" in when else list(when["in"])
            assert set(values) <= set(target.get("enum", values)), (config["name"], values)
            assert isinstance(dependency["then"].get("required"), bool)


def test_interface_sections_group_existing_configurations_once() -> None:
    grouped = [
        name
        for section in SPEC["interface"]["sections"]
        for name in section["configurationNames"]
        if section.get("label")
    ]
    assert set(grouped) <= set(BY_NAME)
    assert len(grouped) == len(set(grouped))
    assert "baseUrl" not in grouped, "the one required setting stays in the main section"


def test_features_declare_dynamic_kinds() -> None:
    exporters = [feature for feature in SPEC["features"] if feature["type"] == "exporter"]
    assert [resource["kind"] for resource in exporters[0]["resources"]] == ["dynamic"]


def test_hosted_runtime_is_allowed_and_blocks_private_addresses() -> None:
    """Ocean refuses the Saas runtime unless saas.enabled; there its IP blocker is on."""
    assert SPEC["saas"]["enabled"] is True
    common: dict[str, Any] = {
        "integration_config_model": _factory(),
        "port": {"client_id": "dummy-id", "client_secret": "dummy-secret"},
        "integration": {
            "identifier": "hosted",
            "type": "custom",
            "config": {"base_url": "https://api.example.com"},
        },
    }
    hosted = IntegrationConfiguration(runtime=Runtime.Saas, **common)
    self_hosted = IntegrationConfiguration(runtime=Runtime.OnPrem, **common)
    assert hosted.disable_ip_outbound_blocker is False
    assert self_hosted.disable_ip_outbound_blocker is True


@pytest.mark.parametrize("config", CONFIGS, ids=lambda config: config["name"])
def test_each_description_is_a_tooltip(config: dict[str, Any]) -> None:
    """Port's form shows it as a tooltip: a sentence or two, the rest in the docs (issue 22)."""
    assert len(config["description"]) <= 200


def test_the_form_asks_first_for_what_most_users_need() -> None:
    names = [config["name"] for config in CONFIGS]
    assert names[:2] == ["baseUrl", "authType"]
    sections = {s["label"]: s["configurationNames"] for s in SPEC["interface"]["sections"]}
    assert sections["Pagination"][:5] == [
        "paginationType",
        "pageSize",
        "cursorPath",
        "hasMorePath",
        "nextLinkPath",
    ]
    order = [name for name in names if name in sections["Pagination"]]
    assert order == sections["Pagination"], "the spec's order and the section's agree"
