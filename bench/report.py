"""Tables and the targets of issues 8 and 16, read off one run's rows (ratios only within the
same run)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.scenarios import Sizes
from bench.styles import ADDRESSABLE, STYLES

Row = dict[str, Any]
# The groups (bench/scenarios.py) each target is read from.
NEEDS = {
    "a": ("pipeline",),
    "b": ("styles",),
    "c": ("parallel",),
    "b-cpu": ("styles",),
    "d": ("memory",),
    "e": ("memory",),
    "fan-out": ("fan_out",),
    "16-fan-out": ("fan_out",),
    "16-latency": ("defaults",),
    "16-0ms": ("defaults",),
    "16-past-end": ("defaults",),
}
UNITS = {"e": " MB", "16-past-end": " requests"}
LABELS = {
    "idle": "imports only (RSS floor)",
    "ours": "ours: ApiClient.iter_items",
    "ours_read_ahead": "ours: read_ahead(iter_items)",
    "resync": "Ocean resync (main.py handler)",
    "resync_memory": "Ocean resync, pages from memory",
    "huge_ours": "ours: one huge array",
    "huge_httpx_stream": "plain httpx + ijson stream",
    "fan_out_httpx_seq": "plain httpx, one after another",
    "fan_out_httpx_concurrent": "plain httpx, N in flight",
    "fan_out_ours": "ours: fan_out.FanOut engine",
    "resync_fan_out": "Ocean resync, path_parameters",
    "resync_fan_out_memory": "Ocean resync, the same from memory",
}


def ok(row: Row | None) -> bool:
    return row is not None and "seconds" in row and "error" not in row


def rate(row: Row | None) -> float | None:
    return row["items"] / row["seconds"] if ok(row) and row and row["seconds"] else None


def _num(value: float | None, digits: int = 0, suffix: str = "") -> str:
    return "-" if value is None else f"{value:,.{digits}f}{suffix}"


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def render(headers: Sequence[str], lines: list[list[str]]) -> str:
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *lines, strict=True)
    ]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += [
        "  ".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    ]
    return "\n".join(line.rstrip() for line in out)


def note(row: Row) -> str:
    if "error" in row or "skipped" in row:
        return str(row.get("error") or row.get("skipped"))[:90]
    if row.get("expected") and row.get("items") != row["expected"]:
        return f"MISMATCH: expected {row['expected']} items"
    return ""


def style_table(rows: dict[str, Row], group: str, latency: float, c: int) -> str:
    def get(style: str, mode: str) -> Row | None:
        return rows.get(f"{group}/{style}/{mode}@{latency:g}ms")

    lines = []
    for style in STYLES if group == "styles" else ADDRESSABLE:
        ours, ahead, seq = (rate(get(style, m)) for m in ("ours", "ours_read_ahead", "httpx_seq"))
        conc = rate(get(style, "httpx_concurrent"))
        mine = get(style, "ours") or {}
        lines.append(
            [
                style,
                _num(ours),
                _num(ahead),
                _num(seq),
                _num(conc),
                _num(_div(ours, seq), 2, "x"),
                _num(_div(ahead, seq), 2, "x"),
                _num(_div(conc, seq), 2, "x"),
                _num(mine.get("peak_rss_mb"), 0),
                str(mine.get("requests", "-")),
                "; ".join(
                    filter(
                        None,
                        (
                            note(get(style, m) or {})
                            for m in ("ours", "ours_read_ahead", "httpx_seq", "httpx_concurrent")
                        ),
                    )
                ),
            ]
        )
    headers = [
        "style",
        "ours it/s",
        "+read_ahead",
        "httpx seq",
        f"httpx x{c}",
        "ours/seq",
        "ahead/seq",
        f"x{c}/seq",
        "RSS MB",
        "requests",
        "notes",
    ]
    return render(headers, lines)


def rows_table(rows: list[Row]) -> str:
    lines = [
        [
            f"{LABELS.get(r['mode'], r['mode'])} [{r['style']}]",
            f"{r['latency_ms']:g} ms",
            _num(r.get("items")),
            _num(r.get("seconds"), 2),
            _num(rate(r)),
            _num(r.get("peak_rss_mb"), 0),
            str(r.get("requests", "-")),
            str(r.get("peak_in_flight", "-")),
            note(r),
        ]
        for r in rows
    ]
    headers = [
        "measurement",
        "latency",
        "items",
        "seconds",
        "items/s",
        "RSS MB",
        "requests",
        "in flight",
        "notes",
    ]
    return render(headers, lines)


@dataclass
class _Targets:
    """Collects targets; a figure that is missing or failed gives "n/a", not a verdict."""

    rows: dict[str, Row]
    found: list[dict[str, Any]] = field(default_factory=list)

    def secs(self, key: str) -> float | None:
        row = self.rows.get(key)
        return float(row["seconds"]) if row is not None and ok(row) else None

    def rss(self, key: str) -> float | None:
        row = self.rows.get(key)
        return row.get("peak_rss_mb") if row is not None and ok(row) else None

    def rate(self, key: str) -> float | None:
        return rate(self.rows.get(key))

    def cpu(self, key: str) -> float | None:
        row = self.rows.get(key)
        return row.get("cpu_seconds") if row is not None and ok(row) else None

    def add(self, name: str, text: str, value: float | None, limit: float, below: bool) -> None:
        passed = None if value is None else (value <= limit if below else value >= limit)
        unit = UNITS.get(name, "x")
        self.found.append(
            {
                "needs": NEEDS[name],
                "target": name,
                "text": text,
                "value": value,
                "limit": f"{'<=' if below else '>='} {limit:g}{unit}",
                "pass": passed,
            }
        )


def targets(rows: dict[str, Row], sizes: Sizes) -> list[dict[str, Any]]:
    found = _Targets(rows)
    for check in (_pipeline, _throughput, _memory, _fan_out, _documented):
        check(found, sizes)
    return found.found


def _pipeline(t: _Targets, s: Sizes) -> None:
    late, n = f"{s.pipeline_latency_ms:g}ms", s.pipeline_items
    memory = t.secs("pipeline/page/resync_memory@0ms")
    page = _div(t.secs(f"pipeline/page/resync@{late}"), memory)
    t.add("a", f"pipeline {n} items, page style @{late} / from memory", page, 1.2, True)
    chain = t.secs(f"pipeline/cursor/ours@{late}")
    floor = max(chain, memory) if chain is not None and memory is not None else None
    cursor = _div(t.secs(f"pipeline/cursor/resync@{late}"), floor)
    text = f"pipeline {n} items, cursor @{late} / max(fetch chain alone, from memory)"
    t.add("a", text, cursor, 1.1, True)


def _throughput(t: _Targets, s: Sizes) -> None:
    for style in ("cursor", "next_link", "header_link"):
        for mode in ("ours", "ours_read_ahead"):
            base = t.rate(f"styles/{style}/httpx_seq@0ms")
            ratio = _div(t.rate(f"styles/{style}/{mode}@0ms"), base)
            text = f"{style} {s.items} items @0ms, {mode} / plain httpx sequential"
            t.add("b", text, ratio, 0.8, False)
        # The same comparison in the client's own CPU seconds (plain ÷ ours: items per CPU
        # second), which the machine's other work and the API server's speed barely move.
        cpu = _div(t.cpu(f"styles/{style}/httpx_seq@0ms"), t.cpu(f"styles/{style}/ours@0ms"))
        t.add("b-cpu", f"{style} @0ms, client CPU: plain httpx / ours", cpu, 0.8, False)
    late = f"{s.latency_ms:g}ms"
    for style in ADDRESSABLE:
        for mode in ("ours", "ours_read_ahead"):
            base = t.rate(f"parallel/{style}/httpx_seq@{late}")
            ratio = _div(t.rate(f"parallel/{style}/{mode}@{late}"), base)
            text = f"{style} {s.parallel_items} items @{late}, c={s.concurrency}: {mode} / "
            t.add("c", text + "one after another", ratio, 6, False)


def _memory(t: _Targets, s: Sizes) -> None:
    for mode in ("ours", "ours_read_ahead"):
        large = t.rss(f"memory/page {s.items}/{mode}@0ms")
        ratio = _div(large, t.rss(f"memory/page {s.rss_small_items}/{mode}@0ms"))
        text = f"peak RSS {mode}, page: {s.items} / {s.rss_small_items} items"
        t.add("d", text, ratio, 1.15, True)
    text = f"peak RSS, one {s.huge_mb:g} MB array through ours"
    t.add("e", text, t.rss("memory/huge/huge_ours@0ms"), 250, True)


def _fan_out(t: _Targets, s: Sizes) -> None:
    key = f"fan_out/fan_out/{{}}@{s.fan_out_latency_ms:g}ms"
    for mode in ("fan_out_ours", "resync_fan_out"):
        ratio = _div(t.secs(key.format("fan_out_httpx_seq")), t.secs(key.format(mode)))
        text = (
            f"{s.parents} parents @{s.fan_out_latency_ms:g}ms: one after another / {mode} "
            f"(close to {s.concurrency}x: at least 0.7 of it)"
        )
        t.add("fan-out", text, ratio, 0.7 * s.concurrency, False)
    ratio = _div(t.secs(key.format("resync_fan_out")), t.secs(key.format("resync_fan_out_memory")))
    text = f"{s.parents} parents @{s.fan_out_latency_ms:g}ms: resync / the same from memory"
    t.add("16-fan-out", text, ratio, 1.3, True)


def _documented(t: _Targets, s: Sizes) -> None:
    """Issue 16, on the page style as Port documents it (the `defaults` group)."""
    late, n = f"{s.pipeline_latency_ms:g}ms", s.pipeline_items
    ratio = _div(t.secs(f"defaults/page/resync@{late}"), t.secs("defaults/page/resync@0ms"))
    text = f"documented config, {n} items, resync @{late} / the same @0ms"
    t.add("16-latency", text, ratio, 1.2, True)
    big = f"defaults/page {s.items}"
    ratio = _div(t.rate(f"{big}/ours@0ms"), t.rate(f"{big} p1/ours@0ms"))
    text = f"documented config, {s.items} items @0ms, items/s: as configured / parallelPages 1"
    t.add("16-0ms", text, ratio, 0.95, False)
    for key, row in sorted(t.rows.items()):
        if row["group"] == "defaults" and ok(row) and "p1" not in key:
            # The has-more flag ends the run on the last page: a sequential run asks for
            # exactly this many pages; whatever else the API received was past the end.
            past = row["requests"] - math.ceil(row["expected"] / row["page_size"])
            text = f"requests past the end, {key} (window {s.concurrency})"
            t.add("16-past-end", text, past, s.concurrency - 1, True)


def targets_text(found: list[dict[str, Any]]) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "n/a"}
    lines = []
    for t in found:
        value = "-" if t["value"] is None else f"{t['value']:.2f}"
        lines.append(f"({t['target']}) {t['text']}: {value} ({t['limit']}) {verdict[t['pass']]}")
    return "\n".join(lines)
