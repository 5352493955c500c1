"""`selector.incremental`: the pydantic v1 model (Ocean's mapping models are v1) and the checks
that need only its own keys. Each error names the key, the value and the fix
(`selector_checks/config_errors.py` renders them as `resources[i].selector.incremental.<key>`).

```yaml
incremental:
  param: since               # gets the cursor (a dot path into the body when paging in the body)
  format: iso8601            # iso8601 | epoch | epoch_ms | date | a strftime pattern
  timezone: UTC              # IANA zone the cursor is written in
  lookback_seconds: 0        # overlap subtracted from the cursor
  query_params: {sort: updated}   # replace same-named selector params; {incremental_cursor}
  cutoff: .updated_at        # jq per item: newest-first APIs without a server-side filter
```
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from pydantic.v1 import BaseModel, Extra, Field, root_validator, validator

from core.config_problem import ConfigProblem
from incremental.cursor_format import (
    PLACEHOLDER,
    check_format,
    check_placeholder,
    formatted,
    placeholders_in,
    substitute,
    zone,
)
from jq_paths.precise_jq import compile_jq

PLACEHOLDER_FIX = (
    "use {incremental_cursor} or {incremental_cursor:%Y-%m-%d %H:%M} in the values of "
    "selector.incremental.query_params only"
)


class IncrementalConfigError(ConfigProblem):
    """A `selector.incremental` problem; `path` is the key under the field that holds it."""

    code = "incremental"


class IncrementalSelector(BaseModel):
    """How an incremental run of this resource asks for what changed since the cursor."""

    class Config:
        extra = Extra.forbid

    param: str | None = Field(
        default=None,
        title="Cursor parameter",
        description=(
            "Query parameter that carries the cursor (e.g. since, start_time); replaces a "
            "same-named selector query parameter. A dot path into the JSON body when the "
            "resource paginates in the body. Optional when a placeholder carries the cursor."
        ),
    )
    format: str = Field(
        default="iso8601",
        title="Cursor format",
        description="iso8601 (UTC 'Z'), epoch, epoch_ms, date, or a strftime pattern.",
    )
    timezone: str = Field(
        default="UTC", title="Timezone", description="IANA zone the cursor is written in."
    )
    lookback_seconds: int = Field(
        default=0,
        ge=0,
        title="Lookback (seconds)",
        description="Overlap subtracted from the cursor (clock skew, slow indexing).",
    )
    query_params: dict[str, Any] = Field(
        default_factory=dict,
        title="Incremental query parameters",
        description=(
            "Sent only in incremental runs; a same-named selector query parameter is replaced, "
            "not merged. Values may hold {incremental_cursor} or "
            "{incremental_cursor:%Y-%m-%d %H:%M}."
        ),
    )
    cutoff: str | None = Field(
        default=None,
        title="Cutoff",
        description=(
            "jq on each item giving its change time, for newest-first APIs without a "
            "server-side filter: older items are dropped and paging stops after the first "
            "page that reaches them."
        ),
    )

    @validator("param")
    def _check_param(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if placeholders_in(value):
            raise IncrementalConfigError(
                detail="param is the name of the parameter that gets the cursor, not a value",
                fix="write the parameter name, e.g. since; " + PLACEHOLDER_FIX,
            )
        return value.strip()

    @validator("format")
    def _check_format(cls, value: str) -> str:
        try:
            return check_format(value)
        except ValueError as error:
            raise IncrementalConfigError(
                detail=str(error), fix="use iso8601, epoch, epoch_ms, date or a strftime pattern"
            ) from None

    @validator("timezone")
    def _check_timezone(cls, value: str) -> str:
        try:
            zone(value)
        except ValueError as error:
            raise IncrementalConfigError(detail=str(error), fix="use an IANA zone name") from None
        return value.strip()

    @validator("query_params")
    def _check_query_params(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name, item in value.items():
            if placeholders_in(str(name)):
                raise IncrementalConfigError(
                    path=str(name),
                    detail="a cursor placeholder in a parameter name is never replaced",
                    fix=PLACEHOLDER_FIX,
                )
            for text in placeholders_in(item):
                try:
                    check_placeholder(text)
                except ValueError as error:
                    fix = "use {incremental_cursor} or {incremental_cursor:<strftime pattern>}"
                    detail = str(error)
                    raise IncrementalConfigError(path=str(name), detail=detail, fix=fix) from None
        return value

    @validator("cutoff")
    def _check_cutoff(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            compile_jq(value.strip())
        except ValueError as error:
            fix = "fix the jq syntax, e.g. .updated_at (try it with jq on a sample item)"
            raise IncrementalConfigError(detail=str(error), fix=fix) from None
        return value.strip()

    @root_validator(skip_on_failure=True)
    def _something_filters(cls, values: dict[str, Any]) -> dict[str, Any]:
        carried = any(PLACEHOLDER.search(text) for text in placeholders_in(values["query_params"]))
        if values.get("param") is None and not carried and values.get("cutoff") is None:
            raise IncrementalConfigError(
                detail=(
                    "incremental has no param, no {incremental_cursor} placeholder and no "
                    "cutoff: an incremental run would read everything"
                ),
                fix="set param (e.g. since), a placeholder in incremental.query_params, or cutoff",
            )
        return values

    @property
    def zone(self) -> tzinfo:
        return zone(self.timezone)

    def since(self, cursor: datetime) -> datetime:
        """The moment asked for: Ocean's cursor less the lookback."""
        return cursor - timedelta(seconds=self.lookback_seconds)

    def values(self, cursor: datetime) -> dict[str, Any]:
        """What an incremental run sets, by parameter name (or body dot path): the
        incremental query parameters with placeholders filled, then `param`."""
        since = self.since(cursor)
        values = {
            name: substitute(item, since, self.format, self.zone)
            for name, item in self.query_params.items()
        }
        if self.param is not None:
            values[self.param] = formatted(since, self.format, self.zone)
        return values
