"""`selector.path_parameters`: the model of one `{name}` placeholder and its load-time checks.

A kind such as `/api/v2/tickets/{ticket_id}/comments.json` is fetched once per value that
`path_parameters.ticket_id` discovers from another endpoint. A discovery endpoint may itself hold
placeholders filled by other entries of the same map (repos → branches → protections), or of
`selector.dynamic_query_params`, whose entries are this model
(selector_checks/dynamic_query_params.py).

(No `from __future__ import annotations` here: this is an Ocean mapping model, pydantic v1, and
integration.py — which Ocean loads by path — builds on it.)
"""

import re
from typing import Any
from urllib.parse import quote

import httpx
from pydantic.v1 import Field, ValidationError, validator
from pydantic.v1.error_wrappers import ErrorWrapper

from connection.call_fields import CallFields
from jq_paths.precise_jq import compile_jq

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*)\}")
# A brace that is not part of a well-formed `{name}` would be sent literally: reject it.
STRAY_BRACE = re.compile(r"[{}]")
# Statuses that never mean "this parent has no children": auth, proxy auth, timeouts, rate limits.
NEVER_SKIPPED = frozenset({401, 407, 408, 429})


class PathParameter(CallFields):
    """Where the values of one `{name}` placeholder come from: a call (connection/call_fields.py)
    and what to read from its items."""

    endpoint: str = Field(
        title="Discovery endpoint",
        description=(
            "Endpoint path, relative to baseUrl, that lists the parent items, e.g. "
            "/api/v2/tickets.json. It paginates like any endpoint and may hold {placeholders} "
            "of other path_parameters (or dynamic_query_params) entries."
        ),
    )
    field: str = Field(
        title="Field",
        description="jq expression per discovered item giving the value, e.g. .id.",
    )
    filter: str | None = Field(
        default=None,
        title="Filter",
        description=(
            "jq expression per discovered item; the item is kept when it is true, "
            'e.g. .status != "closed".'
        ),
    )

    @validator("query_params", "headers", pre=True)
    def _null_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    @validator("endpoint")
    def _endpoint_is_a_path(cls, value: str) -> str:
        if not value.strip() or httpx.URL(value.strip()).is_absolute_url:
            raise ValueError(
                "endpoint must be a path relative to baseUrl, such as /api/v2/tickets.json "
                "(discovery calls go to the same API, with the same credentials)"
            )
        check_placeholders(value)
        return value.strip()

    @validator("field", "filter")
    def _compile_jq(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.strip():
            raise ValueError("must be a jq expression, e.g. .id")
        compile_jq(value.strip())
        return value.strip()


def placeholders(path: str) -> list[str]:
    """The distinct `{name}` placeholders of a path, in order of appearance."""
    return list(dict.fromkeys(PLACEHOLDER.findall(path)))


def check_placeholders(path: str) -> None:
    """Raise ValueError when the path holds a brace that is not a `{name}` placeholder."""
    if STRAY_BRACE.search(PLACEHOLDER.sub("", path)):
        raise ValueError(
            f"{path!r} holds a brace that is not a {{name}} placeholder "
            "(names are letters, digits, _ and -, not starting with a digit)"
        )


def encode_segment(value: str) -> str:
    """Percent-encode a value as exactly one path segment: `a b/../x` → `a%20b%2F..%2Fx`.

    `.` and `..` alone would be removed by URL normalisation (walking up the path), so their
    dots are encoded too.
    """
    if value in (".", ".."):
        return value.replace(".", "%2E")
    return quote(value, safe="")


def fill(path: str, values: dict[str, str]) -> str:
    """Replace each `{name}` with its encoded value."""
    return PLACEHOLDER.sub(lambda match: encode_segment(values[match.group(1)]), path)


def check_skip_statuses(statuses: list[int]) -> list[int]:
    for status in statuses:
        if not 400 <= status <= 499 or status in NEVER_SKIPPED:
            raise ValueError(
                f"{status} cannot mean 'this parent has no children': use 4xx statuses such as "
                f"404 or 403 (not {', '.join(map(str, sorted(NEVER_SKIPPED)))}: those are "
                "authentication, timeouts and rate limits, and 5xx are API failures)"
            )
    return sorted(set(statuses))


def check_resource(
    kind: str,
    parameters: dict[str, PathParameter],
    skip_statuses: list[int],
    model: type,
    dynamic: dict[str, PathParameter] | None = None,
) -> None:
    """Load-time checks of one resource: every placeholder has an entry, every entry fills a
    placeholder, and discovery endpoints do not depend on each other in a cycle. `dynamic`
    (`selector.dynamic_query_params`, checked on their own in
    selector_checks/dynamic_query_params.py)
    are roots too, and their discovery endpoints may use `path_parameters` entries.

    Raises a ValidationError of the selector `model` located at the offending key, so the
    message reads `resources[2].selector.path_parameters.ticket_id: ...`.
    """
    if problem := _find_problem(kind, parameters, skip_statuses, dynamic or {}):
        loc, message = problem
        raise ValidationError([ErrorWrapper(ValueError(message), loc=loc)], model)


def _find_problem(
    kind: str,
    parameters: dict[str, PathParameter],
    skip_statuses: list[int],
    dynamic: dict[str, PathParameter],
) -> tuple[tuple[str, ...], str] | None:
    in_kind = placeholders(kind)
    for name in in_kind:
        if name not in parameters:
            return ("path_parameters", name), (
                f"kind {kind!r} has the placeholder {{{name}}} but path_parameters has no entry "
                f"for it. Add one: path_parameters: {{{name}: {{endpoint: <path listing the "
                "parents>, data_path: <.items>, field: <.id>}}"
            )
    every = {**parameters, **dynamic}
    lacking = "neither path_parameters nor dynamic_query_params has an" if dynamic else ""
    for name, parameter in every.items():
        for needed in placeholders(parameter.endpoint):
            if needed not in every:
                return (_section(name, parameters), name, "endpoint"), (
                    f"the discovery endpoint has the placeholder {{{needed}}} but "
                    f"{lacking or 'path_parameters has no'} entry for it"
                )
    used = _reachable([*in_kind, *dynamic], every)
    for name in parameters:
        if name not in used:
            return ("path_parameters", name), (
                f"fills no placeholder: neither the kind {kind!r} nor another discovery "
                f"endpoint contains {{{name}}}. Remove it or fix the name"
            )
    if cycle := find_cycle(every):
        return (_section(cycle[0], parameters), cycle[0], "endpoint"), (
            f"discovery endpoints depend on each other in a cycle: {' → '.join(cycle)}"
        )
    if skip_statuses and not in_kind and not dynamic:
        return ("skip_statuses",), (
            f"applies to calls made per parent value, but kind {kind!r} has no {{placeholder}} "
            "and no dynamic_query_params. Remove skip_statuses"
        )
    return None


def _section(name: str, parameters: dict[str, PathParameter]) -> str:
    return "path_parameters" if name in parameters else "dynamic_query_params"


def _reachable(roots: list[str], parameters: dict[str, PathParameter]) -> set[str]:
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen or name not in parameters:
            continue
        seen.add(name)
        pending.extend(placeholders(parameters[name].endpoint))
    return seen


def find_cycle(parameters: dict[str, PathParameter]) -> list[str] | None:
    """`[a, b, a]` when discovering `a` needs `b` and `b` needs `a`; None when acyclic."""
    state: dict[str, str] = {}  # "active" while on the DFS stack, then "done"

    def visit(name: str, trail: list[str]) -> list[str] | None:
        if state.get(name) == "active":
            return [*trail[trail.index(name) :], name]
        if state.get(name) == "done" or name not in parameters:
            return None
        state[name] = "active"
        for needed in placeholders(parameters[name].endpoint):
            if found := visit(needed, [*trail, name]):
                return found
        state[name] = "done"
        return None

    for name in parameters:
        if found := visit(name, []):
            return found
    return None
