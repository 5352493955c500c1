"""What a plain path is, written once: `.`, `.data`, `.a.b` or `.items[]` — object keys
that need no quoting in jq and hold no dot, optionally ending in one `[]`.

Such a path is read without jq: `precise_jq.py` walks it in Python, and
`pages/streaming.py` streams the array it names (ijson joins its prefixes with dots, so a
key holding one could not be told apart). Anything else is a jq expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLAIN_PATH = re.compile(r"^\.(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)?(?:\[\])?$", re.ASCII)


@dataclass(frozen=True)
class PlainPath:
    keys: tuple[str, ...]  # object keys from the top down
    iterate: bool  # ends in `[]`: the outputs are the elements of the value found


def plain_path(expression: str) -> PlainPath | None:
    """The keys of a plain path (surrounding spaces allowed), or None for a jq expression."""
    expression = expression.strip()
    if not _PLAIN_PATH.match(expression):
        return None
    keys = tuple(key for key in expression.removesuffix("[]").split(".") if key)
    return PlainPath(keys, iterate=expression.endswith("[]"))
