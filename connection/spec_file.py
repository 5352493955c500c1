"""`.port/spec.yaml` as the settings read it: its configurations, and which are secrets.

The spec is the one place a secret is declared (`sensitive: true`): Port's form hides it, Ocean
masks its value in its logs, and the settings never echo it in an error. Every documented
spelling that carries a secret (`token`, `authValue`, `customAuthResponse`) is declared in the
spec too (connection/spellings.py `DECLARED_SPELLINGS`), so it is a secret by the same flag.
The file ships in the image beside the code (tests/test_packaging.py); it is read once, at
import.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parent.parent / ".port" / "spec.yaml"


@lru_cache(maxsize=4)
def configurations(spec_path: Path = SPEC_PATH) -> tuple[dict[str, Any], ...]:
    """The spec's `configurations`: one entry (name, type, sensitive, ...) per setting."""
    spec: dict[str, Any] = yaml.safe_load(spec_path.read_text(encoding="utf-8")) or {}
    return tuple(spec.get("configurations", []))


def sensitive_names(spec_path: Path = SPEC_PATH) -> frozenset[str]:
    """The names (as the spec writes them, camelCase) of the settings marked `sensitive`."""
    items = configurations(spec_path)
    return frozenset(item["name"] for item in items if item.get("sensitive") is True)
