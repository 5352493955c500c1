"""`OCEAN_CUSTOM_FAST_MAPPING`: the page-at-a-time mapping on (default) or off.

An operator's switch (`core/switches.py`): it changes how fast entities are mapped, never which
entities (`processor.py` keeps Ocean's contract) — for a benchmark of on against off, or to rule
the fast path out while investigating — not a connection setting in Port's form.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.switches import Switch

FAST_MAPPING = Switch(
    "OCEAN_CUSTOM_FAST_MAPPING",
    on="map a page with one jq program",
    off="Ocean's per-item mapping",
)
VARIABLE = FAST_MAPPING.variable


def fast_mapping_enabled(environ: Mapping[str, str]) -> bool:
    """On unless the variable says off; a value that is neither stops the start."""
    return FAST_MAPPING.enabled(environ)
