"""Load-time checks of `selector.dynamic_query_params`, and the pure plan built from them
(binding order, the child call of one binding)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic.v1 import ValidationError

from connection.call_fields import CallFields
from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from core.errors import ConfigurationError
from fanout.engine import FanOutPlan
from integration import EndpointPortAppConfig
from selector_checks.path_parameters import PathParameter

PROJECTS = {"endpoint": "/projects", "data_path": ".values", "field": ".key"}

NONE = PaginationSettings()  # a plan built here sends no request


def load(kind: str, **selector: Any) -> EndpointPortAppConfig:
    plain = {"kind": "/users", "selector": {"query": "true"}, "port": _port()}
    dynamic = {"kind": kind, "selector": {"query": "true", **selector}, "port": _port()}
    return EndpointPortAppConfig.parse_obj({"resources": [plain, dynamic]})


def _port() -> dict[str, Any]:
    return {"entity": {"mappings": {"identifier": ".id", "blueprint": '"x"'}}}


def load_error(kind: str, **selector: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        load(kind, **selector)
    return str(caught.value)


def spec(**raw: Any) -> PathParameter:
    return PathParameter.parse_obj(raw)


def test_the_path_parameter_shape_loads_keyed_by_the_query_name() -> None:
    entry = {
        **PROJECTS,
        "method": "post",
        "query_params": {"state": "active"},
        "headers": {"Accept": "application/json"},
        "filter": ".archived != true",
        "body": {"q": "x"},
        "read_only": True,
    }
    config = load("/issues", dynamic_query_params={"project": entry}, query_params={"a": "1"})
    loaded = config.resources[1].selector.dynamic_query_params["project"]
    assert (loaded.method, loaded.field, loaded.filter) == ("POST", ".key", ".archived != true")
    assert loaded.query_params == {"state": "active"} and loaded.read_only is True
    assert (
        load("/issues", dynamic_query_params=None).resources[1].selector.dynamic_query_params == {}
    )


def test_a_name_also_in_query_params_names_both() -> None:
    message = load_error(
        "/issues", query_params={"project": "FIXED"}, dynamic_query_params={"project": PROJECTS}
    )
    assert "resources[1].selector.dynamic_query_params.project = " in message
    assert "selector.query_params.project and selector.dynamic_query_params.project" in message
    assert "FIXED" not in message  # query_params values may be credentials


def test_a_name_in_the_paths_own_query_string_is_refused() -> None:
    message = load_error("/issues?project=A", dynamic_query_params={"project": PROJECTS})
    assert "resources[1].selector.dynamic_query_params.project" in message
    assert "query string of the endpoint path '/issues?project=A'" in message
    message = load_error(
        "issues", endpoint="/v2/issues?project=A", dynamic_query_params={"project": PROJECTS}
    )
    assert "query string of the endpoint path '/v2/issues?project=A'" in message


def test_a_name_in_both_maps_is_refused() -> None:
    message = load_error(
        "/p/{project}/issues",
        path_parameters={"project": PROJECTS},
        dynamic_query_params={"project": PROJECTS},
    )
    assert "resources[1].selector.dynamic_query_params.project" in message
    assert "also in selector.path_parameters" in message


def test_a_blank_name_is_refused() -> None:
    message = load_error("/issues", dynamic_query_params={" ": PROJECTS})
    assert "resources[1].selector.dynamic_query_params" in message
    assert "is not a query parameter name" in message


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ({**PROJECTS, "field": ".key |"}, "field"),
        ({**PROJECTS, "filter": "]["}, "filter"),
        ({**PROJECTS, "data_path": ".["}, "data_path"),
        ({**PROJECTS, "endpoint": "https://other.example/projects"}, "endpoint"),
        ({**PROJECTS, "fields": ".key"}, "fields"),
        ({"endpoint": "/projects"}, "field"),
    ],
)
def test_bad_entries_name_their_key(entry: dict[str, Any], key: str) -> None:
    message = load_error("/issues", dynamic_query_params={"project": entry})
    assert f"resources[1].selector.dynamic_query_params.project.{key}" in message


def test_discovery_placeholders_come_from_either_map() -> None:
    message = load_error(
        "/issues", dynamic_query_params={"board": {"endpoint": "/p/{project}/b", "field": ".id"}}
    )
    assert "resources[1].selector.dynamic_query_params.board.endpoint = '/p/{project}/b'" in message
    assert "neither path_parameters nor dynamic_query_params has an entry" in message
    # A path parameter that only a dynamic entry's endpoint uses is a chain, not a typo.
    chain = load(
        "/issues",
        path_parameters={"org": {"endpoint": "/orgs", "field": ".id"}},
        dynamic_query_params={"team": {"endpoint": "/orgs/{org}/teams", "field": ".id"}},
    )
    assert set(chain.resources[1].selector.path_parameters) == {"org"}
    loads = load(
        "/issues",
        dynamic_query_params={
            "project": PROJECTS,
            "board": {"endpoint": "/p/{project}/boards", "field": ".id"},
        },
    )
    assert set(loads.resources[1].selector.dynamic_query_params) == {"project", "board"}


def test_cycles_and_a_query_name_in_the_path_are_refused() -> None:
    message = load_error(
        "/issues",
        dynamic_query_params={
            "a": {"endpoint": "/b/{b}", "field": ".id"},
            "b": {"endpoint": "/a/{a}", "field": ".id"},
        },
    )
    assert "dynamic_query_params.a.endpoint = '/b/{b}'" in message and "a → b → a" in message
    message = load_error("/p/{project}/issues", dynamic_query_params={"project": PROJECTS})
    assert "resources[1].selector.path_parameters.project" in message  # {x} needs a path entry


def test_skip_statuses_apply_to_per_value_calls() -> None:
    config = load("/issues", dynamic_query_params={"project": PROJECTS}, skip_statuses=[404])
    assert config.resources[1].selector.skip_statuses == [404]


def test_the_plan_orders_and_fills_both_kinds_of_values() -> None:
    open_ones = CallFields(query_params={"state": "open"})
    child = Endpoint(kind="/t/{team}/issues", url="", call=open_ones, pagination=NONE)
    plan = FanOutPlan.build(
        child,
        "http://h",
        {"team": spec(endpoint="/teams", field=".id")},
        None,
        {
            "sprint": spec(endpoint="/t/{team}/sprints", field=".id"),
            "label": spec(endpoint="/labels", field=".name"),
        },
        discovery_pagination=NONE,
    )
    assert plan.order == ["team", "sprint", "label"]
    assert plan.call_names == ["team", "sprint", "label"]
    call = plan.child_endpoint({"team": "a/b", "sprint": "7", "label": "x y"})
    assert call.url == "http://h/t/a%2Fb/issues"
    assert call.query_params == {"state": "open", "sprint": "7", "label": "x y"}
    assert plan.discoveries["sprint"].key == "selector.dynamic_query_params.sprint"
    assert plan.discoveries["team"].key == "selector.path_parameters.team"


def test_the_plan_refuses_a_name_in_both_maps() -> None:
    both = {"x": spec(endpoint="/xs", field=".id")}
    with pytest.raises(ConfigurationError, match=r"both in selector\.path_parameters"):
        FanOutPlan.build(
            Endpoint(kind="/a/{x}", url="", pagination=NONE),
            "http://h",
            both,
            None,
            both,
            discovery_pagination=NONE,
        )
