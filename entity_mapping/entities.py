"""`Entity.parse_obj`, without pydantic's validation where it would change nothing.

Validating each entity is half of a page's mapping time on the fast path. Ocean's `Entity`
types most fields `Any` (kept as they are); only `icon` (`str | None`) and `team`
(`str | None | list | dict`) convert — a number becomes its string — and `properties` /
`relations` must be objects. An entity whose values are already of those exact types is
built with `Entity.construct` (the same fields set, the same values); any other goes through
`Entity.parse_obj`, conversions and errors included.
"""

from __future__ import annotations

from typing import Any

from port_ocean.core.models import Entity

_FIELDS = frozenset(Entity.__fields__)
_TEAM_TYPES = (str, list, dict)


def entity_from_mapping(fields: dict[str, Any]) -> Entity:
    if _valid_as_is(fields):
        return Entity.construct(**fields)
    return Entity.parse_obj(fields)


def _valid_as_is(fields: dict[str, Any]) -> bool:
    icon, team = fields.get("icon"), fields.get("team")
    return (
        fields.keys() <= _FIELDS
        and (icon is None or type(icon) is str)
        and (team is None or type(team) in _TEAM_TYPES)
        and type(fields.get("properties", {})) is dict
        and type(fields.get("relations", {})) is dict
    )
