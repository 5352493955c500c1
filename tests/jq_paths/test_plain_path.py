"""What a plain path is, written once (jq_paths/plain_path.py): the jq reader walks exactly
those paths without jq, and the streaming reader streams exactly those data_paths."""

from __future__ import annotations

from typing import Any

import pytest

from jq_paths import precise_jq
from jq_paths.plain_path import PlainPath, plain_path
from pages.streaming import stream_plan

PLAIN = {
    ".": PlainPath((), iterate=False),
    ".[]": PlainPath((), iterate=True),
    ".data": PlainPath(("data",), iterate=False),
    " .a.b_2[] ": PlainPath(("a", "b_2"), iterate=True),
    "._id.Items": PlainPath(("_id", "Items"), iterate=False),
}
NOT_PLAIN = [".a-b", ".a[0]", ".a[][]", '.["a.b"]', ".café", ".2x", ".a | .b", "data", ".a."]


@pytest.mark.parametrize(("expression", "expected"), PLAIN.items())
def test_plain_paths_and_their_keys(expression: str, expected: PlainPath) -> None:
    assert plain_path(expression) == expected


@pytest.mark.parametrize("expression", [*PLAIN, *NOT_PLAIN])
def test_the_jq_reader_and_the_streaming_reader_agree(
    expression: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = plain_path(expression) is not None
    assert plain is (expression in PLAIN)
    assert (stream_plan(expression) is not None) is plain

    def no_jq(*_: Any) -> list[Any]:
        raise AssertionError("jq was called")

    monkeypatch.setattr(precise_jq, "_evaluate", no_jq)
    body = {"data": [1], "a": {"b_2": [2]}, "_id": {"Items": 3}}
    if plain:
        precise_jq.select(expression, body)  # walked in Python: jq is never called
    else:
        with pytest.raises(AssertionError, match="jq was called"):
            precise_jq.select(expression, body)
