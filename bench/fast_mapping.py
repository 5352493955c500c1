"""Whole `ocean sail --once`, Ocean's code path against the integration's (issue 21):

    python -m bench.fast_mapping --items 20000,100000 --rounds 2,1 [--modes ocean,mapping,all]
        [--port-latency-ms 30]

Modes (`MODES`): `ocean` — Ocean's mapping and order, the code path before issue 21
(`OCEAN_CUSTOM_FAST_MAPPING=false`, `OCEAN_CUSTOM_CONCURRENT_PORT_CALLS=false`); `mapping` —
the page-at-a-time mapping alone; `all` — and Port's calls in flight together (`upserts/`).
Per size, runs alternate mode by mode (`--rounds` rounds; interleaved, so a machine that gets
busier slows all alike) against the benchmark API (page style, 0 ms) and a stand-in for Port
holding the catalog, as `bench/sail_rss.py` runs them; `--port-latency-ms` answers every Port
request that much later, as a Port some way off does. From each run's log (Ocean's INFO lines
carry timestamps) the phases are summed over batches:

- mapping: "Starting transform phase" → "Transform phase complete" (the entity processor);
- load: → "Load phase complete" (the comparison search and the bulk upserts to Port; with the
  upserts in the background, the search and any wait for an earlier upsert);
- the rest: start-up, waiting for pages, the last upserts, reconciliation.

Prints the fastest run of each mode, each mode's ratio of wall time to the first mode's and
the mapping phase's items/s; writes `bench/results/fast-mapping-<stamp>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.pipeline import PROPERTIES
from bench.runner import ROOT, ApiServer, ServerSpec
from bench.sail_rss import _env, _free_port, _Port, _watch
from tests.fake_port import FakePort
from tests.ocean_run import mapping, resource

RESULTS = ROOT / "bench" / "results"
_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})")
_MARKS = ("Starting transform phase", "Transform phase complete", "Load phase complete")


def phases(log: str) -> dict[str, float]:
    """Seconds of mapping and load summed over batches, from the log's timestamps."""
    totals = {"mapping_s": 0.0, "load_s": 0.0, "batches": 0}
    last: dict[str, float] = {}
    for line in log.splitlines():
        stamp = _STAMP.match(line)
        mark = next((m for m in _MARKS if m in line), None)
        if not stamp or not mark:
            continue
        at = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        if mark == _MARKS[0]:
            last = {"start": at}
        elif mark == _MARKS[1] and "start" in last:
            totals["mapping_s"] += at - last["start"]
            totals["batches"] += 1
            last["mapped"] = at
        elif mark == _MARKS[2] and "mapped" in last:
            totals["load_s"] += at - last["mapped"]
    return {key: round(value, 2) for key, value in totals.items()}


# mode → (OCEAN_CUSTOM_FAST_MAPPING, OCEAN_CUSTOM_CONCURRENT_PORT_CALLS)
MODES = {
    "ocean": ("false", "false"),  # the code path before issue 21: Ocean's mapping and order
    "mapping": ("true", "false"),  # the page-at-a-time mapping alone
    "all": ("true", "true"),  # the mapping, and Port's calls in flight together (upserts/)
}


def run_once(
    items: int, mode: str, args: argparse.Namespace, logs: Path, turn: int
) -> dict[str, Any]:
    app = mapping(resource("/page", data_path=".data", properties=PROPERTIES))
    spec = ServerSpec(items, args.page_size, states_total=False)
    with ApiServer(spec, logs / f"api-{items}-{mode}-{turn}.log") as api, FakePort(app) as port:
        port.responder = _Port(port, app, items)
        _slow_down(port, args.port_latency_ms / 1000)
        log = logs / f"sail-{items}-{mode}-{turn}.log"
        env = _env(port.url, api.url, args.page_size, {})
        env["OCEAN_CUSTOM_FAST_MAPPING"], env["OCEAN_CUSTOM_CONCURRENT_PORT_CALLS"] = MODES[mode]
        command = [str(ROOT / ".venv" / "bin" / "ocean"), "sail", "-p", str(_free_port())]
        started = time.monotonic()
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
            memory = _watch(process, 1800)
        seconds = time.monotonic() - started
        upserts = port.responder.upserts
    text = log.read_text(errors="replace")
    split = phases(text)
    return {
        "items": items,
        "mode": mode,
        "port_latency_ms": args.port_latency_ms,
        "seconds": round(seconds, 2),
        **split,
        "rest_s": round(seconds - split["mapping_s"] - split["load_s"], 2),
        "mapping_items_per_s": round(items / split["mapping_s"]) if split["mapping_s"] else None,
        "resync_ok": "Resync finished successfully" in text and upserts == items,
        "log": str(log.relative_to(ROOT)),
        **memory,
    }


def _slow_down(port: FakePort, seconds: float) -> None:
    """Every answer of the stand-in Port `seconds` later (its server runs a thread a
    connection, so requests in flight wait side by side, as on a Port far away)."""
    if seconds <= 0:
        return
    answer = port.answer

    def later(request: httpx.Request) -> httpx.Response:
        time.sleep(seconds)
        return answer(request)

    port.answer = later  # type: ignore[method-assign]


def summary(rows: list[dict[str, Any]], items: int, modes: list[str]) -> str:
    best = {
        mode: min(
            (r for r in rows if r["items"] == items and r["mode"] == mode),
            key=lambda r: r["seconds"],
        )
        for mode in modes
    }
    lines = [
        f"{items:,} items, {mode:<7} {row['seconds']:6.1f} s (mapping {row['mapping_s']:.1f} s, "
        f"{row['mapping_items_per_s']:,} items/s; load {row['load_s']:.1f} s; "
        f"rest {row['rest_s']:.1f} s)"
        for mode, row in best.items()
    ]
    base = best[modes[0]]
    lines += [
        f"{items:,} items: {mode}/{modes[0]} wall time {row['seconds'] / base['seconds']:.2f}x, "
        f"mapping phase {row['mapping_s'] / base['mapping_s']:.3f}x"
        for mode, row in best.items()
        if mode != modes[0]
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fast_mapping", description=__doc__)
    parser.add_argument("--items", default="20000,100000", help="comma list of sizes")
    parser.add_argument("--rounds", default="2,1", help="runs of each mode per size, comma list")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument(
        "--modes", default="ocean,all", help=f"comma list of {', '.join(MODES)}; first = base"
    )
    parser.add_argument(
        "--port-latency-ms", type=float, default=0, help="added to every answer of Port"
    )
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.items.split(",")]
    rounds = [int(r) for r in args.rounds.split(",")]
    rounds += [rounds[-1]] * (len(sizes) - len(rounds))
    modes = args.modes.split(",")
    if unknown := [mode for mode in modes if mode not in MODES]:
        parser.error(f"--modes: unknown {unknown}; expected some of {list(MODES)}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    logs = RESULTS / "logs" / f"fast-mapping-{stamp}"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"load at start {os.getloadavg()}", flush=True)
    rows = []
    for items, turns in zip(sizes, rounds, strict=True):
        for turn in range(turns):
            for mode in modes:
                row = run_once(items, mode, args, logs, turn)
                rows.append(row)
                print(json.dumps(row), flush=True)
    text = "\n".join(summary(rows, items, modes) for items in sizes)
    print(text)
    out = RESULTS / f"fast-mapping-{stamp}.json"
    command = " ".join(["python -m bench.fast_mapping", *argv])
    out.write_text(
        json.dumps(
            {"command": command, "load": os.getloadavg(), "rows": rows, "summary": text},
            indent=2,
        )
    )
    print(f"Results: {out.relative_to(ROOT)}")
    return 0 if all(row["resync_ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
