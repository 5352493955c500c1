"""The base of a problem a resource's selector has when Ocean loads the mapping.

pydantic (v1, as Ocean's models) collects it as a validation error; the port-app-config's
error text (`selector_checks/config_errors.py`) prints `detail` at the path of the field plus
`path` (the key under it at fault, when there is one) and `fix`, the way to mend it.
"""

from __future__ import annotations

from pydantic.v1.errors import PydanticValueError


class ConfigProblem(PydanticValueError):
    msg_template = "{detail}"

    def __init__(self, *, detail: str, fix: str, path: str = "") -> None:
        super().__init__(detail=detail, fix=fix, path=path)
