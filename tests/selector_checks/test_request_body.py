"""`selector.body` as a jq program (Port's Cursor and LinearB pages) and `selector.endpoint`
(the existing implementation's selector): what loads, what each call sends, what fails.
Real jq throughout; the runs through real Ocean, the probe and the preview are in
`test_request_body_runs.py`."""

from __future__ import annotations

import time
from typing import Any

import pytest
import yaml
from pydantic.v1 import ValidationError

from connection.settings import ConnectionSettings, load_settings
from core.errors import ConfigurationError
from integration import EndpointPortAppConfig, EndpointResourceConfig
from selector_checks.request_body import run_body_program, show_expression

# Verbatim from Port's Cursor page (corpus A2).
CURSOR_BODY = (
    '{"startDate": ((now | floor) - (86400 * 30)) * 1000, "endDate": (now | floor) * 1000}'
)
# Verbatim from Port's LinearB guide (A10): a folded `>-` scalar, mapping `now` included.
LINEARB_RESOURCE = """
resources:
  - kind: /api/v2/measurements
    selector:
      query: 'true'
      method: POST
      body: >-
        {
          "requested_metrics": [
            {"name": "releases.count"},
            {"name": "pm.mttr"},
            {"name": "pm.cfr.issues.done"}
          ],
          "group_by": "organization",
          "roll_up": "custom",
          "time_ranges": [
            {
              "after": ((now - 2592000) | strftime("%Y-%m-%d")),
              "before": (now | strftime("%Y-%m-%d"))
            }
          ],
          "return_no_data": true
        }
      data_path: '.[0].metrics'
    port:
      entity:
        mappings:
          identifier: '"linearb-dora-30d-" + (now | strftime("%Y-%m-%d"))'
          title: '"DORA metrics (30d) - " + (now | strftime("%Y-%m-%d"))'
          blueprint: '"engineering_metric"'
          properties:
            deployment_count: '."releases.count"'
"""
CONNECTION = {"base_url": "https://api.example.test/base"}


def resource_of(kind: str = "/teams/daily-usage-data", **selector: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "selector": {"query": "true", "method": "POST", **selector},
        "port": {"entity": {"mappings": {"identifier": ".id", "blueprint": '"usage"'}}},
    }


def load(*resources: dict[str, Any]) -> list[EndpointResourceConfig]:
    return list(EndpointPortAppConfig.parse_obj({"resources": list(resources)}).resources)


def connection() -> ConnectionSettings:
    return load_settings(CONNECTION)


def test_cursor_body_sends_epoch_milliseconds_from_now_as_numbers() -> None:
    (resource,) = load(resource_of(body=CURSOR_BODY, data_path=".data"))
    before = int(time.time())
    body = resource.endpoint(connection()).body
    after = int(time.time())
    assert set(body) == {"startDate", "endDate"}
    assert type(body["endDate"]) is int and type(body["startDate"]) is int
    assert before * 1000 <= body["endDate"] <= after * 1000
    assert body["endDate"] - body["startDate"] == 30 * 86_400_000


def test_linearb_folded_body_and_its_mapping_load_unchanged() -> None:
    (resource,) = load(*yaml.safe_load(LINEARB_RESOURCE)["resources"])
    text = resource.selector.body
    assert isinstance(text, str) and "\n" in text  # a folded scalar keeps inner line breaks
    before = time.time()
    body = resource.endpoint(connection()).body
    days = {time.strftime("%Y-%m-%d", time.gmtime(t)) for t in (before, time.time())}
    (window,) = body["time_ranges"]
    assert window["before"] in days
    ago = time.strftime("%Y-%m-%d", time.gmtime(before - 2592000))
    assert window["after"] in {ago, time.strftime("%Y-%m-%d", time.gmtime(time.time() - 2592000))}
    names = [metric["name"] for metric in body["requested_metrics"]]
    assert names == ["releases.count", "pm.mttr", "pm.cfr.issues.done"]
    assert body["group_by"] == "organization" and body["return_no_data"] is True


def test_json_text_body_keeps_exact_integers_and_types() -> None:
    # jq alone would send 1234567890123456768: the JSON text is read as JSON.
    text = '{"id": 1234567890123456789, "ratio": 1.5, "name": "x", "on": false, "n": null}'
    assert run_body_program(text) == {
        "id": 1234567890123456789,
        "ratio": 1.5,
        "name": "x",
        "on": False,
        "n": None,
    }
    assert run_body_program("[1, {}]") == [1, {}]


@pytest.mark.parametrize("body", [{"filter": {"state": "open"}, "size": 5}, [{"q": 1}], None])
def test_object_array_and_absent_bodies_are_sent_as_written(body: Any) -> None:
    (resource,) = load(resource_of(body=body))
    assert resource.endpoint(connection()).body == body


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"endDate": (now | floor) * 1000', "does not compile: jq: error: syntax error"),
        ("(now | floor) * 1000", "gave a number; expected one JSON object or array"),
        ('"2024-01-01"', "gave a string; expected one JSON object or array"),
        ('{"page": 1}, {"page": 2}', "gave 2 outputs; expected one JSON object or array"),
        ("empty", "gave 0 outputs; expected one JSON object or array"),
        ('{"ids": [null | .[]]}', "failed: Cannot iterate over null"),
        ('error("no start date")', "failed: no start date"),
    ],
)
def test_a_bad_jq_body_fails_at_load_naming_path_expression_and_expectation(
    body: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        load(resource_of(body={"ok": 1}), resource_of(body=body))
    (line,) = [line for line in str(caught.value).splitlines() if "selector.body" in line]
    assert line.startswith("  - resources[1].selector.body")
    assert f"the jq program {show_expression(body)} {reason}" in line
    assert "Fix: write body as a JSON object or array, or as a jq program" in line


@pytest.mark.parametrize(("body", "shown"), [(7, "a number"), (True, "a boolean")])
def test_a_body_of_another_type_is_one_clear_problem(body: Any, shown: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load(resource_of(body=body))
    assert "(1 problem)" in str(caught.value)
    assert f"resources[0].selector.body = <hidden>: body is {shown}; expected" in str(caught.value)


def test_the_body_is_run_at_each_resync_not_kept_from_load() -> None:
    loaded = time.time()
    (resource,) = load(resource_of(body='{"at": now}'))
    first = resource.endpoint(connection()).body["at"]
    second = resource.endpoint(connection()).body["at"]
    assert loaded < first < second <= time.time()  # `now` of each run, not of the load


def test_a_body_failing_at_resync_raises_naming_the_kind_and_expression() -> None:
    deadline = time.time() + 0.3  # fine when the mapping loads, failing by the resync
    body = f'if now > {deadline} then error("window unavailable") else {{}} end'
    (resource,) = load(resource_of(body=body))
    time.sleep(max(0.0, deadline - time.time()) + 0.05)
    with pytest.raises(ConfigurationError) as caught:
        resource.endpoint(connection())
    assert str(caught.value).startswith(
        f"/teams/daily-usage-data: selector.body: the jq program {show_expression(body)} "
        "failed: window unavailable. Fix: write body as a JSON object or array"
    )


def test_a_long_folded_expression_is_shown_on_one_line_and_cut() -> None:
    text = "{\n" + ",\n".join(f'  "k{n}": {n}' for n in range(60)) + "\n} | length"
    with pytest.raises(ValueError, match="gave a number") as caught:
        run_body_program(text)
    assert "\n" not in str(caught.value) and "…' gave a number" in str(caught.value)


# --- selector.endpoint -------------------------------------------------------------------------


def test_selector_endpoint_is_the_path_instead_of_the_kind() -> None:
    legacy, plain = load(
        resource_of("api_resource", method="GET", endpoint="/api/employees"),
        resource_of("/v1/users", method="GET"),
    )
    assert legacy.endpoint(connection()).url == "https://api.example.test/base/api/employees"
    assert plain.endpoint(connection()).url == "https://api.example.test/base/v1/users"
    assert legacy.kind == "api_resource"  # Ocean still groups entities by the kind as written


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("https://other.example/x", "must be a path relative to baseUrl"),
        ("/teams/{team id}/usage", "holds a brace that is not a {name} placeholder"),
    ],
)
def test_selector_endpoint_must_be_a_relative_path(endpoint: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load(resource_of("api_resource", endpoint=endpoint))
    assert "resources[0].selector.endpoint" in str(caught.value)
    assert message in str(caught.value)


def test_path_parameters_fill_the_placeholders_of_selector_endpoint() -> None:
    discovery = {"endpoint": "/teams", "data_path": ".teams", "field": ".id"}
    (resource,) = load(
        resource_of(
            "team_usage", endpoint="/teams/{team_id}/usage", path_parameters={"team_id": discovery}
        )
    )
    assert resource.endpoint(connection()).kind == "/teams/{team_id}/usage"  # fan-out fills it
    with pytest.raises(ValidationError, match=r"has the placeholder \{team_id\}"):
        load(resource_of("team_usage", endpoint="/teams/{team_id}/usage"))
