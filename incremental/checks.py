"""Load-time checks of `selector.incremental` against the rest of its selector.

A cursor placeholder is replaced only in `selector.incremental.query_params`: anywhere else in
the selector a full resync would send it literally, so it stops the mapping naming the key. A
name the incremental run sets that a dynamic query parameter also fills would be overwritten per
parent, and `param` given again in `incremental.query_params` is ambiguous: both are errors.
"""

from __future__ import annotations

from typing import Any

from incremental.cursor_format import placeholders_in
from incremental.model import PLACEHOLDER_FIX, IncrementalConfigError, IncrementalSelector

# Selector keys a full resync sends as written.
SENT_AS_WRITTEN = ("query_params", "headers", "body", "endpoint")


def check_incremental(values: dict[str, Any]) -> None:
    """Raise IncrementalConfigError for a placeholder or name the selector cannot hold."""
    for key in SENT_AS_WRITTEN:
        found = placeholders_in(values.get(key))
        if found:
            raise IncrementalConfigError(
                path=_where(key, values.get(key)),
                detail=(
                    f"{found[0]} in selector.{key} is never replaced: a full resync would send "
                    "it as written"
                ),
                fix=PLACEHOLDER_FIX + " (they replace same-named selector query_params)",
            )
    config: IncrementalSelector | None = values.get("incremental")
    if config is None:
        return
    if config.param is not None and config.param in config.query_params:
        raise IncrementalConfigError(
            path="incremental.param",
            detail=f"{config.param!r} is both param and a key of incremental.query_params",
            fix="keep one: param gets the formatted cursor, query_params fixed or templated values",
        )
    dynamic = set(values.get("dynamic_query_params") or {})
    clash = sorted(dynamic & {*config.query_params, *([config.param] if config.param else [])})
    if clash:
        raise IncrementalConfigError(
            path="incremental",
            detail=f"{clash[0]!r} is set by incremental and filled by dynamic_query_params",
            fix="give the cursor its own parameter name",
        )


def _where(key: str, value: Any) -> str:
    """`query_params.q` for a placeholder under the top-level name `q`, else the key."""
    if isinstance(value, dict):
        for name, item in value.items():
            if placeholders_in(item) or placeholders_in(str(name)):
                return f"{key}.{name}"
    return key
