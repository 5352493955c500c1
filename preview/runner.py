"""One preview run: the real Ocean app (Port mocked by `port_ocean.integration_testing`), the
integration's real `main.py`, and the recorder watching it."""

from __future__ import annotations

import contextlib
import inspect
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

from loguru import logger
from port_ocean.context.ocean import ocean
from port_ocean.core.incremental.cursor_context import with_active_incremental_cursor
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from connection.pagination_settings import PaginationSettings
from core.redaction import Redactor
from fetching import http_factory
from preview.model import PreviewReport, ResourceReport
from preview.recorder import Limits, Listener, Recorder
from preview.sources import SettingsInput
from resync import read_ahead

ROOT = Path(__file__).resolve().parent.parent


async def run_preview(
    inputs: SettingsInput,
    port_app_config: dict[str, Any],
    limits: Limits,
    listener: Listener | None = None,
    incremental_since: datetime | None = None,
) -> PreviewReport:
    redact = Redactor(inputs.settings.secrets)
    recorder = Recorder(redact, limits, listener)
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=port_app_config,
        # Every API call goes through the integration's own transport; anything reaching
        # Ocean's shared third-party client would be a bug, so it fails loudly.
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={
            # One page at a time: parallel pages would request past --max-pages.
            "integration": {
                "identifier": "preview",
                "type": "custom",
                "config": {**inputs.raw, "parallel_pages": "1"},
            },
            "caching_storage_mode": "memory",
        },
    )
    sink = logger.add(recorder.sink, level="DEBUG", filter=recorder.wants, catch=False)
    instrumented = recorder.instrument(http_factory.build_http_client)
    sequential = _one_page_at_a_time(PaginationSettings.merged)
    try:
        with (
            _ocean_process_state(),
            patch.object(http_factory, "build_http_client", instrumented),
            patch.object(PaginationSettings, "merged", sequential),
        ):
            await harness.start()
            try:
                with contextlib.ExitStack() as attached:
                    _attach(recorder, harness, attached)
                    if incremental_since is not None:  # Ocean's cursor, as in an incremental run
                        attached.enter_context(with_active_incremental_cursor(incremental_since))
                    result = await harness.trigger_resync()
            finally:
                await harness.shutdown()
    finally:
        logger.remove(sink)
    report = PreviewReport(inputs.settings.base_url, inputs.source, recorder.resources)
    attributed = {id(error) for error in recorder.errors_seen}
    report.errors = [redact(str(e)) for e in result.errors if id(e) not in attributed]
    return report


Merge = Callable[[PaginationSettings, Any], PaginationSettings]


def _one_page_at_a_time(merge: Merge) -> Merge:
    """A resource's own pagination (selector.pagination), validated as in a resync, but with
    parallelPages 1 like the connection's here: pages sent ahead would pass --max-pages."""

    def merged(settings: PaginationSettings, overrides: Any) -> PaginationSettings:
        return merge(settings, overrides).model_copy(update={"parallel_pages": 1})

    return merged


def _attach(
    recorder: Recorder, harness: IntegrationTestHarness, stack: contextlib.ExitStack
) -> None:
    """Put the recorder between Ocean and the integration, for this run only."""
    integration = ocean.integration
    upserted = harness.port_mock.upserted_entities
    process_resource = integration.process_resource
    parse_items = integration.entity_processor.parse_items

    async def observed_process(resource: Any, index: int, *args: Any) -> Any:
        report = recorder.begin(index, resource)
        mark = len(upserted)  # Ocean upserts each batch right after mapping it
        entities, errors = await process_resource(resource, index, *args)
        report.entities = list(upserted[mark:])
        _check_identifiers(report)
        recorder.end(report, _leaves(errors))
        return entities, errors

    async def observed_parse(mapping: Any, items: Any, parse_all: bool = False) -> Any:
        return await recorder.observe_mapping(parse_items, mapping, items, parse_all)

    stack.enter_context(patch.object(integration, "process_resource", observed_process))
    stack.enter_context(patch.object(integration.entity_processor, "parse_items", observed_parse))
    # No page past the preview's limits: the resync must not read ahead of the recorder.
    stack.enter_context(patch.object(read_ahead, "PAGES_AHEAD", 0))
    for kind, handlers in integration.event_strategy.resync.items():
        limited = [recorder.limit(h) if inspect.isasyncgenfunction(h) else h for h in handlers]
        stack.enter_context(patch.dict(integration.event_strategy.resync, {kind: limited}))


def _leaves(errors: Sequence[BaseException]) -> list[BaseException]:
    leaves: list[BaseException] = []
    for error in errors:
        if isinstance(error, BaseExceptionGroup):
            leaves.extend(_leaves(list(error.exceptions)))
        else:
            leaves.append(error)
    return leaves


def _check_identifiers(report: ResourceReport) -> None:
    """Identifiers Ocean lets through but that are almost certainly a mapping mistake."""
    nulls = [e for e in report.entities if e.get("identifier") in ("null", "None")]
    if nulls:
        report.warnings.append(
            f"{len(nulls)} entities have the identifier 'null' as text: the identifier "
            "expression turned a missing value into text (e.g. .id | tostring on an item "
            "without id): check the path against the raw items"
        )
    numbers = [e for e in report.entities if isinstance(e.get("identifier"), int | float)]
    if numbers:
        report.warnings.append(
            f"{len(numbers)} entities have a number as identifier (e.g. "
            f"{numbers[0]['identifier']}): Port identifiers are text; map it with | tostring"
        )


@contextlib.contextmanager
def _ocean_process_state() -> Iterator[None]:
    """Ocean reads ./.env, ./config.yaml and .port/ from the working directory, and every
    OCEAN__* variable: run from the integration root, with the settings passed explicitly
    and no other OCEAN__* variable steering the mocked app."""
    saved_env = {k: v for k, v in os.environ.items() if k.startswith("OCEAN__")}
    saved_cwd = Path.cwd()
    for name in saved_env:
        del os.environ[name]
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.update(saved_env)
