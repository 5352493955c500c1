"""Load-time checks of `path_parameters` and the pure helpers (encoding, binding order)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic.v1 import ValidationError

from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from fanout.engine import FanOutPlan
from integration import EndpointPortAppConfig
from selector_checks.path_parameters import PathParameter, encode_segment, fill, placeholders

TICKETS = {"endpoint": "/tickets", "data_path": ".tickets", "field": ".id"}


def load(kind: str, **selector: Any) -> EndpointPortAppConfig:
    plain = {"kind": "/users", "selector": {"query": "true"}, "port": _port()}
    templated = {"kind": kind, "selector": {"query": "true", **selector}, "port": _port()}
    return EndpointPortAppConfig.parse_obj({"resources": [plain, templated]})


def _port() -> dict[str, Any]:
    return {"entity": {"mappings": {"identifier": ".id", "blueprint": '"x"'}}}


def load_error(kind: str, **selector: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        load(kind, **selector)
    return str(caught.value)


def test_documented_shape_loads() -> None:
    config = load(
        "/tickets/{ticket_id}/comments",
        data_path=".comments",
        path_parameters={
            "ticket_id": {
                **TICKETS,
                "filter": '.status != "closed"',
                "method": "get",
                "query_params": None,
            }
        },
    )
    spec = config.resources[1].selector.path_parameters["ticket_id"]
    assert (spec.method, spec.field, spec.query_params) == ("GET", ".id", {})


def test_placeholder_without_an_entry() -> None:
    message = load_error("/tickets/{ticket_id}/comments")
    assert "resources[1].selector.path_parameters.ticket_id: kind" in message
    assert "has the placeholder {ticket_id} but path_parameters has no entry" in message


def test_entry_for_no_placeholder() -> None:
    message = load_error(
        "/tickets/{ticket_id}/c", path_parameters={"ticket_id": TICKETS, "ticket": TICKETS}
    )
    assert "resources[1].selector.path_parameters.ticket = " in message
    assert "fills no placeholder" in message


def test_entry_on_a_plain_kind() -> None:
    message = load_error("/tickets", path_parameters={"ticket_id": TICKETS})
    assert "resources[1].selector.path_parameters.ticket_id = " in message
    assert "fills no placeholder" in message


def test_discovery_placeholder_without_an_entry() -> None:
    message = load_error(
        "/r/{repo}/b/{branch}/rules",
        path_parameters={
            "repo": {"endpoint": "/orgs/{org}/repos", "field": ".name"},
            "branch": {"endpoint": "/r/{repo}/branches", "field": ".name"},
        },
    )
    assert "resources[1].selector.path_parameters.repo.endpoint" in message
    assert "{org}" in message


def test_cycles_are_rejected() -> None:
    message = load_error(
        "/x/{a}",
        path_parameters={
            "a": {"endpoint": "/b/{b}/as", "field": ".id"},
            "b": {"endpoint": "/a/{a}/bs", "field": ".id"},
        },
    )
    assert "path_parameters.a.endpoint = '/b/{b}/as'" in message
    assert "cycle: a → b → a" in message
    message = load_error("/x/{a}", path_parameters={"a": {"endpoint": "/a/{a}", "field": ".id"}})
    assert "cycle: a → a" in message


def test_stray_braces_are_rejected() -> None:
    message = load_error("/tickets/{ticket id}/c", path_parameters={"ticket_id": TICKETS})
    assert "resources[1].kind = " in message
    assert "brace that is not a {name} placeholder" in message


@pytest.mark.parametrize(
    ("spec", "key"),
    [
        ({**TICKETS, "field": ".id |"}, "field"),
        ({**TICKETS, "filter": "]["}, "filter"),
        ({**TICKETS, "data_path": ".["}, "data_path"),
        ({**TICKETS, "endpoint": "https://other.example/tickets"}, "endpoint"),
        ({**TICKETS, "fields": ".id"}, "fields"),
        ({"endpoint": "/tickets"}, "field"),
    ],
)
def test_bad_entries_name_their_key(spec: dict[str, Any], key: str) -> None:
    message = load_error("/tickets/{ticket_id}/c", path_parameters={"ticket_id": spec})
    assert f"resources[1].selector.path_parameters.ticket_id.{key}" in message


@pytest.mark.parametrize("status", [401, 429, 500, 200])
def test_skip_statuses_are_4xx_meaning_no_children(status: int) -> None:
    message = load_error(
        "/tickets/{ticket_id}/c",
        path_parameters={"ticket_id": TICKETS},
        skip_statuses=[404, status],
    )
    assert "resources[1].selector.skip_statuses" in message
    assert f"{status} cannot mean" in message


def test_skip_statuses_need_a_templated_kind() -> None:
    message = load_error("/tickets", skip_statuses=[404])
    assert "resources[1].selector.skip_statuses = [404]: applies to calls made per" in message


def test_encoding_keeps_a_value_one_segment() -> None:
    assert encode_segment("a b/../x") == "a%20b%2F..%2Fx"
    assert encode_segment("..") == "%2E%2E"
    assert encode_segment(".") == "%2E"
    assert encode_segment("100%") == "100%25"
    assert fill("/t/{a}/x/{b}/{a}", {"a": "1/2", "b": "?"}) == "/t/1%2F2/x/%3F/1%2F2"
    assert placeholders("/t/{a}/x/{b}/{a}") == ["a", "b"]


def test_binding_order_puts_dependents_right_after_their_parents() -> None:
    specs = {
        "env": PathParameter.parse_obj({"endpoint": "/envs", "field": ".id"}),
        "branch": PathParameter.parse_obj({"endpoint": "/r/{repo}/b", "field": ".id"}),
        "repo": PathParameter.parse_obj({"endpoint": "/repos", "field": ".id"}),
    }
    kind = "/r/{repo}/b/{branch}/e/{env}"
    none = PaginationSettings()
    plan = FanOutPlan.build(
        Endpoint(kind=kind, url="", pagination=none), "http://h", specs, discovery_pagination=none
    )
    assert plan.order == ["repo", "branch", "env"]
