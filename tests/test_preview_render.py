"""The preview's summary table never cuts a kind (issue 22 item 7): whole on its line in a log
or a pipe, folded (not "…") on a narrow terminal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from preview.model import PreviewReport, ResourceReport
from preview.render import render_report

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
