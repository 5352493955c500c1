"""Parity: our page-at-a-time processor and Ocean's `JQEntityProcessor` give the same verdict —
passed and failed entities (types kept), misconfiguration records, errors and warnings — on
every mapping of the corpus (`corpus_kit.py`) times items built to break it, under the mapping's
own selector and under one that is not a clean boolean.

    .venv/bin/python -m pytest -q -p no:cacheprovider tests/entity_mapping
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from unittest.mock import AsyncMock

import pytest
from port_ocean.core.models import Blueprint
from pydantic.v1 import ValidationError

from tests.entity_mapping.corpus_kit import ADVERSARIAL_QUERIES, corpus, items_for
from tests.entity_mapping.processor_kit import ocean_for_mapping, resource_config, run_both

CORPUS = corpus()


def test_the_corpus_holds_every_shipped_and_documented_mapping() -> None:
    sources = {mapping.source.split("#")[0].split("@")[0] for mapping in CORPUS}
    assert len(CORPUS) >= 100
    assert any(s.startswith("examples/") for s in sources)
    assert any(s.startswith("tests/corpus/configs/") for s in sources)
    assert "README.md" in sources


@pytest.mark.parametrize("number", range(len(CORPUS)), ids=[m.name for m in CORPUS])
async def test_same_verdict_as_ocean(number: int, monkeypatch: pytest.MonkeyPatch) -> None:
    resource = CORPUS[number].resource
    queries = [None, ADVERSARIAL_QUERIES[number % len(ADVERSARIAL_QUERIES)]]
    with ocean_for_mapping(monkeypatch):
        for query in queries:
            try:
                mapping = resource_config(resource, query)
            except ValidationError:
                pytest.skip("not a mapping Ocean loads (a negative example)")
            theirs, ours, processor = await run_both(mapping, items_for(resource))
            assert ours == theirs, f"selector {mapping.selector.query!r}"
            assert not processor.fallback_pages, "a shipped mapping left the fast path"


# Cases no shipped mapping covers: each is a rule of Ocean's contract.
EDGE_MAPPINGS: dict[str, dict[str, Any]] = {
    "first output of several": {"identifier": ".tags[] | tostring", "title": "(.b, .a)"},
    "no output, null, error": {"identifier": ".id|tostring", "title": "empty", "icon": "null"},
    "runtime errors": {"identifier": ".id|tostring", "title": ".name.x", "team": 'error("no")'},
    "single quotes": {"identifier": "'fixed'", "title": "(.name|tostring) + 'x'"},
    "falls back: does not compile": {"identifier": ".id|tostring", "title": ".name + ' x'"},
    "comment and dotted key": {
        "identifier": ".id | tostring # the id",
        "properties": {"a.b": '.["a.b"]', "url": '"https://h/#/x"'},
    },
    "empty objects": {"identifier": ".id|tostring", "properties": {}, "relations": {}},
    "falsy identifier": {"identifier": '.id | if . == 1 then "" else tostring end'},
    "icon and team converted": {"identifier": ".id|tostring", "icon": ".id", "team": ".tags"},
    "dynamic blueprint": {"identifier": ".id|tostring", "blueprint": ".kind"},
    "env": {"identifier": ".id|tostring", "title": "$ENV | type", "icon": "env | length"},
    "falls back: def": {"identifier": "def f: tostring; .id | f"},
    "falls back: search identifier": {
        "identifier": {
            "combinator": '"and"',
            "rules": [{"property": '"$title"', "operator": '"="', "value": ".name"}],
        },
    },
    "falls back: search relation": {
        "identifier": ".id|tostring",
        "relations": {
            "owner": {
                "combinator": '"and"',
                "rules": [{"property": '"email"', "operator": '"="', "value": ".name"}],
            }
        },
    },
}

EDGE_ITEMS: list[Any] = [
    {"id": 1, "name": "a", "tags": [3, 4], "a": 1, "b": None, "kind": "item", "flag": True},
    {"id": 2, "name": {"x": "é"}, "tags": [], "b": False, "kind": None, "flag": "true"},
    {"id": 2**63 + 1, "name": None, "tags": "no", "a.b": [1], "kind": "", "flag": False},
    {"id": None, "tags": [[]], "kind": "other", "flag": None},
    {"flag": 0},
]


@pytest.mark.parametrize("env_access", [True, False])
@pytest.mark.parametrize("query", ["true", ".flag", ".id > 1", "empty", "(.flag|not)"])
@pytest.mark.parametrize("name", list(EDGE_MAPPINGS))
async def test_edge_mappings(
    name: str, query: str, env_access: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    mappings = {"blueprint": '"item"', **EDGE_MAPPINGS[name]}
    resource = {"kind": "/x", "port": {"entity": {"mappings": mappings}}}
    with ocean_for_mapping(monkeypatch, env_access):
        theirs, ours, processor = await run_both(resource_config(resource, query), EDGE_ITEMS)
    assert ours == theirs
    assert bool(processor.fallback_pages) == name.startswith("falls back")


async def test_a_page_jq_cannot_take_goes_through_oceans_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A datetime is not JSON: Ocean converts it per item (`make_json_compatible`); the page
    program cannot take the page, so Ocean's path maps it, counted."""
    mappings = {"identifier": ".id|tostring", "blueprint": '"item"', "title": ".at"}
    resource = {"kind": "/x", "port": {"entity": {"mappings": mappings}}}
    items = [*EDGE_ITEMS, {"id": 9, "at": datetime(2024, 1, 2, 3, 4, tzinfo=UTC)}]
    with ocean_for_mapping(monkeypatch):
        theirs, ours, processor = await run_both(resource_config(resource, "true"), items)
    assert ours == theirs
    assert processor.fallback_pages == {"/x": 1}


@pytest.mark.parametrize("query", ["true", ".flag"])
async def test_parse_all_keeps_items_that_fail_the_selector(
    query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    mappings = {"identifier": ".id|tostring", "blueprint": '"item"', "title": ".name"}
    resource = {"kind": "/x", "port": {"entity": {"mappings": mappings}}}
    with ocean_for_mapping(monkeypatch):
        theirs, ours, _ = await run_both(resource_config(resource, query), EDGE_ITEMS, True)
    assert ours == theirs


async def test_required_fields_are_errors_as_ocean_logs_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the blueprint from Port, a misconfigured required property is an ERROR line."""
    mappings = {
        "identifier": ".id|tostring",
        "blueprint": '"item"',
        "properties": {"needed": ".missing", "optional": ".other"},
    }
    resource = {"kind": "/x", "port": {"entity": {"mappings": mappings}}}
    blueprint = Blueprint.parse_obj(
        {"identifier": "item", "schema": {"required": ["needed"]}, "relations": {}}
    )
    with ocean_for_mapping(monkeypatch) as app:
        app.port_client.get_blueprint = AsyncMock(return_value=blueprint)
        theirs, ours, _ = await run_both(resource_config(resource, "true"), EDGE_ITEMS)
    assert ours == theirs
    assert any(line.startswith("ERROR|") and "needed" in line for line in ours["warnings"])
