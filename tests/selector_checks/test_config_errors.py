"""Port-app-config errors name the path, the bad value and the fix; jq compiles at load; and
`ocean port-app-config schema` works on the integration's config class."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import jq
import pytest
from loguru import logger
from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor
from pydantic.v1 import ValidationError

from integration import EndpointPortAppConfig
from sample_api.server import FakeApi
from selector_checks.config_errors import PortAppConfigError
from selector_checks.jq_expressions import compile_mapping_jq, ocean_jq_text, port_expressions
from tests.conftest import ROOT
from tests.ocean_run import mapping, resource, run_resync


def good(**mappings: Any) -> dict[str, Any]:
    return {
        "kind": "/users",
        "selector": {"query": "true", "data_path": ".users"},
        "port": {"entity": {"mappings": {"identifier": ".id", "blueprint": '"user"', **mappings}}},
    }


def error_text(*resources: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        EndpointPortAppConfig.parse_obj({"resources": list(resources)})
    return str(caught.value)


def test_data_path_that_does_not_compile_names_path_value_and_jq_error() -> None:
    bad = good()
    bad["selector"]["data_path"] = ".users["
    text = error_text(good(), good(), bad)
    line = next(line for line in text.splitlines() if "data_path" in line)
    assert line.startswith("  - resources[2].selector.data_path = '.users[': jq expression")
    assert "syntax error" in line and "Fix: fix the jq syntax" in line
    assert "resources -> 2" not in text  # not pydantic's own rendering


def test_unknown_selector_key_suggests_the_right_one() -> None:
    bad = good()
    bad["selector"]["querry_params"] = {"a": "b"}
    text = error_text(bad)
    assert "resources[0].selector.querry_params" in text
    assert "did you mean query_params?" in text


def test_missing_identifier_says_what_to_add() -> None:
    bad = good()
    del bad["port"]["entity"]["mappings"]["identifier"]
    text = error_text(good(), bad)
    assert "resources[1].port.entity.mappings.identifier: field required" in text
    assert "Fix: map identifier to a unique, non-null value, e.g. .id | tostring" in text


def test_wrong_method_lists_the_allowed_ones() -> None:
    bad = good()
    bad["selector"]["method"] = "FETCH"
    text = error_text(bad)
    assert "resources[0].selector.method = 'FETCH'" in text
    assert "use one of: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS" in text


@pytest.mark.parametrize(
    ("mappings", "path", "expression"),
    [
        ({"title": ".name |"}, "port.entity.mappings.title", ".name |"),
        ({"properties": {"owner": ".owner["}}, "port.entity.mappings.properties.owner", ".owner["),
        ({"relations": {"team": "(.team"}}, "port.entity.mappings.relations.team", "(.team"),
    ],
)
def test_mapping_jq_compiles_at_load(mappings: dict[str, Any], path: str, expression: str) -> None:
    text = error_text(good(**mappings))
    assert f"resources[0].{path} = {expression!r}: jq expression" in text
    assert "does not compile" in text


def test_selector_query_compiles_at_load() -> None:
    bad = good()
    bad["selector"]["query"] = ".status =="
    assert "resources[0].selector.query = '.status ==': jq expression" in error_text(bad)


def test_path_parameter_errors_keep_their_full_path() -> None:
    bad = good()
    bad["kind"] = "/tickets/{ticket_id}/comments"
    bad["selector"]["path_parameters"] = {"ticket_id": {"endpoint": "/tickets", "field": ".id |"}}
    text = error_text(bad)
    assert "resources[0].selector.path_parameters.ticket_id.field = '.id |'" in text


def test_header_values_are_not_echoed() -> None:
    bad = good()
    bad["selector"]["headers"] = {"Authorization": ["Bearer " + "x" * 40]}
    text = error_text(bad)
    assert "resources[0].selector.headers.Authorization = <hidden>" in text
    assert "x" * 40 not in text


def test_search_query_literals_are_not_jq_but_rule_values_are() -> None:
    rule = {"property": "$identifier", "operator": "=", "value": ".team_id"}
    search: dict[str, Any] = {"combinator": "and", "rules": [rule]}
    config = EndpointPortAppConfig.parse_obj({"resources": [good(relations={"team": search})]})
    found = dict(port_expressions(config.resources[0].port))
    assert found["entity.mappings.relations.team.rules[0].value"] == ".team_id"
    assert "=" not in found.values() and "and" not in found.values()
    rule["value"] = ".team_id |"
    assert "relations.team.rules[0].value = '.team_id |'" in error_text(
        good(relations={"team": search})
    )


@pytest.mark.parametrize(
    "expression",
    [".name + '-svc'", "'literal'", ".a | test('x')", '"it\'s"', ".x == 'a b'", ".id"],
)
def test_single_quotes_are_handled_as_ocean_does(expression: str) -> None:
    """Ocean rewrites single-quoted jq strings before compiling; the load check applies the
    same rewrite, so it rejects exactly what Ocean's mapping could not compile."""
    assert ocean_jq_text(expression) == JQEntityProcessor._format_filter(expression)
    assert _compiles(compile_mapping_jq, expression) == _compiles(
        jq.compile, JQEntityProcessor._format_filter(expression)
    )


def _compiles(compile_: Any, expression: str) -> bool:
    try:
        compile_(expression)
    except ValueError:
        return False
    return True


def test_the_error_keeps_the_type_ocean_catches() -> None:
    with pytest.raises(PortAppConfigError) as caught:
        EndpointPortAppConfig.parse_obj({"resources": [{"kind": "/users"}]})
    assert isinstance(caught.value, ValidationError)
    assert caught.value.errors()  # pydantic's structured errors are still there


async def test_ocean_reports_the_readable_error_and_deletes_nothing(api: FakeApi) -> None:
    """Through the real Ocean app: the mapping is rejected before any fetch, and Ocean's own
    log line carries the readable text."""
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(str(message)), level="ERROR")
    bad = resource("/users", data_path=".users[")
    try:
        result = await run_resync({"base_url": api.url}, mapping(bad), [])
    finally:
        logger.remove(sink)
    assert result.errors and api.received == []
    assert result.deleted_entities == []
    assert "resources[0].selector.data_path = '.users['" in str(result.errors[0])
    assert any("Invalid port app config found: Invalid port-app-config" in line for line in lines)


@pytest.mark.parametrize("form", ["json", "ui"])
def test_ocean_port_app_config_schema_succeeds(form: str) -> None:
    done = subprocess.run(
        [str(ROOT / ".venv/bin/ocean"), "port-app-config", "schema", ".", "--format", form],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    schema = json.loads(done.stdout)
    assert "data_path" in json.dumps(schema) and "query_params" in json.dumps(schema)


def test_a_whole_entry_shown_in_an_error_hides_its_headers() -> None:
    from selector_checks.config_errors import _show

    entry = {"endpoint": "/teams", "headers": {"Authorization": "Bearer tok-0123456789abcdef"}}
    shown = _show(entry, ["resources", 0, "selector", "path_parameters", "team_id"])
    assert "tok-0123456789abcdef" not in shown and "'headers': '<hidden>'" in shown
    assert "'endpoint': '/teams'" in shown
