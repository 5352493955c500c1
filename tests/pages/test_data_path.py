"""`data_path`: where the items sit in one response page (every jq output counts)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic.v1 import ValidationError

from connection.call_fields import CallFields
from core.errors import ResponseFormatError
from pages.data_path import extract_items

WHERE = "[/v1/users] GET http://127.0.0.1/v1/users"
USERS = [{"id": 1}, {"id": 2}, {"id": 3}]


@pytest.mark.parametrize("data_path", [".users", ".users[]", ".users | map(.)", ".users[0:3]"])
def test_array_and_stream_forms_give_the_same_items(data_path: str) -> None:
    assert extract_items({"users": USERS}, data_path, WHERE) == USERS


def test_nested_data_path() -> None:
    body = {"result": {"page": {"items": USERS}}}
    assert extract_items(body, ".result.page.items", WHERE) == USERS


def test_several_outputs_are_concatenated() -> None:
    body = {"a": [{"id": 1}], "b": [{"id": 2}]}
    assert extract_items(body, ".a, .b", WHERE) == [{"id": 1}, {"id": 2}]


def test_an_object_output_is_one_item() -> None:
    assert extract_items({"user": {"id": 7}}, ".user", WHERE) == [{"id": 7}]


def test_filtering_in_data_path() -> None:
    assert extract_items({"users": USERS}, ".users[] | select(.id > 1)", WHERE) == USERS[1:]


def test_no_data_path_with_a_top_level_array() -> None:
    assert extract_items(USERS, None, WHERE) == USERS


def test_no_data_path_with_a_top_level_object_is_one_item() -> None:
    assert extract_items({"id": 9, "name": "me"}, None, WHERE) == [{"id": 9, "name": "me"}]


@pytest.mark.parametrize(
    ("body", "data_path"),
    [
        ({"users": None}, ".users"),  # explicit null
        ({"other": 1}, ".users"),  # absent key: jq yields null
        ({"users": []}, ".users"),
        ({"users": []}, ".users[]"),  # no outputs at all
        (None, None),  # 204 / empty body
        ([], None),
    ],
)
def test_nothing_selected_is_an_empty_page_not_an_error(body: Any, data_path: str | None) -> None:
    assert extract_items(body, data_path, WHERE) == []


@pytest.mark.parametrize(
    ("body", "data_path", "json_type"),
    [
        ({"total": 3}, ".total", "number"),
        ({"name": "x"}, ".name", "string"),
        ({"ok": True}, ".ok", "boolean"),
        ({"ids": [1, 2]}, ".ids", "number"),  # an array of scalars
        ({"rows": [[{"id": 1}]]}, ".rows", "array"),  # an array of arrays
        ({"users": [{"id": 1}, None]}, ".users", "null"),  # a null inside the array
    ],
)
def test_non_object_items_name_data_path_and_the_type(
    body: Any, data_path: str, json_type: str
) -> None:
    with pytest.raises(ResponseFormatError) as caught:
        extract_items(body, data_path, WHERE)
    message = str(caught.value)
    assert WHERE in message
    assert f"data_path {data_path!r} selected a {json_type}" in message
    assert "JSON objects" in message


def test_scalar_body_without_data_path_says_to_set_data_path() -> None:
    with pytest.raises(ResponseFormatError, match=r"the response holds a string.*data_path"):
        extract_items("ok", None, WHERE)


def test_jq_runtime_error_names_data_path() -> None:
    # `.users` over a top-level array: jq cannot index an array with a string.
    with pytest.raises(ResponseFormatError, match=r"data_path '\.users' failed on the response"):
        extract_items(USERS, ".users", WHERE)


def test_iterating_a_null_list_is_an_error_that_says_how_to_tolerate_it() -> None:
    # Raised, not read as an empty page: inside `.data[] | .tags[]` it would drop a whole page.
    with pytest.raises(ResponseFormatError, match=r"Cannot iterate over null.*\.items\[\]\?"):
        extract_items({"items": None}, ".items[]", WHERE)
    assert extract_items({"items": None}, ".items[]?", WHERE) == []


def test_bad_jq_at_extraction_names_data_path() -> None:
    with pytest.raises(ResponseFormatError, match=r"data_path '\.users\[' failed.*compile"):
        extract_items({"users": USERS}, ".users[", WHERE)


def test_bad_jq_is_rejected_when_the_config_is_loaded() -> None:
    # The call fields (a resource's selector, a discovery call) check it as the mapping loads.
    assert CallFields(data_path=" .users[] ").data_path == ".users[]"
    with pytest.raises(ValidationError, match="does not compile"):
        CallFields(data_path=".users | ]")
