"""`data_path`: the jq expression that finds the item list in one response page."""

from __future__ import annotations

from typing import Any

from core.errors import ResponseFormatError
from jq_paths.response_paths import jq_outputs


def extract_items(
    body: Any, data_path: str | None, where: str, text: str | None = None
) -> list[dict[str, Any]]:
    """The items of one page.

    Every output of the expression counts, so `.items` and `.items[]` both work. An array
    output contributes its elements, an object output is one item, null contributes nothing
    (an empty page is not an error). Any other value means `data_path` points at the wrong
    place, which would silently sync nothing: that is an error naming the key.
    With no `data_path`, a top-level array is the item list and an object is one item.
    `text`: the JSON text `body` was decoded from, for jq to read as is (see `jq_outputs`).
    """
    if data_path is None:
        outputs = [body]
    else:
        try:
            outputs = jq_outputs(data_path, body, text)
        except ValueError as error:
            # Not read as "no items": the same error on one item of `.data[] | .tags[]` would
            # drop the whole page. Say how to write an expression that tolerates null.
            hint = (
                ". If the API sends null for an empty list, add `?` (.items[]?) or a default "
                "(.items // [])"
                if "iterate over null" in str(error)
                else ""
            )
            raise ResponseFormatError(
                f"{where}: data_path {data_path!r} failed on the response: {error}{hint}"
            ) from None
    items: list[dict[str, Any]] = []
    for output in outputs:
        items.extend(output_items(output, data_path, where))
    return items


def output_items(output: Any, data_path: str | None, where: str) -> list[dict[str, Any]]:
    """The items one output of `data_path` contributes (also used by `pages/streaming.py`)."""
    if output is None:
        return []
    candidates = output if isinstance(output, list) else [output]
    if set(map(type, candidates)) <= {dict}:  # the usual page, checked without a Python loop
        return candidates
    for candidate in candidates:
        if not isinstance(candidate, dict):
            selected = (
                "the response holds" if data_path is None else f"data_path {data_path!r} selected"
            )
            raise ResponseFormatError(
                f"{where}: {selected} a {_json_type(candidate)}, but items must be JSON "
                "objects. Point data_path at the array of objects (e.g. .data), or wrap "
                "scalars: .ids | map({id: .})"
            )
    return candidates


def _json_type(value: Any) -> str:
    names = {
        str: "string",
        bool: "boolean",
        int: "number",
        float: "number",
        list: "array",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)
