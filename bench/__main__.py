"""The benchmark suite (issue 8): `python -m bench [--quick] [--only GROUPS] [size flags]`.

Starts the benchmark API as a separate process per server configuration, runs every
measurement in its own worker process (peak RSS per measurement), prints the tables and
issue 8's targets, and writes everything to bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.runner import ROOT, ApiServer, run_worker
from bench.scenarios import GROUPS, OPT_IN, QUICK, STYLE_ROUNDS, Measure, Sizes, build

RESULTS = ROOT / "bench" / "results"
SIZE_FLAGS = [f.name for f in fields(Sizes) if f.name not in ("settings", "ocean")]


def parse_args(argv: list[str]) -> tuple[Sizes, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"comma list of {GROUPS + OPT_IN}")
    parser.add_argument("--rss-cap-mb", type=float, default=4096, help="kill a worker above it")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per measurement")
    for name in SIZE_FLAGS:
        kind = type(getattr(Sizes(), name))
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=None)
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra connection setting for our client and the resyncs",
    )
    parser.add_argument(
        "--ocean",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Ocean setting for the resyncs, e.g. upsert_entities_batch_max_length=50",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else Sizes()
    given = {name: getattr(args, name) for name in SIZE_FLAGS if getattr(args, name) is not None}
    sizes = replace(sizes, **given, settings=_pairs(args.setting), ocean=_pairs(args.ocean))
    return sizes, args


def _pairs(items: list[str]) -> dict[str, str]:
    pairs = dict(item.split("=", 1) for item in items if "=" in item)
    if len(pairs) != len(items):
        raise SystemExit(f"expected KEY=VALUE, got {items}")
    return pairs


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    git = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(memory) / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_at_start": os.getloadavg(),
        "git": git,
    }


def run(measures: list[Measure], args: argparse.Namespace, logs: Path) -> list[report.Row]:
    """Every measure, grouped by API server; a measure with several `runs` is run that often,
    round-robin with the others of its server, and its fastest run kept."""
    rows: dict[str, report.Row] = {}
    total = sum(measure.runs for measure in measures)
    done = itertools.count(1)
    for spec, group in itertools.groupby(measures, key=lambda m: m.server):
        batch = list(group)
        with ApiServer(spec, logs / f"server-{len(rows)}.log") as server:
            for turn in range(max(measure.runs for measure in batch)):
                for measure in (m for m in batch if turn < m.runs):
                    row = _measure(measure, server, turn, logs, args)
                    rows[measure.key] = _faster(rows.get(measure.key), row)
                    print(f"[{next(done)}/{total}] {measure.key}: {_progress(row)}", flush=True)
    return list(rows.values())


def _measure(
    measure: Measure, server: ApiServer, turn: int, logs: Path, args: argparse.Namespace
) -> report.Row:
    job = replace(measure.job, base_url=server.url)
    name = measure.key.replace("/", "_").replace("@", "_").replace(" ", "_")
    log = logs / (name + (f"-run{turn + 1}" if measure.runs > 1 else "") + ".log")
    result = run_worker(job, server, log, args.rss_cap_mb, args.timeout)
    return {
        "key": measure.key,
        "group": measure.group,
        "style": measure.key.split("/")[1],
        "mode": job.mode,
        "latency_ms": server.spec.latency_ms,
        "page_size": job.page_size,
        "concurrency": job.concurrency,
        "expected": job.items,
        "settings": job.settings,
        "runs": 1,
        **result,
    }


def _faster(kept: report.Row | None, new: report.Row) -> report.Row:
    """Of two runs of one measure, the faster (a failed run wins: it must show); `runs` counts
    them and `peak_rss_mb` is the highest of them."""
    if kept is None:
        return new
    faster = (
        kept
        if not report.ok(kept) or (report.ok(new) and kept["seconds"] <= new["seconds"])
        else new
    )
    rss = [r["peak_rss_mb"] for r in (kept, new) if r.get("peak_rss_mb") is not None]
    merged = {**faster, "runs": kept["runs"] + 1, "peak_rss_mb": max(rss, default=None)}
    if cpu := [r["cpu_seconds"] for r in (kept, new) if "cpu_seconds" in r]:
        merged["cpu_seconds"] = min(cpu)  # the least costly run, whichever was fastest
    return merged


def _progress(row: report.Row) -> str:
    if not report.ok(row):
        return report.note(row)
    speed = report.rate(row)
    return (
        f"{row['items']} items in {row['seconds']:.2f} s ({speed or 0:,.0f}/s), "
        f"RSS {row.get('peak_rss_mb')} MB, {row['requests']} requests {report.note(row)}"
    )


def main(argv: list[str]) -> int:
    sizes, args = parse_args(argv)
    groups = tuple(g for g in args.only.split(",") if g)
    if unknown := set(groups) - set(GROUPS + OPT_IN):
        allowed = ", ".join(GROUPS + OPT_IN)
        raise SystemExit(f"--only: unknown group(s) {sorted(unknown)}; allowed: {allowed}")
    from connection.settings import ConnectionSettings

    measures = build(sizes, groups, set(ConnectionSettings.model_fields))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    logs = RESULTS / "logs" / stamp
    logs.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(
        f"bench {stamp}: {len(measures)} measurements, groups {', '.join(groups)}; "
        f"{info['cpus']} CPUs ({info['cpu']}), load {info['load_at_start'][0]:.2f}; logs in {logs}"
    )
    started = time.monotonic()
    rows = run(measures, args, logs)
    duration = time.monotonic() - started
    text = tables(rows, sizes, groups)
    print("\n" + text + f"\n\nTotal {duration:.0f} s.")
    by_key = {row["key"]: row for row in rows}
    out = RESULTS / f"{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "started": stamp,
                "duration_s": round(duration, 1),
                "command": " ".join(["python -m bench", *argv]),
                "machine": info,
                "sizes": asdict(sizes),
                "groups": groups,
                "results": rows,
                "targets": report.targets(by_key, sizes),
                "tables": text,
            },
            indent=2,
        )
    )
    print(f"Results: {out.relative_to(ROOT)}")
    return 0 if all(report.ok(row) or "skipped" in row for row in rows) else 1


def tables(rows: list[report.Row], sizes: Sizes, groups: tuple[str, ...]) -> str:
    by_key = {row["key"]: row for row in rows}
    s, parts = sizes, []
    if "styles" in groups:
        parts.append(
            f"== Fetch path by style: {s.items} items, page {s.page_size}, 0 ms, "
            f"fastest of {STYLE_ROUNDS} interleaved runs ==\n"
            + report.style_table(by_key, "styles", 0, s.concurrency)
        )
    if "parallel" in groups:
        parts.append(
            f"== Addressable styles: {s.parallel_items} items, page {s.page_size}, "
            f"{s.latency_ms:g} ms, "
            f"maxConcurrentRequests {s.concurrency} ==\n"
            + report.style_table(by_key, "parallel", s.latency_ms, s.concurrency)
        )
    for group, title in (
        (
            "pipeline",
            f"Full resync through Ocean's harness: {s.pipeline_items} items, page {s.page_size}",
        ),
        (
            "memory",
            f"Memory: {s.rss_small_items} and {s.items} items, one {s.huge_mb:g} MB array",
        ),
        (
            "fan_out",
            f"Fan-out: {s.parents} parents x 1 page of {s.children} children, c={s.concurrency}",
        ),
        (
            "defaults",
            f"As Port documents it (page style, hasMorePath, no totalPath, no parallelPages), "
            f"an API stating no total: {s.pipeline_items} and {s.items} items, "
            f"maxConcurrentRequests {s.concurrency}",
        ),
        ("batches", f"Ocean's settings: {s.batch_items} items from memory through Ocean"),
    ):
        if group in groups:
            parts.append(
                f"== {title} ==\n" + report.rows_table([r for r in rows if r["group"] == group])
            )
    extra = sorted({f"{k}={v}" for row in rows for k, v in row.get("settings", {}).items()})
    parts.append(
        "Connection settings per style: bench/styles.py; added for offset/page or by --setting: "
        + (", ".join(extra) or "none")
    )
    found = [t for t in report.targets(by_key, sizes) if set(t["needs"]) <= set(groups)]
    if found:
        parts.append("== Targets (issues 8 and 16) ==\n" + report.targets_text(found))
    return "\n\n".join(parts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
