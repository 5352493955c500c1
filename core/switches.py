"""Operators' switches: environment variables of the integration's own (`OCEAN_CUSTOM_*`),
outside Ocean's `OCEAN__INTEGRATION__CONFIG__*` settings.

A switch changes how fast the integration works, never what reaches Port, so it is not a
connection setting in Port's form: it is there to compare a fast path with Ocean's own order in
a benchmark, or to rule it out while investigating. On unless it says off; a value that is
neither stops the start, naming the variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

_ON = {"true", "1", "yes", "on"}
_OFF = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Switch:
    variable: str
    on: str  # what `true` (the default) does
    off: str  # what `false` does

    def enabled(self, environ: Mapping[str, str]) -> bool:
        raw = environ.get(self.variable)
        if raw is None or raw.strip() == "":
            return True
        value = raw.strip().lower()
        if value in _ON:
            return True
        if value in _OFF:
            return False
        raise ValueError(
            f"{self.variable}={raw!r} is not a boolean: use true (the default: {self.on}) or "
            f"false ({self.off})"
        )
