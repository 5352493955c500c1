"""Watching one real resync, per resource, without changing the integration's code.

Ocean processes resources one after another, so "the current resource" is set around each
`process_resource` call and every observation lands there:
- requests: httpx event hooks on the integration's own client (auth calls included);
- pages and stop reasons: the structured fields of the client's page and finish log lines;
- raw items: a wrapper between the resync handler and Ocean, which also applies the preview's
  page and item limits by closing the handler's generator (so no further page is fetched);
- mapping: Ocean's `parse_items`, observed, with failures diagnosed (see `mapping.py`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import loguru

from core.redaction import Redactor
from preview.mapping import diagnose
from preview.model import PageRecord, RequestRecord, ResourceReport, RunRecord

RECORD = "ocean_custom.preview.record"
STARTED = "ocean_custom.preview.started"
Handler = Callable[[str], AsyncGenerator[list[dict[str, Any]]]]


@dataclass(frozen=True)
class Limits:
    max_pages: int = 0  # 0: no limit
    max_items: int = 0
    samples: int = 3


class Listener(Protocol):
    def started(self, report: ResourceReport) -> None: ...
    def changed(self, report: ResourceReport) -> None: ...
    def finished(self, report: ResourceReport) -> None: ...


class Recorder:
    def __init__(self, redact: Redactor, limits: Limits, listener: Listener | None) -> None:
        self.redact, self.limits, self.listener = redact, limits, listener
        self.resources: list[ResourceReport] = []
        self.current: ResourceReport | None = None
        self.errors_seen: list[BaseException] = []  # already attributed to a resource

    # --- resource boundaries -------------------------------------------------------------
    def begin(self, index: int, resource: Any) -> ResourceReport:
        mappings = resource.port.entity.mappings
        blueprint = mappings.blueprint if isinstance(mappings.blueprint, str) else "?"
        report = ResourceReport(
            index=index,
            kind=resource.kind,
            blueprint=blueprint,
            data_path=resource.selector.data_path,
        )
        self.resources.append(report)
        self.current = report
        if self.listener:
            self.listener.started(report)
        return report

    def end(self, report: ResourceReport, errors: list[BaseException]) -> None:
        self.errors_seen.extend(errors)
        if errors:
            report.error = "; ".join(self.redact(str(error)) for error in errors)
        _warn_empty_pages(report)
        self.current = None
        if self.listener:
            self.listener.finished(report)

    def _changed(self) -> None:
        if self.listener and self.current:
            self.listener.changed(self.current)

    # --- HTTP ------------------------------------------------------------------------------
    async def on_request(self, request: httpx.Request) -> None:
        if self.current is None:
            return
        record = RequestRecord(method=request.method, url=self.redact(str(request.url)))
        self.current.requests.append(record)
        request.extensions[RECORD] = record
        request.extensions[STARTED] = time.monotonic()
        self._changed()

    async def on_response(self, response: httpx.Response) -> None:
        record = response.request.extensions.get(RECORD)
        if isinstance(record, RequestRecord):
            started = response.request.extensions.get(STARTED, time.monotonic())
            record.status = response.status_code
            record.duration_ms = round((time.monotonic() - started) * 1000, 1)
            record.body_shape = _shape(response)

    def instrument(self, build: Callable[..., httpx.AsyncClient]) -> Callable[..., Any]:
        """Wrap the integration's client factory so each client reports its requests."""

        def build_observed(*args: Any, **kwargs: Any) -> httpx.AsyncClient:
            client = build(*args, **kwargs)
            hooks = client.event_hooks
            client.event_hooks = {
                "request": [*hooks["request"], self.on_request],
                "response": [*hooks["response"], self.on_response],
            }
            return client

        return build_observed

    # --- log lines -------------------------------------------------------------------------
    def wants(self, record: loguru.Record) -> bool:
        extra = record["extra"]
        if "endpoint_page" in extra or "endpoint_run" in extra:
            return True
        if "kind_summary" in extra or "kind_progress" in extra:
            return False  # the report says all of it; a failure is the resource's error
        own_code = not str(record["name"]).startswith(("port_ocean", "preview", "uvicorn"))
        return own_code and record["level"].no >= loguru.logger.level("WARNING").no

    def sink(self, message: loguru.Message) -> None:
        report, record = self.current, message.record
        if report is None:
            return
        extra = record["extra"]
        if "endpoint_page" in extra:
            page = dict(extra["endpoint_page"])
            total = page.pop("total", None)  # for the live line's ETA
            report.expected_items = total if total is not None else report.expected_items
            report.pages.append(PageRecord(**page))
        if "endpoint_run" in extra:
            report.runs.append(RunRecord(**extra["endpoint_run"]))
        if record["level"].no >= loguru.logger.level("WARNING").no:
            report.warnings.append(self.redact(record["message"]))
        self._changed()

    # --- items and mapping -----------------------------------------------------------------
    def limit(self, handler: Any) -> Handler:
        """The resync handler, fed to Ocean batch by batch until a preview limit is hit."""

        async def limited(kind: str) -> AsyncGenerator[list[dict[str, Any]]]:
            generator: AsyncGenerator[list[dict[str, Any]]] = handler(kind)
            try:
                async for items in generator:
                    batch = self._take(items)
                    if batch:
                        yield batch
                    if self._limit_reached():
                        break
            finally:
                await generator.aclose()  # closes the page loop: no further request

        limited.__qualname__ = handler.__qualname__
        return limited

    def _take(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        report = self.current
        if report is None:
            return items
        room = self.limits.max_items - report.items if self.limits.max_items else len(items)
        batch = items[: max(room, 0)]
        report.items += len(batch)
        report.raw_samples.extend(batch[: max(self.limits.samples - len(report.raw_samples), 0)])
        self._changed()
        return batch

    def _limit_reached(self) -> bool:
        report, limits = self.current, self.limits
        if report is None:
            return False
        if limits.max_items and report.items >= limits.max_items:
            report.limit_reached = f"--max-items {limits.max_items}"
        elif limits.max_pages and len(report.pages) >= limits.max_pages:
            report.limit_reached = f"--max-pages {limits.max_pages}"
        return report.limit_reached is not None

    async def observe_mapping(
        self, parse: Any, mapping: Any, items: list[dict[str, Any]], parse_all: bool
    ) -> Any:
        result = await parse(mapping, items, parse_all)
        if self.current is not None and not parse_all:
            await diagnose(parse, mapping, items, result, self.current)
        return result


def _warn_empty_pages(report: ResourceReport) -> None:
    """Pages where data_path found nothing, in one line (however many pages): expected as the
    last page after full ones, otherwise the endpoint is empty or data_path points at the wrong
    place."""
    shapes = {r.url: r.body_shape for r in report.requests if r.body_shape}
    where = f"data_path {report.data_path!r}" if report.data_path else "the response"
    empty = [page for page in report.pages if not page.items]
    if not empty:
        return
    if empty == report.pages[-1:] and len(report.pages) > 1:
        note = "normal for the last page"
    else:
        note = "if items were expected, data_path does not match the response"
    first = empty[0]
    shape = f"; the response is an {shapes[first.url]}" if first.url in shapes else ""
    if len(empty) == 1:
        pages = f"page {first.page} ({first.url})"
    else:
        numbers = ", ".join(str(page.page) for page in empty[:10])
        more = ", …" if len(empty) > 10 else ""
        pages = f"{len(empty)} pages ({numbers}{more}; first {first.url})"
    report.warnings.append(f"{pages}: {where} matched no items ({note}){shape}")


def _shape(response: httpx.Response) -> str | None:
    """A hint of the body's structure, to compare with data_path (no values: no secrets)."""
    try:
        body = response.json()
    except (httpx.ResponseNotRead, ValueError):
        return None
    if isinstance(body, dict):
        keys = list(body)
        shown = ", ".join(keys[:12]) + (", …" if len(keys) > 12 else "")
        return f"object with keys: {shown}" if keys else "empty object"
    if isinstance(body, list):
        return f"array of {len(body)}"
    return None
