"""One measurement, as handed from the orchestrator to a worker process (JSON on argv)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


class Skipped(Exception):
    """The measurement needs a feature this checkout does not have (yet)."""


@dataclass(frozen=True)
class Job:
    mode: str  # see bench.worker.MODES
    base_url: str = ""
    style: str = "page"
    items: int = 0  # the collection's size: expected items, and the "known total"
    page_size: int = 100
    parents: int = 0  # fan-out: parents and children per parent the API serves
    children: int = 0
    concurrency: int = 10  # maxConcurrentRequests, and the plain baseline's requests in flight
    repeat: int = 1  # fetch modes: run this often in the same process, report the fastest
    settings: dict[str, Any] = field(default_factory=dict)  # extra connection settings
    ocean: dict[str, Any] = field(default_factory=dict)  # Ocean settings (batch sizes, ...)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Job:
        return cls(**json.loads(text))
