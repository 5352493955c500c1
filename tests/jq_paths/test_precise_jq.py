from __future__ import annotations

from typing import Any

import pytest

from jq_paths.precise_jq import compile_jq
from jq_paths.response_paths import jq_outputs as select

BIG = 1234567890123456789  # > 2**53: jq alone would round it
BODY: dict[str, Any] = {
    "users": [{"id": BIG, "active": True}, {"id": 2, "active": False}],
    "meta": {"next": None, "total": 2},
    "@odata.nextLink": "https://x/next",
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (".", [BODY]),
        (".users", [BODY["users"]]),
        (".users[]", BODY["users"]),
        (".meta.total", [2]),
        (".missing.deeper", [None]),
        (".users[] | select(.active)", [BODY["users"][0]]),
        (".users[-1].id", [2]),
        (".users[0].id", [BIG]),
        ('.["@odata.nextLink"]', ["https://x/next"]),
        (".users[0:1]", [BODY["users"][0:1]]),
        (".meta.next // empty", []),
        (".users | map({uid: .id})", [[{"uid": 1234567890123456768}, {"uid": 2}]]),
    ],
)
def test_select_matches_jq_semantics(expression: str, expected: list[Any]) -> None:
    assert select(expression, BODY) == expected


def test_big_integers_survive_where_plain_jq_rounds_them() -> None:
    plain = compile_jq(".users[]").input_value(BODY).all()
    assert plain[0]["id"] != BIG  # the bug precise_jq exists for
    assert select(".users[]", BODY)[0]["id"] == BIG
    assert select(".users[] | select(.active)", BODY)[0]["id"] == BIG


@pytest.mark.parametrize("expression", [".users.id", ".meta.total[]", ".users[0].id.x"])
def test_type_errors_raise_like_jq(expression: str) -> None:
    with pytest.raises(ValueError):
        select(expression, BODY)
