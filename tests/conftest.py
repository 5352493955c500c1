"""Test isolation for the real Ocean app: working directory, environment, loopback servers."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Ocean resolves config, .env and .port/ relative to the working directory, and the harness
# imports integration.py with "." on sys.path: run every test from the integration root.
os.chdir(ROOT)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# OCEAN__* variables and ./.env would leak into the harness's configuration.
for name in list(os.environ):
    if name.startswith("OCEAN__"):
        del os.environ[name]
os.environ["OCEAN__CACHING_STORAGE_MODE"] = "memory"
# A proxy configured on the machine would route the tests' loopback traffic through it.
for name in list(os.environ):
    if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        del os.environ[name]

from sample_api.server import FakeApi  # noqa: E402


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch) -> None:
    if (ROOT / ".env").exists():
        pytest.fail("a local .env would leak into Ocean's config under test; move it away")


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with FakeApi() as server:
        yield server


@pytest.fixture
def other_api() -> Iterator[FakeApi]:
    """A second server: another origin (same host, other port)."""
    with FakeApi() as server:
        yield server
