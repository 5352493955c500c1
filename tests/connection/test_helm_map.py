"""Maps as Port's Helm chart prints them into its ConfigMap (sprig `quote` = Go's `%v`)."""

from __future__ import annotations

import pytest

from connection.helm_map import parse_go_map
from connection.sources import gather_settings

# `--set 'integration.config.pagination.<key>=...'` of Port's HubSpot guide (option A), as the
# chart's configmap writes it: keys sorted, values unquoted.
HUBSPOT_OPTION_A = (
    "map[cursor_path:.paging.next.after cursor_query_param:after limit:100 "
    "limit_query_param:limit pagination_type:cursor]"
)


def test_the_hubspot_guides_nested_pagination_as_the_chart_writes_it() -> None:
    assert parse_go_map(HUBSPOT_OPTION_A) == {
        "cursor_path": ".paging.next.after",
        "cursor_query_param": "after",
        "limit": "100",
        "limit_query_param": "limit",
        "pagination_type": "cursor",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("map[]", {}),
        ("map[pagination_param:page[after] size_param:page[size]]",
         {"pagination_param": "page[after]", "size_param": "page[size]"}),
        ("map[headers:map[Authorization:Bearer {{.access_token}}]]",
         {"headers": {"Authorization": "Bearer {{.access_token}}"}}),
        ("map[endpoint:https://idp.example.com/oauth/token method:POST]",
         {"endpoint": "https://idp.example.com/oauth/token", "method": "POST"}),
    ],
)  # fmt: skip
def test_go_map_text(text: str, expected: dict[str, object]) -> None:
    assert parse_go_map(text) == expected


@pytest.mark.parametrize("text", ["map[a:b", "not a map", "map[:x]", "map[a:b]]"])
def test_what_is_not_a_map_is_left_alone(text: str) -> None:
    assert parse_go_map(text) is None


def test_the_pagination_variable_arrives_as_a_map() -> None:
    environ = {"OCEAN__INTEGRATION__CONFIG__PAGINATION": HUBSPOT_OPTION_A}
    raw = gather_settings({"base_url": "https://api.hubapi.com"}, environ)
    assert raw["pagination"]["cursor_query_param"] == "after"
