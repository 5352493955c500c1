"""The cursor as each format writes it, and placeholders filled (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.errors import ConfigurationError
from incremental.cursor_format import check_format, formatted, substitute, zone
from incremental.cutoff import item_time

CURSOR = datetime(2025, 3, 30, 0, 30, 15, 987654, tzinfo=UTC)  # before Berlin's DST switch


@pytest.mark.parametrize(
    ("fmt", "zone_name", "expected"),
    [
        ("iso8601", "UTC", "2025-03-30T00:30:15Z"),
        ("iso8601", "Europe/Berlin", "2025-03-30T01:30:15+01:00"),
        ("epoch", "Europe/Berlin", 1743294615),
        ("epoch_ms", "UTC", 1743294615000),
        ("date", "America/New_York", "2025-03-29"),
        ("%Y-%m-%d %H:%M", "Europe/Berlin", "2025-03-30 01:30"),
    ],
)
def test_formats(fmt: str, zone_name: str, expected: object) -> None:
    assert formatted(CURSOR, check_format(fmt), zone(zone_name)) == expected


def test_a_naive_cursor_is_utc() -> None:
    assert formatted(CURSOR.replace(tzinfo=None), "iso8601", UTC) == "2025-03-30T00:30:15Z"


def test_placeholders() -> None:
    where = zone("Europe/Berlin")
    jql = 'updated >= "{incremental_cursor:%Y-%m-%d %H:%M}" AND x'
    assert substitute(jql, CURSOR, "epoch", where) == 'updated >= "2025-03-30 01:30" AND x'
    assert substitute("{incremental_cursor}", CURSOR, "epoch", where) == 1743294615
    assert substitute({"a": ["<{incremental_cursor}>"]}, CURSOR, "date", where) == {
        "a": ["<2025-03-30>"]
    }


@pytest.mark.parametrize("bad", ["iso", "rfc3339", "%Y-%Q", "%Y-%m-%"])
def test_unknown_formats(bad: str) -> None:
    with pytest.raises(ValueError, match="unknown"):
        check_format(bad)


def test_item_times() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert item_time("2025-03-30T02:30:15+02:00", ".t", "iso8601", UTC) == CURSOR.replace(
        microsecond=0
    ).astimezone(plus_two)
    assert item_time(1743294615000, ".t", "epoch_ms", UTC) == CURSOR.replace(microsecond=0)
    assert item_time("30/03/2025", ".t", "%d/%m/%Y", UTC) == datetime(2025, 3, 30, tzinfo=UTC)
    with pytest.raises(ConfigurationError, match=r"'\.t' gave 'yesterday', which is not a time"):
        item_time("yesterday", ".t", "iso8601", UTC)
