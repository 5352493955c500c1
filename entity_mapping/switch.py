"""`OCEAN_CUSTOM_FAST_MAPPING`: the page-at-a-time mapping on (default) or off.

An environment variable of its own, outside Ocean's `OCEAN__INTEGRATION__CONFIG__*` settings:
it changes how fast entities are mapped, never which entities (`processor.py` keeps Ocean's
contract), so it is an operator's switch — for a benchmark of on against off, or to rule the
fast path out while investigating — not a connection setting in Port's form.
"""

from __future__ import annotations

from collections.abc import Mapping

VARIABLE = "OCEAN_CUSTOM_FAST_MAPPING"
_ON = {"true", "1", "yes", "on"}
_OFF = {"false", "0", "no", "off"}


def fast_mapping_enabled(environ: Mapping[str, str]) -> bool:
    """On unless the variable says off; a value that is neither stops the start."""
    raw = environ.get(VARIABLE)
    if raw is None or raw.strip() == "":
        return True
    value = raw.strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    raise ValueError(
        f"{VARIABLE}={raw!r} is not a boolean: use true (the default: map a page with one jq "
        "program) or false (Ocean's per-item mapping)"
    )
