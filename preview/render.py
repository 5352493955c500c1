"""The preview's human output: a live progress display while it runs, then the report."""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any

from rich.console import Console, JustifyMethod, OverflowMethod
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from core.redaction import Redactor
from preview.model import FAILED, OK, ResourceReport

MAX_REQUESTS_SHOWN = 12
STATUS_STYLE = {OK: ("ok", "green"), FAILED: ("FAILED", "bold red")}


class Progress:
    """A rich progress line per resource (requests, pages, items), on stderr."""

    def __init__(self, enabled: bool, console: Console | None = None, max_items: int = 0) -> None:
        self._max_items = max_items  # the preview's --max-items: where the ETA aims (0: none)
        self._progress = (
            RichProgress(
                SpinnerColumn(finished_text="•"),
                TextColumn("{task.description}"),
                TextColumn("[dim]{task.fields[detail]}"),
                TimeElapsedColumn(),
                console=console or Console(stderr=True),
                transient=True,
            )
            if enabled
            else None
        )
        self._tasks: dict[int, TaskID] = {}

    def __enter__(self) -> Progress:
        if self._progress:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress:
            self._progress.stop()

    def started(self, report: ResourceReport) -> None:
        if self._progress:
            description = escape(report.kind)  # a kind may hold [brackets]
            self._tasks[report.index] = self._progress.add_task(description, detail="", total=None)

    def changed(self, report: ResourceReport) -> None:
        if self._progress and report.index in self._tasks:
            task = self._tasks[report.index]
            detail = (
                f"{len(report.requests)} requests · {len(report.pages)} pages · "
                f"{report.items} items" + self._pace(report, self._progress.tasks[task].elapsed)
            )
            self._progress.update(task, detail=detail)

    def _pace(self, report: ResourceReport, elapsed: float | None) -> str:
        """` · 410 items/s · ETA 12s` (the ETA when the API stated how many items it has)."""
        if not elapsed or not report.items:
            return ""
        rate = report.items / elapsed
        target = report.expected_items
        if target is not None and self._max_items:
            target = min(target, self._max_items)
        eta = f" · ETA {max(target - report.items, 0) / rate:.0f}s" if target else ""
        return f" · {rate:.0f} items/s{eta}"

    def finished(self, report: ResourceReport) -> None:
        self.changed(report)
        if self._progress and report.index in self._tasks:
            self._progress.update(self._tasks[report.index], total=1, completed=1)


def render_report(data: dict[str, Any], samples: int, console: Console | None = None) -> None:
    """Print a report given as its (already redacted) JSON form, so text and --json agree."""
    out = console or Console(highlight=False, soft_wrap=True)

    def say(text: str, style: str = "") -> None:
        out.print(Text(text, style=style))

    say(f"Preview of {data['base_url']} (settings from {data['settings_source']})", "bold")
    resources = data["resources"]
    for position, resource in enumerate(resources, start=1):
        say("")
        say(_title(resource, position, len(resources)), _status(resource["status"])[1])
        _render_fetch(resource, say)
        _render_mapping(resource, samples, say)
    for error in data["errors"]:
        say(f"Resync error: {error}", "red")
    say("")
    _print_whole(out, _summary(resources))
    verdict = "All resources OK" if data["ok"] else "Some resources FAILED (exit status 1)"
    say(verdict, "bold green" if data["ok"] else "bold red")


def _title(resource: dict[str, Any], position: int, total: int) -> str:
    label = _status(resource["status"])[0]
    return f"[{position}/{total}] {resource['kind']} → blueprint {resource['blueprint']}: {label}"


def _render_fetch(resource: dict[str, Any], say: Any) -> None:
    requests = resource["requests"]
    say(f"  Requests ({len(requests)}):")
    for request in requests[:MAX_REQUESTS_SHOWN]:
        status = request["status"] if request["status"] is not None else "no response"
        took = request["duration_ms"]  # None when no response came (refused, timed out)
        duration = f" {took:.0f} ms" if took is not None else ""
        say(f"    {request['method']} {request['url']} → {status}{duration}")
    if len(requests) > MAX_REQUESTS_SHOWN:
        say(f"    … {len(requests) - MAX_REQUESTS_SHOWN} more (--json lists all)")
    pages = resource["pages"]
    counts = ", ".join(f"p{page['page']}: {page['items']}" for page in pages[:30])
    more = " …" if len(pages) > 30 else ""
    where = f"data_path {resource['data_path']}" if resource["data_path"] else "no data_path"
    say(f"  Items per page ({where}): {counts or 'no page'}{more}")
    for reason in resource["stop_reasons"]:
        say(f"  Pagination stopped: {reason}", "yellow" if reason.startswith("UNCERTAIN") else "")
    if resource["error"]:
        say(f"  Error: {resource['error']}", "red")


def _render_mapping(resource: dict[str, Any], samples: int, say: Any) -> None:
    entities, failed = resource["entities"], resource["failed_mapping"]
    say(
        f"  Items: {resource['items']} raw → {len(entities)} entities; "
        f"{resource['filtered_out']} filtered out by selector.query; {failed} failed mapping"
    )
    for warning in resource["warnings"]:
        say(f"  warning: {warning}", "yellow")
    _samples("Raw items", resource["raw_samples"], resource["items"], samples, say)
    _samples("Entities Port would receive", entities, len(entities), samples, say)
    if failed:
        say(f"  Items that failed mapping ({failed}):", "yellow")
        for failure in resource["mapping_failures"]:
            say(f"    - {_compact(failure['item'])}")
            say(f"      reason: {failure['reason']}")
        if resource["undiagnosed_failures"]:
            say(f"    … and {resource['undiagnosed_failures']} more, not diagnosed one by one")


def _samples(title: str, values: list[Any], total: int, samples: int, say: Any) -> None:
    if not values or not samples:
        return
    shown = values[:samples]
    say(f"  {title} (first {len(shown)} of {total}):")
    for value in shown:
        say("    " + _compact(value))


def redact_tree(value: Any, redact: Redactor) -> Any:
    """Mask secrets in every string of a JSON-like value (keys included), before it is
    serialised: a secret holding a quote would not match once JSON-escaped."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): redact_tree(v, redact) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_tree(v, redact) for v in value]
    return value


def _summary(resources: list[dict[str, Any]]) -> Table:
    table = Table(title="Summary", title_justify="left")
    for column in ("kind", "status", "requests", "pages", "items", "entities", "failed mapping"):
        justify: JustifyMethod = "left" if column in ("kind", "status") else "right"
        # A kind too long for a terminal folds onto more lines: never cut to "…".
        overflow: OverflowMethod = "fold" if column == "kind" else "ellipsis"
        table.add_column(column, justify=justify, no_wrap=column != "kind", overflow=overflow)
    for r in resources:
        label, style = _status(r["status"])
        counts = (len(r["requests"]), len(r["pages"]), r["items"], len(r["entities"]))
        table.add_row(
            Text(r["kind"]), Text(label, style=style), *map(str, counts), str(r["failed_mapping"])
        )
    return table


def _print_whole(out: Console, table: Table) -> None:
    """Print a table without cutting its kind column. A terminal's width is real: a long kind
    folds onto more lines there. Anything else (a CI log, a pipe) has no width: the table gets
    the width it needs, so each kind stays whole on its line, searchable."""
    if out.is_terminal:
        out.print(table)
        return
    needed = Measurement.get(out, out.options.update(width=100_000), table).maximum
    wide = Console(file=out.file, width=max(needed, out.width), highlight=False, no_color=True)
    wide.print(table)  # out.print would clamp the width to the console's


def _status(status: str) -> tuple[str, str]:
    return STATUS_STYLE.get(status, ("MAPPING FAILURES", "bold yellow"))


def _compact(value: Any, limit: int = 400) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit] + "…"
