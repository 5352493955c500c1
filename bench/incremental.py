"""Incremental sync against a full resync (issue 23): `python -m bench.incremental [--items N]
[--changed-share S] [--page-size P] [--latency-ms L]`.

One process, one catalog on a loopback API that honours `since` (ISO 8601) as GitHub's issues
list does, offset pages of `--page-size` with a stated total (parallel pages by default). Through
the real Ocean app (Port mocked, with the cursor API of `tests/fake_port.py`):

1. a full resync of the whole catalog, timed, its requests counted;
2. `--changed-share` of the items change upstream;
3. an incremental run the way Ocean's ONCE listener runs it (`sync_incremental`), timed and
   counted: it asks for what changed since the last 15 minutes (Ocean's first-run seed).

Prints both and their ratios (incremental ÷ full) for requests and wall time; the issue's target
is ≤ 0.05 of the requests and ≤ 0.1 of the wall time. Not part of `python -m bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

from loguru import logger

from sample_api.server import FakeApi, Received, Reply
from tests.conftest import ROOT  # chdir to the integration root, clean OCEAN__* env
from tests.incremental.kit import IncrementalOcean
from tests.ocean_run import mapping, resource

OLD = "2024-01-01T00:00:00Z"


class Catalog:
    """Items sorted by id; `since` keeps those updated at or after it (ISO 8601 text sorts)."""

    def __init__(self, count: int, latency: float) -> None:
        self.items: list[dict[str, Any]] = [
            {"id": n, "name": f"item {n}", "updated_at": OLD} for n in range(count)
        ]
        self.latency = latency
        self.requests = 0
        self._cache: dict[str | None, list[dict[str, Any]]] = {}

    def change(self, share: float) -> int:
        step = max(1, round(1 / share))
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        changed = self.items[::step]
        for item in changed:
            item["name"] += " (edited)"
            item["updated_at"] = now
        self._cache.clear()
        return len(changed)

    def serve(self, request: Received) -> Reply:
        self.requests += 1
        since = request.query.get("since")
        if since not in self._cache:
            kept = [i for i in self.items if since is None or i["updated_at"] >= since]
            self._cache[since] = kept
        chosen = self._cache[since]
        start, count = int(request.query["offset"]), int(request.query["limit"])
        body = {"data": chosen[start : start + count], "total": len(chosen)}
        return Reply(json_body=body, delay=self.latency)


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    catalog = Catalog(args.items, args.latency_ms / 1000)
    with FakeApi() as api:
        api.route("GET", "/items", catalog.serve)
        settings = {
            "base_url": api.url,
            "pagination_type": "offset",
            "page_size": str(args.page_size),
            "total_path": "total",
            "max_deletion_share": "100",
        }
        items = resource("/items", data_path=".data", incremental={"param": "since"})
        async with IncrementalOcean(settings, mapping(items)) as ocean:
            started = time.perf_counter()
            full = await ocean.full()
            full_seconds, full_requests = time.perf_counter() - started, catalog.requests
            assert not full.errors, full.errors
            changed = catalog.change(args.changed_share)
            catalog.requests = 0
            started = time.perf_counter()
            run = await ocean.incremental()
            incremental_seconds = time.perf_counter() - started
            upserted = len({e["identifier"] for e in run.upserted})
            assert upserted == changed and run.deleted == [], (upserted, changed)
    return {
        "items": args.items,
        "changed": changed,
        "page_size": args.page_size,
        "latency_ms": args.latency_ms,
        "full": {"requests": full_requests, "seconds": round(full_seconds, 2)},
        "incremental": {"requests": catalog.requests, "seconds": round(incremental_seconds, 2)},
        "ratio": {
            "requests": round(catalog.requests / full_requests, 4),
            "wall_time": round(incremental_seconds / full_seconds, 4),
        },
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.incremental", description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--changed-share", type=float, default=0.01)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    logger.remove()  # Ocean logs every batch at INFO: only problems on stderr here
    logger.add(sys.stderr, level="WARNING")
    result = asyncio.run(measure(parser.parse_args(argv)))
    full, incremental, ratio = result["full"], result["incremental"], result["ratio"]
    print(json.dumps(result, indent=2))
    print(
        f"{result['items']} items, {result['changed']} changed: full resync {full['requests']} "
        f"requests in {full['seconds']} s; incremental {incremental['requests']} requests in "
        f"{incremental['seconds']} s; ratios: requests {ratio['requests']}, wall time "
        f"{ratio['wall_time']} (targets <= 0.05, <= 0.1)"
    )
    return 0


if __name__ == "__main__":
    assert ROOT.is_dir()
    sys.exit(main(sys.argv[1:]))
