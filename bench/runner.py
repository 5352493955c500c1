"""Processes: the API server (one per server configuration) and one worker per measurement.

Each worker is watched from here: it is killed when its RSS passes the cap (a 300 MB response
decoded whole can take gigabytes on a machine others share) or when it overruns its timeout.
Requests made and the most requests in flight come from the server's `/_stats`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from bench.job import Job

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ServerSpec:
    items: int
    page_size: int = 100
    latency_ms: float = 0.0
    huge_mb: float = 0.0
    parents: int = 0
    children: int = 5
    states_total: bool = True  # False: /offset and /page say nothing of the list's length

    def argv(self) -> list[str]:
        return [
            *("--items", str(self.items), "--page-size", str(self.page_size)),
            *("--latency-ms", str(self.latency_ms), "--huge-mb", str(self.huge_mb)),
            *("--parents", str(self.parents), "--children", str(self.children)),
            *(() if self.states_total else ("--no-total",)),
        ]


class ApiServer:
    """`python -m bench.api_server ...` as a child process; its URL is its first stdout line."""

    def __init__(self, spec: ServerSpec, log: Path) -> None:
        self.spec, self._log = spec, log
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ApiServer:
        command = [sys.executable, "-m", "bench.api_server", *self.spec.argv()]
        with self._log.open("w") as log:
            self._process = subprocess.Popen(
                command, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True
            )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()  # blocks until the items are built
        if not self.url.startswith("http://127.0.0.1:"):
            self.__exit__(None, None, None)
            raise RuntimeError(f"the benchmark API did not start; see {self._log}")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def stats(self, reset_peak: bool = False) -> dict[str, Any]:
        url = f"{self.url}/_stats" + ("?reset_peak=1" if reset_peak else "")
        with urllib.request.urlopen(url, timeout=30) as response:
            return dict(json.load(response))


def run_worker(
    job: Job, server: ApiServer, log: Path, rss_cap_mb: float, timeout: float
) -> dict[str, Any]:
    """Run one job in a fresh interpreter; its result plus the server-side request counts."""
    before = server.stats(reset_peak=True)
    result_file = log.with_suffix(".result.json")
    result_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.worker", job.to_json(), str(result_file)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=output, env=env)
        stopped, watched = _watch(process, rss_cap_mb, timeout)
    after = server.stats()
    result: dict[str, Any] = {}
    if result_file.exists():
        result = json.loads(result_file.read_text())
    if stopped:
        result = {"error": stopped, "peak_rss_mb": round(watched, 1)}  # at least this much
    elif not result:
        result = {"error": f"worker exited {process.returncode} without a result; see {log}"}
    # Requests per round: every round fetches the same pages.
    result["requests"] = (after["requests"] - before["requests"]) // max(1, result.get("rounds", 1))
    result["peak_in_flight"] = after["peak_in_flight"]
    return result


def _watch(
    process: subprocess.Popen[bytes], rss_cap_mb: float, timeout: float
) -> tuple[str | None, float]:
    """Wait for the worker; kill it (and say why) past the RSS cap or the timeout. Also
    returns the highest RSS seen by polling (the worker's own figure is exact)."""
    deadline = time.monotonic() + timeout
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _rss_mb(process.pid))
        reason = None
        if peak > rss_cap_mb:
            reason = f"killed: RSS passed the {rss_cap_mb:.0f} MB cap (--rss-cap-mb)"
        elif time.monotonic() > deadline:
            reason = f"killed: ran over {timeout:.0f} s"
        if reason:
            process.kill()
            process.wait()
            return reason, peak
        time.sleep(0.05)
    return None, peak


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0
