"""Run Ocean's `JQEntityProcessor` and ours on the same page and read a verdict from each.

Both run as Ocean runs them, under an Ocean context whose configuration (process-pool size,
timeout, `$ENV` access) is set here and whose Port client has no blueprint to offer (Ocean then
logs every misconfiguration as a warning): a unit-level stand-in, as Ocean's own processor
tests use. Ocean's processor maps in forked workers; their log lines are caught through a file
descriptor the forks inherit, so the verdicts compare warnings from both.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import pytest
from loguru import logger
from port_ocean.context import ocean as ocean_context
from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.ocean_types import CalculationResult

from entity_mapping.processor import PageEntityProcessor

Verdict = dict[str, Any]


@contextmanager
def ocean_for_mapping(
    monkeypatch: pytest.MonkeyPatch, env_access: bool = True
) -> Iterator[MagicMock]:
    app = MagicMock()
    app.config.process_in_queue_max_workers = 1
    app.config.process_in_queue_timeout = 60
    app.config.allow_environment_variables_jq_access = env_access
    app.port_client.get_blueprint = AsyncMock(side_effect=RuntimeError("no Port here"))
    monkeypatch.setattr(ocean_context, "_port_ocean", ocean_context.PortOceanContext(app))
    yield app


@contextmanager
def warnings_logged() -> Iterator[list[str]]:
    """WARNING and above, from this process and its forks, as `LEVEL|message` lines."""
    lines: list[str] = []
    with tempfile.TemporaryFile() as file:
        descriptor = os.dup(file.fileno())
        os.set_blocking(descriptor, True)

        def sink(message: Any) -> None:
            os.write(descriptor, str(message).encode())

        sink_id = logger.add(sink, level="WARNING", format="{level}|{message}\x00")
        try:
            yield lines
        finally:
            logger.remove(sink_id)
            os.close(descriptor)
            file.seek(0)
            lines.extend(x for x in file.read().decode().split("\x00") if x.strip())


def resource_config(resource: dict[str, Any], query: str | None = None) -> ResourceConfig:
    written = dict(resource)
    selector = dict(written.get("selector") or {})
    selector["query"] = query if query is not None else str(selector.get("query", "true"))
    written["selector"] = {"query": selector["query"]}
    return ResourceConfig.parse_obj({**written, "kind": str(written.get("kind", "kind"))})


def verdict(result: CalculationResult, warnings: list[str]) -> Verdict:
    """Everything a resync takes from a page's mapping, types kept (True is not 1)."""
    diff = result.entity_selector_diff

    def shown(entities: list[Any]) -> list[str]:
        return [
            json.dumps([type(e).__name__, e.dict(exclude_unset=True), e.dict()], default=repr)
            for e in entities
        ]

    return {
        "passed": shown(diff.passed),
        "failed": shown(diff.failed),
        "misconfigured": list(result.misconfigured_entity_keys.items()),
        "errors": [f"{type(e).__name__}: {e}" for e in result.errors],
        "warnings": sorted(line.strip() for line in warnings),
    }


async def run_both(
    mapping: ResourceConfig, items: list[Any], parse_all: bool = False
) -> tuple[Verdict, Verdict, PageEntityProcessor]:
    """(Ocean's verdict, ours, our processor) for one page."""
    ours = PageEntityProcessor(MagicMock())
    with warnings_logged() as ocean_warnings:
        theirs = await JQEntityProcessor(MagicMock())._parse_items(mapping, items, parse_all)
    with warnings_logged() as our_warnings:
        mine = await ours._parse_items(mapping, items, parse_all)
    return verdict(theirs, ocean_warnings), verdict(mine, our_warnings), ours
