"""A real `ocean sail --once` through `scripts/sail-once.sh`, as the image runs it, for tests:
the Port variables a container gets (`port_env`) and one bounded run (`sail_once`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_env(home: Path, port_url: str) -> dict[str, str]:
    """The environment of a run against Port at `port_url`: our venv first on PATH, dummy Port
    credentials, the integration's identifier, nothing created in Port, an in-memory cache."""
    return {
        "PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "OCEAN__PORT__CLIENT_ID": "dummy-client-id",
        "OCEAN__PORT__CLIENT_SECRET": "dummy-client-secret-0123456789",
        "OCEAN__PORT__BASE_URL": port_url,
        "OCEAN__INTEGRATION__IDENTIFIER": "my-custom-integration",
        "OCEAN__INITIALIZE_PORT_RESOURCES": "false",
        "OCEAN__CACHING_STORAGE_MODE": "memory",
    }


def sail_once(cwd: Path, env: dict[str, str], timeout: float = 120) -> tuple[int, str]:
    """Exit status and output (stdout and stderr) of one run from `cwd`; a run that does not
    end within `timeout` is killed with everything it started, and fails the test."""
    process = subprocess.Popen(
        ["scripts/sail-once.sh", "-p", str(free_port())],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"ocean sail did not finish in {timeout:.0f} s: {error.output!r}"[-3000:])
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode, output
