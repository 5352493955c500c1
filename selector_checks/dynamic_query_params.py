"""`selector.dynamic_query_params`: query parameters whose values come from another endpoint.

An entry has the shape of a path parameter (`PathParameter`: endpoint, method, query_params,
headers, body, data_path, field, filter, read_only) and is keyed by the query parameter's name:

    kind: /api/issues
    selector:
      dynamic_query_params:
        project: {endpoint: /api/projects, data_path: .values, field: .key}

fetches `/api/issues?project=<key>` once per discovered key, each item carrying `__project`.
The discovery and the calls are the fan-out engine's (`fanout/`); this module holds the checks
that only a query parameter needs. The ones shared with path parameters (every discovery
placeholder has an entry, no cycle) are `selector_checks.path_parameters.check_resource`.

(No `from __future__ import annotations`: the selector model that calls this is pydantic v1.)
"""

from typing import Any

import httpx
from pydantic.v1 import ValidationError
from pydantic.v1.error_wrappers import ErrorWrapper

from selector_checks.path_parameters import PathParameter

SECTION = "dynamic_query_params"


def check_dynamic_query_params(
    path: str,
    dynamic: dict[str, PathParameter],
    path_parameters: dict[str, PathParameter],
    query_params: dict[str, Any],
    model: type,
) -> None:
    """Raise a ValidationError of the selector `model` located at
    `dynamic_query_params.<name>` when a name cannot be a discovered query parameter: blank,
    also a path parameter, or also set by `selector.query_params` or the path's own query string
    (the request would carry a fixed value beside, or instead of, the discovered one)."""
    for name in dynamic:
        if problem := _problem(name, path, path_parameters, query_params):
            raise ValidationError([ErrorWrapper(ValueError(problem), loc=(SECTION, name))], model)


def _problem(
    name: str, path: str, path_parameters: dict[str, PathParameter], query_params: dict[str, Any]
) -> str | None:
    if not name.strip() or name != name.strip():
        return (
            f"{name!r} is not a query parameter name: write it as the API spells it, e.g. project"
        )
    if name in path_parameters:
        return (
            f"{name!r} is also in selector.path_parameters: a discovered value fills either a "
            f"{{placeholder}} of the path or a query parameter, and both would set __{name} on "
            "the items. Keep one of the two entries"
        )
    if name in query_params:
        return (
            f"{name!r} is also in selector.query_params (selector.query_params.{name} and "
            f"selector.{SECTION}.{name}): the request cannot carry both the fixed value and the "
            f"discovered one. Remove selector.query_params.{name}, or the {SECTION} entry"
        )
    if name in _own_query(path):
        return (
            f"{name!r} is also in the query string of the endpoint path {path!r}: the request "
            f"cannot carry both the fixed value and the discovered one. Remove ?{name}= from it"
        )
    return None


def _own_query(path: str) -> set[str]:
    """The parameter names of the kind's (or selector.endpoint's) literal query string."""
    return set(httpx.URL(path).params.keys())
