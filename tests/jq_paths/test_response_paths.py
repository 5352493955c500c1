"""`ResponsePath`: the dot-notation and jq forms of cursorPath / hasMorePath / nextLinkPath."""

from __future__ import annotations

from typing import Any

import pytest

from jq_paths.precise_jq import compile_jq
from jq_paths.response_paths import MISSING, ResponsePath, jq_outputs

BODY: dict[str, Any] = {
    "@odata.nextLink": "https://h/next",
    "meta": {"after_cursor": "c2", "has_more": False, "total": 0},
    "links": {"next": "/items?page=2", "self.href": "/items?page=1"},
    "data": [{"id": 1}, {"id": 2, "tags": ["a", "b"]}],
    "a.b": {"c.d": {"e": "deep"}},
    "a": {"b": {"x": "shadowed"}},
    "empty": None,
}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("meta.after_cursor", "c2"),
        ("meta.has_more", False),  # a false value is found, not missing
        ("meta.total", 0),
        ("links.next", "/items?page=2"),
        ("@odata.nextLink", "https://h/next"),  # literal dotted key at the top level
        ("links.self.href", "/items?page=1"),  # literal dotted key one level down
        ("a.b.c.d.e", "deep"),  # dotted keys on two levels, nested under each other
        ("data.0.id", 1),  # numeric segment indexes a list
        ("data.-1.id", 2),  # negative index counts from the end
        ("data.1.tags.1", "b"),
    ],
)
def test_dot_notation_finds_the_value(spec: str, expected: Any) -> None:
    assert ResponsePath(spec).find(BODY) == expected


def test_dot_notation_backtracks_when_the_longest_key_leads_nowhere() -> None:
    # `a.b` exists as a literal key but holds no `x`; the nested a → b → x must still be found.
    assert ResponsePath("a.b.x").find(BODY) == "shadowed"


@pytest.mark.parametrize(
    "spec",
    [
        "meta.before_cursor",
        "nope",
        "data.5.id",
        "data.x",
        "meta.after_cursor.deeper",
        "links.next.x",
    ],
)
def test_dot_notation_reports_missing(spec: str) -> None:
    assert ResponsePath(spec).find(BODY) is MISSING


def test_dot_notation_returns_an_explicit_null_as_none() -> None:
    assert ResponsePath("empty").find(BODY) is None


def test_dot_notation_over_a_top_level_array() -> None:
    assert ResponsePath("1.id").find([{"id": "x"}, {"id": "y"}]) == "y"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (".meta.after_cursor", "c2"),
        (".data[-1].id", 2),  # Stripe's starting_after: the id of the last item
        ('.["@odata.nextLink"]', "https://h/next"),
        (".meta.has_more", False),
        (".missing // .meta.after_cursor", "c2"),
        (".data | length", 2),
    ],
)
def test_jq_form_finds_the_value(spec: str, expected: Any) -> None:
    path = ResponsePath(spec)
    assert path.is_jq
    assert path.find(BODY) == expected


def test_jq_form_takes_the_first_non_null_output() -> None:
    assert ResponsePath(".data[] | .tags").find(BODY) == ["a", "b"]


@pytest.mark.parametrize("spec", [".meta.missing", ".empty", ".data[] | select(.id > 9)"])
def test_jq_form_with_no_value_is_missing(spec: str) -> None:
    assert ResponsePath(spec).find(BODY) is MISSING


def test_jq_runtime_error_reads_as_missing() -> None:
    # `.meta.after_cursor.x` indexes a string: jq raises; the value is simply not there.
    assert ResponsePath(".meta.after_cursor.x").find(BODY) is MISSING


def test_paths_are_trimmed_and_dotted_form_is_not_jq() -> None:
    path = ResponsePath("  meta.after_cursor ")
    assert path.spec == "meta.after_cursor"
    assert not path.is_jq


@pytest.mark.parametrize("spec", ["", "   "])
def test_empty_path_is_rejected(spec: str) -> None:
    with pytest.raises(ValueError, match="cannot be empty"):
        ResponsePath(spec)


def test_bad_jq_fails_at_construction_with_jq_message() -> None:
    with pytest.raises(ValueError, match=r"jq expression '\.data\[' does not compile"):
        ResponsePath(".data[")


def test_compile_jq_is_cached_and_jq_outputs_returns_every_output() -> None:
    assert compile_jq(".a") is compile_jq(".a")
    assert jq_outputs(".data[].id", BODY) == [1, 2]
    assert jq_outputs(".nothing", BODY) == [None]
