"""Peak memory of the whole `ocean sail --once` process per catalog size (issue 16 part 4):

    python -m bench.sail_rss --items 10000,100000,300000

For each size: the benchmark API (`bench/api_server.py`, page style, 0 ms) and a stand-in for
Port (`tests/fake_port.py`, served on loopback) are started, then the real `ocean sail --once`
process runs one full resync of `/page` with the pipeline group's mapping, exactly as a
deployment runs it (env vars, INFO logging). Its memory is sampled every 0.1 s:

- `peak RSS`: the Ocean process itself (its `VmHWM`, the kernel's own peak);
- `peak tree`: the most proportional memory (PSS) Ocean and the processes it forks held at
  once — Ocean maps each batch in a process pool it forks for it; PSS counts the pages a fork
  shares with its parent once, as a container's memory limit does.

Port "already holds" the catalog (the steady state of a scheduled resync): its datasource
read at reconciliation (Ocean's, and the shrink guard's) returns one entity per item, 5,000 a
page, while the per-batch comparison search finds nothing, so every entity is upserted.
`--port-holds 0` is a first resync. `--setting KEY=VALUE` adds a connection setting (e.g.
`max_deletion_share=100`, the shrink guard off). Writes `bench/results/sail-rss-<stamp>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.pipeline import PROPERTIES
from bench.runner import ROOT, ApiServer, ServerSpec
from tests.fake_port import FakePort, _Responder
from tests.ocean_run import mapping, resource

RESULTS = ROOT / "bench" / "results"
PAGE = 5_000  # Port's datasource-entities page (port_ocean's DATASOURCE_ENTITIES_PAGE_SIZE)


class _Port(_Responder):
    """Port holding `holds` entities of blueprint `item`; upserts are counted, not kept."""

    def __init__(self, port: FakePort, app: dict[str, Any], holds: int) -> None:
        self.holds, self.upserts = holds, 0
        super().__init__(port, app, "my-custom-integration", [])

    def _handle_datasource_entities(self, request: httpx.Request) -> dict[str, Any]:
        start = int(json.loads(request.content).get("from") or 0)
        stop = min(start + PAGE, self.holds)
        entities = [{"identifier": str(i), "blueprint": "item"} for i in range(start, stop)]
        next_from = str(stop) if stop < self.holds else None
        return {"json": {"ok": True, "entities": entities, "next": next_from}}

    def _handle_bulk_upsert(self, request: httpx.Request) -> dict[str, Any]:
        entities = json.loads(request.content)["entities"]
        self.upserts += len(entities)
        answer = [
            {"index": i, "status": "SUCCESS", "identifier": e.get("identifier", "")}
            for i, e in enumerate(entities)
        ]
        return {"json": {"entities": answer, "errors": []}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(port_url: str, api_url: str, page_size: int, settings: dict[str, str]) -> dict[str, str]:
    env = {
        "PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/tmp"),
        "OCEAN__PORT__CLIENT_ID": "bench-client-id",
        "OCEAN__PORT__CLIENT_SECRET": "bench-client-secret-0123456789abcdef",
        "OCEAN__PORT__BASE_URL": port_url,
        "OCEAN__INTEGRATION__IDENTIFIER": "my-custom-integration",
        "OCEAN__INITIALIZE_PORT_RESOURCES": "false",
        "OCEAN__CACHING_STORAGE_MODE": "memory",
        "OCEAN__EVENT_LISTENER__TYPE": "ONCE",
        "OCEAN__INTEGRATION__CONFIG__BASE_URL": api_url,
        "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE": "page",
        "OCEAN__INTEGRATION__CONFIG__HAS_MORE_PATH": "has_more",
        "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE": str(page_size),
    }
    env.update((f"OCEAN__INTEGRATION__CONFIG__{k.upper()}", v) for k, v in settings.items())
    return env


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (Ocean's forked mapping workers)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            for task in tasks:
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _kib(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _watch(process: subprocess.Popen[bytes], timeout: float) -> dict[str, float]:
    """Sample the process until it exits: its own peak RSS and the tree's peak PSS (MB)."""
    hwm = tree = 0
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        hwm = max(hwm, _kib(f"/proc/{process.pid}/status", "VmHWM:"))
        pss = sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in _tree(process.pid))
        tree = max(tree, pss)
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise TimeoutError(f"ocean sail ran over {timeout:.0f} s")
        time.sleep(0.1)
    return {"peak_rss_mb": round(hwm / 1024, 1), "peak_tree_pss_mb": round(tree / 1024, 1)}


def measure(items: int, args: argparse.Namespace, logs: Path) -> dict[str, Any]:
    settings = dict(pair.split("=", 1) for pair in args.setting)
    app = mapping(resource("/page", data_path=".data", properties=PROPERTIES))
    spec = ServerSpec(items, args.page_size, states_total=False)
    holds = items if args.port_holds < 0 else args.port_holds
    with ApiServer(spec, logs / f"api-{items}.log") as api, FakePort(app) as port:
        port.responder = _Port(port, app, holds)
        log = logs / f"sail-{items}.log"
        command = [str(ROOT / ".venv" / "bin" / "ocean"), "sail", "-p", str(_free_port())]
        env = _env(port.url, api.url, args.page_size, settings)
        started = time.monotonic()
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
            memory = _watch(process, args.timeout)
        seconds = time.monotonic() - started
        requests = api.stats()["requests"]
        upserts = port.responder.upserts
    text = log.read_text(errors="replace")
    finished = "Resync finished successfully" in text
    return {
        "items": items,
        "port_holds": holds,
        "settings": settings,
        "seconds": round(seconds, 1),
        "requests": requests,
        "upserted": upserts,
        "resync_ok": finished and upserts == items,
        "exit_code": process.returncode,
        "log": str(log.relative_to(ROOT)),
        **memory,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sail_rss", description=__doc__)
    parser.add_argument("--items", default="10000,100000,300000", help="comma list of sizes")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--port-holds", type=int, default=-1, help="-1: as many as --items")
    parser.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run")
    args = parser.parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    logs = RESULTS / "logs" / f"sail-rss-{stamp}"
    logs.mkdir(parents=True, exist_ok=True)
    rows = []
    for items in (int(size) for size in args.items.split(",")):
        row = measure(items, args, logs)
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = RESULTS / f"sail-rss-{stamp}.json"
    command = " ".join(["python -m bench.sail_rss", *argv])
    summary = {"command": command, "load": os.getloadavg(), "rows": rows}
    out.write_text(json.dumps(summary, indent=2))
    print(f"Results: {out.relative_to(ROOT)}")
    return 0 if all(row["resync_ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
