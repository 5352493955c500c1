"""The preview's summary table never cuts a kind (issue 22 item 7): whole on its line in a log
or a pipe, folded (not "…") on a narrow terminal."""

from __future__ import annotations

import io
import re
import time

import pytest
from rich.console import Console

from preview.model import PreviewReport, ResourceReport
from preview.render import Progress, render_report

KIND = "/api/v2/organizations/acme/projects/a-long-resource-name/with/many/segments/items.json"


def rendered(terminal: bool) -> str:
    report = PreviewReport("https://api.example.com", "settings.yml")
    report.resources.append(ResourceReport(index=0, kind=KIND, blueprint="item"))
    screen = io.StringIO()
    console = Console(file=screen, width=80, force_terminal=terminal, highlight=False)
    render_report(report.to_json(), 0, console)
    return screen.getvalue()


def test_a_log_gets_every_kind_whole_on_its_line() -> None:
    (row,) = [line for line in rendered(False).splitlines() if KIND in line]
    assert "ok" in row and "…" not in row


@pytest.mark.parametrize("terminal", [True, False])
def test_no_kind_is_cut_to_an_ellipsis(terminal: bool) -> None:
    text = rendered(terminal)
    summary = text[text.index("Summary") :]
    assert "…" not in summary
    cells = [line.split("│")[1].strip() for line in summary.splitlines() if line.count("│") > 2]
    assert KIND in "".join(cells)


def test_the_live_line_shows_the_rate_and_an_eta_to_the_stated_total() -> None:
    screen = io.StringIO()
    console = Console(file=screen, width=160, force_terminal=True)
    report = ResourceReport(index=0, kind="/items", blueprint="item")
    with Progress(enabled=True, console=console, max_items=500) as progress:
        progress.started(report)
        time.sleep(0.05)
        report.items, report.expected_items = 100, 10_000
        progress.changed(report)
        assert progress._progress is not None
        detail = progress._progress.tasks[0].fields["detail"]
    assert re.search(r"100 items · \d+ items/s · ETA \d+s$", detail), detail
    report.expected_items = None
    assert "ETA" not in Progress(enabled=False)._pace(report, 1.0)
