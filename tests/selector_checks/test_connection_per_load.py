"""A mapping load reads the running connection once, not once per check of each resource
(selector_checks/pagination_override.py: `selector.pagination`, `paginationLocation: body`
and a page size in `query_params` are all checked against it). A unit test: Ocean's running
state and the settings reader are stand-ins that count."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from connection.settings import ConnectionSettings, load_settings
from integration import EndpointPortAppConfig
from selector_checks import pagination_override
from tests.ocean_run import mapping, resource

CONNECTION = load_settings({"base_url": "https://api.example.com", "pagination_type": "cursor"})


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted: list[int] = []

    def read(_config: Any, _environ: Any) -> ConnectionSettings:
        counted.append(1)
        return CONNECTION

    running = SimpleNamespace(initialized=True, integration_config={})
    monkeypatch.setattr(pagination_override, "ocean", running)
    monkeypatch.setattr(pagination_override, "load_from_ocean", read)
    return counted


def test_every_resource_checks_against_one_reading_of_the_connection(reads: list[int]) -> None:
    paged: dict[str, Any] = {"pagination": {"pageSize": 50}, "query_params": {"status": "open"}}
    config = mapping(*(resource(f"/items/{n}", **paged) for n in range(3)))
    loaded = EndpointPortAppConfig.parse_obj(config)
    assert len(loaded.resources) == 3
    assert len(reads) == 1


def test_outside_a_mapping_load_each_call_reads_afresh(reads: list[int]) -> None:
    assert pagination_override.running_connection() is CONNECTION
    assert pagination_override.running_connection() is CONNECTION
    assert len(reads) == 2
