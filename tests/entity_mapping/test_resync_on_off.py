"""Through the real Ocean app: a whole resync with the page-at-a-time mapping on and off sends
Port the same entities, deletes the same ones and reports the same errors — with
`itemsToParse`, `$ENV`, a search relation (Ocean's path), a selector that filters, and one
that is not a boolean (the resync then fails, as Ocean makes it fail, and deletes nothing).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from entity_mapping.switch import VARIABLE, fast_mapping_enabled
from sample_api.server import FakeApi, Received, Reply
from tests.log_capture import captured_logs
from tests.ocean_run import entity, mapping, run_resync

ITEMS = [
    {"id": i, "name": f"n-{i}", "big": 2**62 + i, "tags": [{"t": f"x{i}"}, {"t": "y"}]}
    for i in range(25)
] + [{"id": None, "name": "no id"}, {"id": 99, "name": None, "flag": "yes"}]


def _resource(kind: str, query: str = "true", **port: Any) -> dict[str, Any]:
    mappings = {
        "identifier": ".id | tostring",
        "title": ".name",
        "blueprint": '"item"',
        "properties": {"big": ".big", "env": '$ENV | has("PATH")', "first_tag": ".tags[].t"},
        **port.pop("mappings", {}),
    }
    return {
        "kind": kind,
        "selector": {"query": query, "data_path": ".items"},
        "port": {"entity": {"mappings": mappings}, **port},
    }


RESOURCES = [
    _resource("/a"),
    _resource("/b", query=".id != 3"),
    _resource(
        "/c",
        itemsToParse=".tags",
        mappings={"identifier": '.id|tostring + "-" + .item.t', "title": ".item.t"},
    ),
    _resource(
        "/d",
        mappings={
            "relations": {
                "owner": {
                    "combinator": '"and"',
                    "rules": [{"property": '"$title"', "operator": '"="', "value": ".name"}],
                }
            }
        },
    ),
]


async def _resync(api: FakeApi, resources: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    api.route("GET", "/api/a", _items)
    for kind in ("b", "c", "d"):
        api.route("GET", f"/api/{kind}", _items)
    with captured_logs() as lines:
        result = await run_resync(
            {"base_url": api.url + "/api"},
            mapping(*resources),
            existing_entities=[entity("stale")],
        )
    shown = {
        "upserted": sorted(json.dumps(e, sort_keys=True) for e in result.upserted_entities),
        "deleted": sorted(json.dumps(e, sort_keys=True) for e in result.deleted_entities),
        "errors": sorted(str(e) for e in result.errors),
    }
    return shown, "".join(lines)


def _items(request: Received) -> Reply:
    return Reply(json_body={"items": ITEMS})


@pytest.mark.parametrize(
    "resources", [RESOURCES, [*RESOURCES, _resource("/b", query=".flag")]], ids=["ok", "nonbool"]
)
async def test_on_and_off_send_port_the_same(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch, resources: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv(VARIABLE, "false")
    off, off_log = await _resync(api, resources)
    monkeypatch.setenv(VARIABLE, "true")
    on, on_log = await _resync(api, resources)
    assert on == off
    assert len(on["upserted"]) > 50
    for kind in ("/a", "/b", "/c"):
        assert f"items of {kind} with one jq program" in on_log
    assert "with one jq program" not in off_log
    assert "Mapping a page of /d through Ocean's per-item path" in on_log
    failing = len(resources) > len(RESOURCES)
    assert bool(on["errors"]) == failing
    if failing:  # Ocean deletes nothing after a failed kind, on or off
        assert on["deleted"] == []


def test_the_switch_reads_booleans_and_refuses_anything_else() -> None:
    assert fast_mapping_enabled({}) is True
    assert fast_mapping_enabled({VARIABLE: " FALSE "}) is False
    assert fast_mapping_enabled({VARIABLE: "1"}) is True
    with pytest.raises(ValueError, match=f"{VARIABLE}='maybe' is not a boolean"):
        fast_mapping_enabled({VARIABLE: "maybe"})


async def test_a_switch_that_is_not_a_boolean_stops_the_start(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(VARIABLE, "maybe")
    with pytest.raises(ValueError, match=f"{VARIABLE}='maybe' is not a boolean"):
        await _resync(api, RESOURCES[:1])
