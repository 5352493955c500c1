"""Runs ONE measurement in a fresh process, so its peak RSS is its own:

    python -m bench.worker '<Job as JSON>' <result.json>

The result file gets `{"items", "seconds", "rounds", "peak_rss_mb"}`, or `{"error"}` /
`{"skipped"}`. `seconds` covers the fetch loop (or Ocean's `trigger_resync`), not the process
start-up; with `repeat` > 1 it is the fastest of the rounds. Fetch modes also give
`cpu_seconds`: the CPU this process spent in its least costly round, which the machine's other
work disturbs far less than wall time.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench import fetch_runs
from bench.job import Job

Counted = Callable[[Job], Awaitable[int]]
Timed = Callable[[Job], Awaitable[tuple[int, list[float]]]]


async def _idle(job: Job) -> int:
    """Nothing fetched: the RSS of the interpreter plus our imports, as a floor."""
    return 0


COUNTED: dict[str, Counted] = {
    "idle": _idle,
    "ours": fetch_runs.ours,
    "ours_read_ahead": partial(fetch_runs.ours, depth=2),
    "httpx_seq": partial(fetch_runs.plain, concurrent=False),
    "httpx_concurrent": partial(fetch_runs.plain, concurrent=True),
    "huge_ours": fetch_runs.huge_ours,
    "huge_httpx_stream": fetch_runs.huge_plain_streamed,
    "fan_out_ours": fetch_runs.fan_out_ours,
    "fan_out_httpx_seq": partial(fetch_runs.fan_out_plain, concurrent=False),
    "fan_out_httpx_concurrent": partial(fetch_runs.fan_out_plain, concurrent=True),
}
TIMED = ("resync", "resync_memory", "resync_fan_out", "resync_fan_out_memory")
MODES = (*COUNTED, *TIMED)


def _timed(mode: str) -> Timed:
    from bench import pipeline  # imports Ocean: only the pipeline modes pay for it

    return {
        "resync": pipeline.resync,
        "resync_memory": pipeline.resync_from_memory,
        "resync_fan_out": pipeline.resync_fan_out,
        "resync_fan_out_memory": pipeline.resync_fan_out_from_memory,
    }[mode]


def configure_logging(mode: str) -> None:
    """INFO, as in production: Ocean's harness leaves loguru at its DEBUG default."""
    if mode in TIMED:
        from port_ocean.log.logger_setup import setup_logger

        setup_logger("INFO", enable_http_handler=False)  # as `ocean sail`, minus shipping to Port
    else:
        from loguru import logger

        logger.remove()
        logger.add(sys.stderr, level="INFO")


async def measure(job: Job) -> tuple[int, list[float], list[float]]:
    """Items, and seconds and CPU seconds per round (a resync: `trigger_resync` again on the app
    booted once; no CPU figure, as Ocean's work is spread over forked processes)."""
    if job.mode in TIMED:
        items, rounds = await _timed(job.mode)(job)
        return items, rounds, []
    rounds, cpu = [], []
    for _ in range(max(1, job.repeat)):
        started, cpu_started = time.perf_counter(), time.process_time()
        items = await COUNTED[job.mode](job)
        rounds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return items, rounds, cpu


def main(argv: list[str]) -> int:
    job, out = Job.from_json(argv[0]), Path(argv[1])
    result: dict[str, Any]
    configure_logging(job.mode)
    try:
        items, rounds, cpu = asyncio.run(measure(job))
        # The fastest round: the one least disturbed by whatever else the machine was doing.
        result = {"items": items, "seconds": round(min(rounds), 4), "rounds": len(rounds)}
        if cpu:
            result["cpu_seconds"] = round(min(cpu), 4)
    except Exception as error:
        skipped = type(error).__name__ == "Skipped"
        result = {"skipped" if skipped else "error": f"{type(error).__name__}: {error}"[:500]}
    # ru_maxrss is in KiB on Linux.
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out.write_text(json.dumps(result))
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
