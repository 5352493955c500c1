"""The shrink guard (issue 14): a blueprint that would lose too much of what Port holds fails the
resync, so Ocean deletes nothing; a real shrink within the allowed share still deletes.

Resync tests run the real Ocean app with Port's state seeded (`existing_entities`); pure tests
pin the counting (`selector_checks/entity_keys.py`) and the plan (`resync/shrink_plan.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from port_ocean.core.handlers.port_app_config.models import PortResourceConfig
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from integration import EndpointPortAppConfig
from resync.shrink_guard import ResyncGuard, ShrinkGuardError
from resync.shrink_plan import GuardPlan, judge
from sample_api.server import FakeApi, Received, Reply
from selector_checks.entity_keys import KeyProgram, constant_blueprint, entity_keys, key_program
from tests.conftest import ROOT
from tests.ocean_run import entity, mapping, resource, run_resync


def numbered(prefix: str, count: int) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{n}", "name": f"{prefix} {n}"} for n in range(count)]


def offset_pages(items: list[dict[str, Any]]) -> Callable[[Received], Reply]:
    def handler(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return Reply(json_body={"data": items[offset : offset + limit]})

    return handler


def config(api: FakeApi, **extra: Any) -> dict[str, Any]:
    return {"base_url": api.url, "pagination_type": "offset", "page_size": "4", **extra}


def serve(api: FakeApi, **kinds: list[dict[str, Any]]) -> None:
    for name, items in kinds.items():
        api.route("GET", f"/{name}", offset_pages(items))


def held(blueprint: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entity(item["id"], blueprint) for item in items]


def kind(name: str, blueprint: str, **selector: Any) -> dict[str, Any]:
    return resource(f"/{name}", blueprint=blueprint, data_path=".data", **selector)


def deleted(result: Any) -> list[tuple[str, str]]:
    return sorted((e["blueprint"], e["identifier"]) for e in result.deleted_entities)


def upserted(result: Any, blueprint: str) -> set[str]:
    return {e["identifier"] for e in result.upserted_entities if e["blueprint"] == blueprint}


USERS, TEAMS, SERVICES = numbered("u", 10), numbered("t", 10), numbered("s", 10)
THREE_KINDS = mapping(kind("users", "user"), kind("teams", "team"), kind("services", "service"))
PORT_STATE = held("user", USERS) + held("team", TEAMS) + held("service", SERVICES)


# --- through real Ocean ----------------------------------------------------------------------


async def test_a_kind_shrinking_by_60_percent_beside_two_healthy_kinds_deletes_nothing(
    api: FakeApi,
) -> None:
    serve(api, users=USERS, teams=TEAMS, services=SERVICES[:4])  # 6 of 10 services gone
    result = await run_resync(config(api), THREE_KINDS, [*PORT_STATE, entity("gone", "user")])

    assert result.deleted_entities == []
    assert len(result.errors) == 1
    message = str(result.errors[0])
    assert "blueprint 'service' would lose 6 of the 10 entities Port holds" in message
    assert "(60%)" in message and "this run produced 4" in message
    assert "maxDeletionShare=50" in message and "selector.max_deletion_share" in message
    assert "resource #2 GET /services: 4 items, 4 entities, pagination stopped:" in message
    # Every kind's items, the shrunk one's too, are upserted.
    assert upserted(result, "service") == {s["id"] for s in SERVICES[:4]}
    assert upserted(result, "user") == {u["id"] for u in USERS}


async def test_a_real_shrink_under_the_threshold_deletes_the_stale_entities(api: FakeApi) -> None:
    serve(api, users=USERS, teams=TEAMS, services=SERVICES[:6])  # 40 %: allowed at 50
    result = await run_resync(config(api), THREE_KINDS, PORT_STATE)

    assert result.errors == []
    assert deleted(result) == [("service", s["id"]) for s in SERVICES[6:]]


async def test_the_first_sync_of_a_new_kind_runs(api: FakeApi) -> None:
    serve(api, users=USERS, teams=TEAMS, services=SERVICES)
    only_users = [*held("user", USERS), entity("gone", "user")]  # no teams, services yet
    result = await run_resync(config(api), THREE_KINDS, only_users)

    assert result.errors == []
    assert upserted(result, "service") == {s["id"] for s in SERVICES}
    assert deleted(result) == [("user", "gone")]


async def test_a_kind_that_grew_deletes_its_few_stale_entities(api: FakeApi) -> None:
    # Port holds one service, and it is gone: 100 % of what Port holds, but the kind grew.
    serve(api, users=USERS, services=SERVICES)
    grown = mapping(kind("users", "user"), kind("services", "service"))
    result = await run_resync(config(api), grown, [*held("user", USERS), entity("old", "service")])

    assert result.errors == []
    assert deleted(result) == [("service", "old")]


async def test_threshold_100_turns_the_guard_off_and_a_90_percent_shrink_deletes(
    api: FakeApi,
) -> None:
    serve(api, users=USERS, teams=TEAMS, services=SERVICES[:1])
    result = await run_resync(config(api, max_deletion_share="100"), THREE_KINDS, PORT_STATE)

    assert result.errors == []
    assert deleted(result) == [("service", s["id"]) for s in SERVICES[1:]]


async def test_a_resource_override_allows_a_real_shrink_of_that_resource(api: FakeApi) -> None:
    serve(api, users=USERS, teams=TEAMS, services=SERVICES[:1])
    relaxed = mapping(
        kind("users", "user"),
        kind("teams", "team"),
        kind("services", "service", max_deletion_share="95"),
    )
    result = await run_resync(config(api), relaxed, PORT_STATE)

    assert result.errors == []
    assert deleted(result) == [("service", s["id"]) for s in SERVICES[1:]]


async def test_a_stricter_resource_override_blocks_what_the_connection_allows(
    api: FakeApi,
) -> None:
    serve(api, users=USERS[:7], teams=TEAMS, services=SERVICES)  # 30 %: allowed at 50
    strict = mapping(kind("users", "user", max_deletion_share=10), kind("teams", "team"))
    result = await run_resync(config(api), strict, held("user", USERS) + held("team", TEAMS))

    assert result.deleted_entities == []
    message = str(result.errors[0])
    assert "would lose 3 of the 10" in message
    assert "more than selector.max_deletion_share: 10 on its resource allows" in message


async def test_the_setting_given_as_a_string_in_env_is_applied(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCEAN__INTEGRATION__CONFIG__MAX_DELETION_SHARE", "20")
    serve(api, users=USERS[:7], teams=TEAMS)  # 30 %: allowed at the default 50, not at 20
    two_kinds = mapping(kind("users", "user"), kind("teams", "team"))
    result = await run_resync(config(api), two_kinds, held("user", USERS) + held("team", TEAMS))

    assert result.deleted_entities == []
    assert "maxDeletionShare=20 allows" in str(result.errors[0])


async def test_resources_sharing_a_blueprint_are_counted_together(api: FakeApi) -> None:
    # Port holds 10 users, 6 from one endpoint and 4 from another: neither alone is a shrink.
    serve(api, staff=USERS[:6], contractors=USERS[6:])
    shared = mapping(kind("staff", "user"), kind("contractors", "user"))
    result = await run_resync(config(api), shared, [*held("user", USERS), entity("gone", "user")])

    assert result.errors == []
    assert deleted(result) == [("user", "gone")]


async def test_items_the_query_filters_out_count_as_deleted(api: FakeApi) -> None:
    # The API still lists all 10 services, but the selector keeps 3: 7 entities would go.
    serve(api, services=SERVICES)
    picky = mapping(kind("services", "service", query='.id | IN("s0", "s1", "s2")'))
    result = await run_resync(config(api), picky, held("service", SERVICES))

    assert result.deleted_entities == []
    assert "would lose 7 of the 10" in str(result.errors[0])


async def test_a_fan_out_kind_counts_every_parents_children(api: FakeApi) -> None:
    # 5 repos, 2 branches each in Port; 3 repos now answer with no branches.
    api.json_route("/repos", [{"name": f"r{n}"} for n in range(5)])
    for n in range(5):
        branches = [{"id": f"r{n}-b{b}", "name": "b"} for b in range(2)] if n < 2 else []
        api.json_route(f"/repos/r{n}/branches", branches)
    branches_kind = resource(
        "/repos/{repo}/branches",
        blueprint="branch",
        path_parameters={"repo": {"endpoint": "/repos", "field": ".name"}},
    )
    in_port = [entity(f"r{n}-b{b}", "branch") for n in range(5) for b in range(2)]
    result = await run_resync({"base_url": api.url}, mapping(branches_kind), in_port)

    assert result.deleted_entities == []
    message = str(result.errors[0])
    assert "would lose 6 of the 10" in message
    assert "4 items, 4 entities, 6 endpoint runs, stopped:" in message  # discovery + 5


async def test_port_is_read_once_per_resync_for_the_guard(api: FakeApi) -> None:
    serve(api, users=USERS, teams=TEAMS, services=SERVICES)
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=THREE_KINDS,
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={
            "integration": {"identifier": "test-custom", "type": "custom", "config": config(api)}
        },
        port_search_entities_response=PORT_STATE,
    )
    try:  # shut down even when the start fails: the harness patches globals
        await harness.start()
        result = await harness.trigger_resync()
    finally:
        await harness.shutdown()
    assert result.errors == []
    searches = harness.port_mock.transport.calls_for("/blueprints/entities/datasource-entities")
    assert len(searches) == 2  # the guard's one, and Ocean's own reconciliation
    guards, oceans = (json.loads(call.request.content) for call in searches)
    assert guards == oceans  # the same entities: this installation's, from before the resync
    assert str(searches[0].request.url) == str(searches[1].request.url)


# --- counting entities (selector_checks/entity_keys.py)
# ------------------------------------------------------


def port(mappings: dict[str, Any], **extra: Any) -> Any:
    return PortResourceConfig.parse_obj({"entity": {"mappings": mappings}, **extra})


def test_constant_blueprints_are_string_literals() -> None:
    assert constant_blueprint('"service"') == "service"
    assert constant_blueprint("'service'") == "service"  # Ocean turns it into "service"
    assert constant_blueprint(".type") is None
    assert constant_blueprint('""') is None


def test_keys_follow_the_query_and_drop_null_identifiers() -> None:
    program = key_program(port({"identifier": ".id", "blueprint": '"user"'}), ".active")
    items: list[dict[str, Any]] = [
        {"id": "a", "active": True},
        {"id": "b", "active": False},
        {"id": None, "active": True},  # Ocean drops an entity without identifier
        {"id": 7, "active": True},
        {"active": True},
        {"id": "c", "active": "yes"},  # Ocean's query must be true, not truthy
    ]
    assert program is not None
    assert entity_keys(program, items) == [("user", "a"), ("user", "7")]


@pytest.mark.parametrize("identifier", [".id", ".id | tostring"])
def test_the_python_read_of_a_plain_identifier_agrees_with_jq(identifier: str) -> None:
    program = key_program(port({"identifier": identifier, "blueprint": '"user"'}), "true")
    assert program is not None and program.field == "id"  # the Python read applies
    plain: list[dict[str, Any]] = [{"id": "a"}, {"id": 7}, {"id": None}, {"id": ""}, {}]
    odd: list[dict[str, Any]] = [*plain, {"id": 2**60 + 1}, {"id": 1.5}, {"id": True}]
    for items in (plain, odd):  # odd values: jq decides (it rounds 2**60 + 1, as Ocean does)
        assert entity_keys(program, items) == entity_keys(KeyProgram(program.jq), items)
    expected = [("user", "a"), ("user", "7")] + [("user", "null")] * 2 * program.tostring
    assert entity_keys(program, plain) == expected  # jq: null | tostring == "null"


def test_keys_of_a_computed_blueprint_and_of_items_to_parse() -> None:
    computed = key_program(port({"identifier": ".id", "blueprint": ".kind"}), "true")
    assert computed is not None
    pairs = entity_keys(computed, [{"id": "1", "kind": "bug"}, {"id": "2", "kind": None}])
    assert pairs == [("bug", "1")]

    parsed = port({"identifier": ".item.id", "blueprint": '"member"'}, itemsToParse=".members")
    program = key_program(parsed, "true")
    assert program is not None
    team = {"team": "x", "members": [{"id": "m1"}, {"id": "m2"}]}
    assert entity_keys(program, [team, {"team": "y", "members": None}]) == [
        ("member", "m1"),
        ("member", "m2"),
    ]


# --- the plan (resync/shrink_plan.py)
# ---------------------------------------------------------------


def resources(*entries: dict[str, Any]) -> list[Any]:
    return list(EndpointPortAppConfig.parse_obj(mapping(*entries)).resources)


def test_a_blueprint_is_checked_after_its_last_feeder_and_any_computed_one() -> None:
    computed = {**kind("events", "x"), "port": {"entity": {"mappings": {
        "identifier": ".id", "blueprint": ".type"}}}}  # fmt: skip
    plan = GuardPlan.of(
        resources(kind("a", "user"), kind("b", "team"), kind("c", "user"), computed), 50
    )
    assert plan.blueprints["user"].feeders == (0, 2)
    assert plan.blueprints["user"].check_after == 3
    assert plan.blueprints["team"].check_after == 3
    assert plan.counted == {0, 1, 2, 3}


def test_the_highest_override_of_a_blueprints_feeders_applies_and_100_is_off() -> None:
    plan = GuardPlan.of(
        resources(
            kind("a", "user", max_deletion_share=20),
            kind("b", "user", max_deletion_share=70),
            kind("c", "team", max_deletion_share=100),
        ),
        50,
    )
    assert plan.blueprints["user"].threshold == 70 and plan.blueprints["user"].overridden
    assert "team" not in plan.blueprints and 2 not in plan.counted
    assert GuardPlan.of(resources(kind("a", "user")), 100).blueprints == {}


def test_an_override_outside_0_to_100_is_refused() -> None:
    with pytest.raises(Exception, match="max_deletion_share"):
        resources(kind("a", "user", max_deletion_share=150))


def test_a_failed_port_read_fails_each_guarded_blueprint() -> None:
    plan = GuardPlan.of(resources(kind("a", "user"), kind("b", "team")), 50)
    guard = ResyncGuard("resync-1", plan, port_error="HTTPStatusError: 503")
    with pytest.raises(ShrinkGuardError, match=r"blueprint 'user'.*Port failed .*503"):
        guard.judge_after(0)


def test_verdicts_at_the_edges() -> None:
    (plan,) = GuardPlan.of(resources(kind("a", "user")), 50).blueprints.values()
    assert not judge(plan, set(), {"a"}).blocked  # first sync
    assert not judge(plan, {"a", "b"}, {"a"}).blocked  # exactly 50 %: not more than
    assert judge(plan, {"a", "b", "c"}, {"a"}).blocked
    replaced = judge(plan, {"a", "b"}, {"x", "y"})  # a changed identifier mapping
    assert replaced.to_delete == 2 and not replaced.blocked  # as many as held: not a shrink
    assert judge(plan, {"a", "b", "c"}, {"a", "x"}).blocked  # fewer, and 2 of 3 would go
    (strict,) = GuardPlan.of(resources(kind("a", "user")), 0).blueprints.values()
    assert judge(strict, {"a", "b"}, {"a"}).blocked and not judge(strict, {"a"}, {"a"}).blocked
