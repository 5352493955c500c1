"""`selector.live_events`: which deliveries concern a resource, and what they carry.

A pydantic v1 model (Ocean's mapping models are v1), held by the resource selector. Every jq
expression — `when`, `item`, `delete_when` and each `{...}` of `refetch_path` — is compiled
when the mapping loads, so a typo stops the mapping there with its key named, not at the
first delivery. Each runs over the envelope `{"headers": {lower-cased}, "body": <JSON>}`
(`refetch_path`'s placeholders over each item).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from pydantic.v1 import BaseModel, Extra, Field, root_validator, validator

from connection.urls import join_url
from jq_paths.precise_jq import compile_jq, select

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class LiveEventError(Exception):
    """A delivery this resource's live_events cannot use; the message names the key and jq."""


class LiveEvents(BaseModel):
    """How one resource reads the API's webhook deliveries (docs/live-events.md)."""

    class Config:
        extra = Extra.forbid

    when: str = Field(
        title="When",
        description=(
            'jq over {"headers": {lower-cased}, "body": ...}: true for the deliveries of '
            'this resource, e.g. \'.headers["x-github-event"] == "issues"\'.'
        ),
    )
    item: str = Field(
        title="Item",
        description=(
            "jq to the item(s) in the delivery, shaped like the endpoint's items, e.g. "
            ".body.issue; an array output is several items."
        ),
    )
    delete_when: str | None = Field(
        default=None,
        title="Delete when",
        description="jq over the delivery: true when its items' entities are to be deleted.",
    )
    refetch: bool = Field(
        default=False,
        title="Refetch",
        description=(
            "true: fetch each item again from the API at refetch_path (a 404 deletes "
            "its entity) instead of trusting the delivery's copy."
        ),
    )
    refetch_path: str | None = Field(
        default=None,
        title="Refetch path",
        description=(
            "Path relative to baseUrl with {jq} placeholders filled from the item, e.g. "
            "/repos/acme/widgets/issues/{.number}."
        ),
    )

    @validator("when", "item", "delete_when")
    def _compile(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        compile_jq(value.strip())  # ValueError with jq's message, named by the key's path
        return value.strip()

    @validator("refetch_path")
    def _check_refetch_path(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        join_url("https://example.invalid", value.strip())  # rejects absolute URLs
        for expression in _PLACEHOLDER.findall(value):
            if not expression.strip():
                raise ValueError("an empty {} placeholder; write a jq path such as {.number}")
            compile_jq(expression.strip())
        return value.strip()

    @root_validator(skip_on_failure=True)
    def _refetch_needs_a_path(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values.get("item") is None:
            raise ValueError("live_events.item is empty: a jq to the item(s), e.g. .body.issue")
        if values.get("when") is None:
            raise ValueError("live_events.when is empty: a jq predicate over the delivery")
        if values["refetch"] and not values.get("refetch_path"):
            raise ValueError(
                "live_events.refetch needs refetch_path, e.g. /repos/acme/widgets/issues/{.number}"
            )
        if values.get("refetch_path") and not values["refetch"]:
            raise ValueError("live_events.refetch_path applies with refetch: true")
        return values

    def holds(self, key: str, envelope: dict[str, Any]) -> bool:
        """Whether `when` / `delete_when` (`key`) holds: its first output is neither false nor
        null. Raises LiveEventError naming the key and jq when it fails on this delivery."""
        expression = getattr(self, key)
        if expression is None:
            return False
        try:
            outputs = list(compile_jq(expression).input_value(envelope).all())
        except ValueError as error:
            raise LiveEventError(f"live_events.{key} {expression!r} failed: {error}") from None
        return bool(outputs) and outputs[0] not in (False, None)

    def items(self, envelope: dict[str, Any]) -> list[dict[str, Any]]:
        """The delivery's items: each object output of `item`, each object of an array output;
        null outputs are skipped. Anything else raises LiveEventError."""
        try:
            outputs = select(self.item, envelope)
        except ValueError as error:
            raise LiveEventError(f"live_events.item {self.item!r} failed: {error}") from None
        found: list[dict[str, Any]] = []
        for output in outputs:
            for item in output if isinstance(output, list) else [output]:
                if isinstance(item, dict):
                    found.append(item)
                elif item is not None:
                    raise LiveEventError(
                        f"live_events.item {self.item!r} selected a {type(item).__name__}, "
                        "not an object shaped like the endpoint's items"
                    )
        return found

    def refetch_path_for(self, item: dict[str, Any]) -> str:
        """`refetch_path` with each `{jq}` filled from `item`, percent-encoded as one path
        segment (a value holding `/` or `..` cannot leave its segment)."""

        def fill(match: re.Match[str]) -> str:
            expression = match.group(1).strip()
            try:
                outputs = list(compile_jq(expression).input_value(item).all())
            except ValueError as error:
                raise LiveEventError(
                    f"live_events.refetch_path {{{expression}}} failed: {error}"
                ) from None
            if len(outputs) != 1 or not isinstance(outputs[0], (str, int, float)):
                raise LiveEventError(
                    f"live_events.refetch_path {{{expression}}} must give one string or "
                    f"number for the item, got {outputs[:3]!r}"
                )
            value = outputs[0]
            whole = isinstance(value, float) and value.is_integer()
            text = str(int(value)) if whole else str(value)
            return quote(text, safe="")

        return _PLACEHOLDER.sub(fill, self.refetch_path or "")
