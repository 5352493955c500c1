"""What one benchmark run measures: the groups of issue 8's targets, sized from the CLI.

styles    every pagination style, --items at 0 ms: ours, ours+read-ahead, plain httpx
parallel  offset/page, --parallel-items at --latency-ms: ours vs sequential vs concurrent httpx
pipeline  full resyncs through Ocean's harness: page at 0 ms and at --pipeline-latency-ms,
          cursor at --pipeline-latency-ms, the cursor fetch chain alone, and from memory
memory    peak RSS at --rss-small-items (vs the styles group's --items), the import floor,
          and one --huge-mb top-level array (ours, and plain httpx streaming it)
fan_out   --parents x 1 page of children at --fan-out-latency-ms: sequential vs concurrent,
          and the Ocean resync vs the same resync fed from memory
defaults  the configuration people write (issue 16): page style, hasMorePath, no totalPath,
          no parallelPages, an API that states no total: resyncs of --pipeline-items at 0 ms
          and --pipeline-latency-ms, the fetch chain alone at --pipeline-latency-ms, and
          --items at 0 ms as configured and with parallelPages: 1 (the code path of before)
batches   (opt-in) Ocean's own settings: the from-memory resync of --batch-items with other
          batch (page) sizes and JQ worker counts
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bench.job import Job
from bench.runner import ServerSpec
from bench.styles import ADDRESSABLE, STYLES

GROUPS = ("styles", "parallel", "pipeline", "memory", "fan_out", "defaults")
OPT_IN = ("batches",)  # not in the default run: ask for it with --only
BATCH_PAGE_SIZES = (20, 100, 1000)
BATCH_WORKERS = (1, 4)  # Ocean's process_in_queue_max_workers (default: the CPU limit)
FETCH_MODES = ("ours", "ours_read_ahead", "httpx_seq")
# The 0 ms runs are pure CPU on a machine the API server shares: one run swings by 30 %, so
# each is run this many times, interleaved with the others (ours, then the plain baseline, then
# ours again...: a slow spell of the machine hits both), and the fastest run is reported.
STYLE_ROUNDS = 5


@dataclass(frozen=True)
class Sizes:
    items: int = 100_000
    page_size: int = 100
    concurrency: int = 10
    repeat: int = 1  # rounds per fetch measurement (the fastest is reported)
    parallel_items: int = 100_000
    latency_ms: float = 20.0
    pipeline_items: int = 20_000
    pipeline_latency_ms: float = 200.0
    rss_small_items: int = 10_000
    huge_mb: float = 300.0
    parents: int = 2000  # issue 16 part 3
    children: int = 5
    fan_out_latency_ms: float = 20.0
    batch_items: int = 5000
    settings: dict[str, Any] = field(default_factory=dict)  # --setting KEY=VALUE
    ocean: dict[str, Any] = field(default_factory=dict)  # --ocean KEY=VALUE


QUICK = Sizes(
    items=2000,
    parallel_items=1000,
    pipeline_items=200,
    rss_small_items=500,
    huge_mb=5,
    parents=20,
    batch_items=500,
    repeat=3,
)


@dataclass(frozen=True)
class Measure:
    key: str  # group/style/mode, unique in a run
    group: str
    server: ServerSpec
    job: Job
    runs: int = 1  # fresh worker processes, interleaved with the group's others; fastest kept


def known_total(style: str, supported: set[str]) -> dict[str, Any]:
    """Point offset/page at the server's `total` once the settings know the key (issue 8
    part 2); the benchmark API always states it."""
    return {"total_path": "total"} if style in ADDRESSABLE and "total_path" in supported else {}


def build(sizes: Sizes, groups: tuple[str, ...], supported: set[str]) -> list[Measure]:
    measures: list[Measure] = []

    def add(
        group: str,
        server: ServerSpec,
        mode: str,
        style: str = "-",
        tag: str = "",
        runs: int = 1,
        documented: bool = False,  # as Port's docs configure it: no totalPath added
        **job: Any,
    ) -> None:
        extra = {**({} if documented else known_total(style, supported)), **sizes.settings}
        base = Job(mode, style=style if style != "-" else "page", page_size=sizes.page_size)
        base = replace(base, concurrency=sizes.concurrency, repeat=sizes.repeat)
        base = replace(base, settings=extra, ocean=sizes.ocean)
        key = f"{group}/{style}{tag}/{mode}@{server.latency_ms:g}ms"
        measures.append(Measure(key, group, server, replace(base, **job), runs))

    if "styles" in groups:
        server = ServerSpec(sizes.items, sizes.page_size)
        for style in STYLES:
            modes = FETCH_MODES + (("httpx_concurrent",) if style in ADDRESSABLE else ())
            for mode in modes:
                add("styles", server, mode, style, runs=STYLE_ROUNDS, items=sizes.items)
    if "parallel" in groups:
        server = ServerSpec(sizes.parallel_items, sizes.page_size, sizes.latency_ms)
        for style in ADDRESSABLE:
            for mode in (*FETCH_MODES, "httpx_concurrent"):
                add("parallel", server, mode, style, items=sizes.parallel_items)
    if "pipeline" in groups:
        n = sizes.pipeline_items
        idle = ServerSpec(n, sizes.page_size)
        slow = ServerSpec(n, sizes.page_size, sizes.pipeline_latency_ms)
        add("pipeline", idle, "resync_memory", "page", items=n)
        add("pipeline", idle, "resync", "page", items=n)
        add("pipeline", slow, "resync", "page", items=n)
        add("pipeline", slow, "resync", "cursor", items=n)
        add("pipeline", slow, "ours", "cursor", items=n)  # the fetch chain alone
    if "memory" in groups:
        add("memory", ServerSpec(sizes.rss_small_items, sizes.page_size), "idle")
        # The same run at both sizes, one round each in a fresh process: peak RSS compares.
        for items in (sizes.rss_small_items, sizes.items):
            server = ServerSpec(items, sizes.page_size)
            for mode in ("ours", "ours_read_ahead"):
                add("memory", server, mode, "page", f" {items}", items=items, repeat=1)
        huge = ServerSpec(0, sizes.page_size, huge_mb=sizes.huge_mb)
        for mode in ("huge_ours", "huge_httpx_stream"):
            add("memory", huge, mode, "huge")
    if "fan_out" in groups:
        server = ServerSpec(
            0,
            sizes.page_size,
            sizes.fan_out_latency_ms,
            parents=sizes.parents,
            children=sizes.children,
        )
        total = sizes.parents * sizes.children
        for mode in (
            "fan_out_httpx_seq",
            "fan_out_httpx_concurrent",
            "fan_out_ours",
            "resync_fan_out",
            "resync_fan_out_memory",  # issue 16 part 3: the resync ÷ this ≤ 1.3
        ):
            n, per = sizes.parents, sizes.children
            add("fan_out", server, mode, "fan_out", items=total, parents=n, children=per)
    if "defaults" in groups:
        _documented(sizes, add)
    if "batches" in groups:
        n, idle = sizes.batch_items, ServerSpec(0, sizes.page_size)
        for size in BATCH_PAGE_SIZES:
            add(
                "batches",
                idle,
                "resync_memory",
                "page",
                f" pageSize={size}",
                items=n,
                page_size=size,
            )
        for workers in BATCH_WORKERS:
            ocean = {**sizes.ocean, "process_in_queue_max_workers": str(workers)}
            add(
                "batches",
                idle,
                "resync_memory",
                "page",
                f" jqWorkers={workers}",
                items=n,
                ocean=ocean,
            )
    return measures


def _documented(sizes: Sizes, add: Callable[..., None]) -> None:
    """Issue 16's group: the page style exactly as Port documents it, against an API that
    states no total anywhere, so the window has to ramp and find the end by itself."""
    n, late = sizes.pipeline_items, sizes.pipeline_latency_ms
    idle = ServerSpec(n, sizes.page_size, states_total=False)
    slow = ServerSpec(n, sizes.page_size, late, states_total=False)
    add("defaults", idle, "resync", "page", documented=True, items=n)
    add("defaults", slow, "resync", "page", documented=True, items=n)
    add("defaults", slow, "ours", "page", documented=True, items=n)  # the fetch chain alone
    big = ServerSpec(sizes.items, sizes.page_size, states_total=False)
    one = {**sizes.settings, "parallel_pages": "1"}
    for tag, settings in ((f" {sizes.items}", sizes.settings), (f" {sizes.items} p1", one)):
        add(
            "defaults",
            big,
            "ours",
            "page",
            tag,
            runs=STYLE_ROUNDS,
            documented=True,
            items=sizes.items,
            settings=settings,
        )
