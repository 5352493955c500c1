"""What one resync keeps per item until it ends, piece by piece, in MB (issue 16 part 4):

    python -m bench.retained --items 10000,100000,300000

Each piece is built alone, for N items, in a fresh interpreter, and measured as the growth of
that process's RSS (`VmRSS`) while it is held. The pieces are what `ocean sail` holds that
grows with the catalog, found by reading port_ocean 0.56.2 and our code:

- `ocean_produced`: Ocean's list of every entity the resync upserted, reduced to identifier,
  blueprint and relations (`SyncRawMixin._register_in_batches` → `passed_entities`, from
  `PortClient._reduce_entity`), kept for the reconciliation diff;
- `ocean_at_port`: the entities Port holds, read back at reconciliation as `Entity` models
  (`PortClient.search_entities` → `_search_entities_by_datasource_paginated`), here with only
  identifier and blueprint, as the benchmark's stand-in for Port answers;
- `guard_sets`: the shrink guard's two sets of identifier strings, Port's holdings and what the
  run produced (`resync/port_holdings.py`, `resync/shrink_guard.py`);
- `repeat_ids`: the page loop's fingerprints of the ids of one endpoint run
  (`pages/id_set.py`).
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _ocean_produced(n: int) -> Any:
    from port_ocean.clients.port.mixins.entities import EntityClientMixin
    from port_ocean.core.models import Entity

    made = (Entity.parse_obj({"identifier": str(i), "blueprint": "item"}) for i in range(n))
    return [EntityClientMixin._reduce_entity(entity) for entity in made]


def _ocean_at_port(n: int) -> Any:
    from port_ocean.core.models import Entity

    return [Entity.parse_obj({"identifier": str(i), "blueprint": "item"}) for i in range(n)]


def _guard_sets(n: int) -> Any:
    return {str(i) for i in range(n)}, {str(i) for i in range(n)}


def _repeat_ids(n: int) -> Any:
    from pages.id_set import CompactIdSet

    seen = CompactIdSet()
    for i in range(n):
        seen.add(i)  # the benchmark's ids are ints, as most APIs' are
    return seen


PIECES: dict[str, Callable[[int], Any]] = {
    "ocean_produced": _ocean_produced,
    "ocean_at_port": _ocean_at_port,
    "guard_sets": _guard_sets,
    "repeat_ids": _repeat_ids,
}


def _one(piece: str, n: int) -> float:
    """In this process: the RSS growth while `piece` of `n` items is held."""
    PIECES[piece](10)  # imports and first-use caches are not the piece's
    gc.collect()
    before = _rss_mb()
    held = PIECES[piece](n)
    gc.collect()
    grown = _rss_mb() - before
    del held
    return round(grown, 1)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--one":
        print(_one(argv[1], int(argv[2])))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.retained", description=__doc__)
    parser.add_argument("--items", default="10000,100000,300000")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.items.split(",")]
    rows: dict[str, dict[int, float]] = {}
    for piece in PIECES:
        for n in sizes:
            command = [sys.executable, "-m", "bench.retained", "--one", piece, str(n)]
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            rows.setdefault(piece, {})[n] = float(out.strip())
    print(json.dumps(rows))
    for piece, by_size in rows.items():
        per_item = by_size[sizes[-1]] * 1024 * 1024 / sizes[-1]
        figures = ", ".join(f"{n:,}: {mb:.1f} MB" for n, mb in by_size.items())
        print(f"{piece:15} {figures}  (~{per_item:.0f} bytes an item)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
