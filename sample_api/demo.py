"""`make demo`: serve the bundled sample API on 127.0.0.1 and preview it with the bundled
port-app-config, showing what Port would receive. Extra arguments go to the preview:
`python -m sample_api.demo --json`, `... --kind /services`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml

from preview.cli import preview_main
from preview.sources import ENV_PREFIX
from sample_api.catalog import DEMO_TOKEN, PREFIX, serve_catalog
from sample_api.server import FakeApi

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "port-app-config.yml"
BLUEPRINTS = HERE / "blueprints.json"


def demo_settings(base_url: str) -> dict[str, object]:
    """The connection settings a user would give Port's install form for this API."""
    return {
        "baseUrl": base_url,
        "authType": "bearer_token",
        "apiToken": DEMO_TOKEN,
        "paginationType": "offset",
        "pageSize": 3,
        "totalPath": "total",
    }


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    with FakeApi() as api, tempfile.TemporaryDirectory() as tmp, _without_shell_settings():
        serve_catalog(api)
        settings = Path(tmp) / "demo-settings.yml"
        settings.write_text(yaml.safe_dump(demo_settings(api.url + PREFIX)), encoding="utf-8")
        _introduce(api.url + PREFIX)
        return preview_main(["--config", str(CONFIG), "--settings", str(settings), *arguments])


def _introduce(base_url: str) -> None:
    """What the demo runs with, as a user would enter it (on stderr: --json stays clean)."""
    shown = {k: "[REDACTED]" if k == "apiToken" else v for k, v in demo_settings(base_url).items()}
    settings = ", ".join(f"{key}={value}" for key, value in shown.items())
    print(
        f"Sample API (sample_api/catalog.py) on {base_url}\n"
        f"Connection settings: {settings}\n"
        f"Mapping: {CONFIG.relative_to(HERE.parent)}; blueprints to create in Port: "
        f"{BLUEPRINTS.relative_to(HERE.parent)}\n",
        file=sys.stderr,
        flush=True,
    )


@contextmanager
def _without_shell_settings() -> Iterator[None]:
    """The demo is self-contained: connection settings from the shell would merge into it."""
    saved = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
    for name in saved:
        del os.environ[name]
    try:
        yield
    finally:
        os.environ.update(saved)


if __name__ == "__main__":
    sys.exit(main())
