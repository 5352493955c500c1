"""The cursor as the API reads it: `selector.incremental.format` in `timezone`, and the
`{incremental_cursor}` / `{incremental_cursor:<strftime>}` placeholder.

Ocean's cursor is the start time of the last successful incremental run of the kind (UTC).
Formats: `iso8601` (seconds, `Z` in UTC, the offset otherwise), `epoch` (seconds), `epoch_ms`,
`date` (`YYYY-MM-DD` in the zone), or a strftime pattern. Sub-second parts are dropped, which
moves the cursor earlier, never later: an item is read twice rather than missed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NAMED_FORMATS = ("iso8601", "epoch", "epoch_ms", "date")
PLACEHOLDER = re.compile(r"\{incremental_cursor(?::(?P<pattern>[^{}]*))?\}")
# Anything that starts like a placeholder: `{incremental_cursr}` must not be sent literally.
PLACEHOLDER_LIKE = re.compile(r"\{\s*incremental[^{}]*\}")
# strftime directives Python documents (C89 set and the ISO 8601 ones), with glibc's `-` flag.
_DIRECTIVE = re.compile(r"%(-?)(.?)")
_KNOWN_DIRECTIVES = frozenset("aAwdbBmyYHIpMSfzZjUWcxXGuV:%")


def check_format(value: str) -> str:
    """`value` when it is a named format or a usable strftime pattern; else ValueError."""
    if value in NAMED_FORMATS:
        return value
    if "%" not in value:
        raise ValueError(
            f"unknown format {value!r}: expected one of {', '.join(NAMED_FORMATS)} "
            "or a strftime pattern such as %Y-%m-%d %H:%M"
        )
    check_pattern(value)
    return value


def check_pattern(pattern: str) -> None:
    """A strftime pattern whose every directive Python documents (an unknown one would be
    sent literally, e.g. `%Q`)."""
    directives = _DIRECTIVE.findall(pattern)
    unknown = [f"%{flag}{d}" for flag, d in directives if not d or d not in _KNOWN_DIRECTIVES]
    if unknown:
        raise ValueError(
            f"strftime pattern {pattern!r} has an unknown directive ({', '.join(unknown)})"
        )


def zone(name: str) -> tzinfo:
    """The IANA zone `name`; ValueError naming it when there is none."""
    if name.strip().upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {name!r}: expected an IANA zone name such as UTC, "
            "Europe/Berlin or America/New_York"
        ) from None


def formatted(cursor: datetime, fmt: str, where: tzinfo) -> str | int:
    """`cursor` written in `fmt` (numbers for the epoch formats: JSON bodies keep the type)."""
    cursor = _aware(cursor).replace(microsecond=0)
    if fmt == "epoch":
        return int(cursor.timestamp())
    if fmt == "epoch_ms":
        return int(cursor.timestamp()) * 1000
    local = cursor.astimezone(where)
    if fmt == "iso8601":
        text = local.isoformat()
        return text.replace("+00:00", "Z") if where is UTC else text
    if fmt == "date":
        return local.strftime("%Y-%m-%d")
    return local.strftime(fmt)


def substitute(value: Any, cursor: datetime, fmt: str, where: tzinfo) -> Any:
    """`value` with each placeholder in its strings replaced; a string that is only a plain
    placeholder takes the formatted value itself (an epoch stays a number in a body)."""
    if isinstance(value, dict):
        return {key: substitute(item, cursor, fmt, where) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, cursor, fmt, where) for item in value]
    if not isinstance(value, str):
        return value
    whole = PLACEHOLDER.fullmatch(value)
    if whole and whole.group("pattern") is None:
        return formatted(cursor, fmt, where)

    def one(match: re.Match[str]) -> str:
        pattern = match.group("pattern")
        return str(formatted(cursor, pattern if pattern else fmt, where))

    return PLACEHOLDER.sub(one, value)


def placeholders_in(value: Any) -> list[str]:
    """Every placeholder-like text in the strings (and keys) of `value`."""
    if isinstance(value, dict):
        found = [text for key in value for text in placeholders_in(str(key))]
        return found + [text for item in value.values() for text in placeholders_in(item)]
    if isinstance(value, list):
        return [text for item in value for text in placeholders_in(item)]
    return PLACEHOLDER_LIKE.findall(value) if isinstance(value, str) else []


def check_placeholder(text: str) -> None:
    """A placeholder-like text that is a real placeholder with a usable pattern."""
    match = PLACEHOLDER.fullmatch(text)
    if match is None:
        raise ValueError(
            f"{text!r} is not a cursor placeholder: write {{incremental_cursor}} or "
            "{incremental_cursor:%Y-%m-%d %H:%M}"
        )
    if match.group("pattern") is not None:
        check_pattern(match.group("pattern"))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
