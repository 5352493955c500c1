"""What a templated resource calls: its discoveries, the order they are bound in, and the child
call of one binding.

A value fills either a `{name}` placeholder of the path (`selector.path_parameters`) or a query
parameter of the same name (`selector.dynamic_query_params`). Both are discovered the same way
and bound together, so `/projects/{project}/issues` with a dynamic `assignee` is called once per
(project, assignee) combination, as `/projects/P1/issues?assignee=alice`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from connection.urls import join_url
from core.errors import ConfigurationError
from fanout.discovery import Discovery
from selector_checks.path_parameters import PathParameter, fill, placeholders

Binding = dict[str, str]  # discovered name → value (a placeholder or a query parameter)
PATH_SECTION, QUERY_SECTION = "path_parameters", "dynamic_query_params"


def discoveries_of(
    owner: Endpoint,
    path_parameters: Mapping[str, PathParameter],
    dynamic_query_params: Mapping[str, PathParameter] | None = None,
    *,
    pagination: PaginationSettings,
) -> dict[str, Discovery]:
    """Every discovery of one resource, each named by its selector key (for messages), walking
    its pages by `pagination` (the connection's). A name in both maps is refused here too (the
    mapping check reports it first, with its path)."""
    dynamic = dynamic_query_params or {}
    if both := sorted(set(path_parameters) & set(dynamic)):
        raise ConfigurationError(
            f"[{owner.kind}] {both[0]!r} is both in selector.{PATH_SECTION} and in "
            f"selector.{QUERY_SECTION}: a discovered value fills one or the other"
        )
    found = {
        name: Discovery.of(owner, name, p, pagination, PATH_SECTION)
        for name, p in path_parameters.items()
    }
    found.update(
        {
            name: Discovery.of(owner, name, p, pagination, QUERY_SECTION)
            for name, p in dynamic.items()
        }
    )
    return found


@dataclass(frozen=True)
class FanOutPlan:
    """A templated kind and the discoveries that fill it, in the order they are bound."""

    kind: str
    base_url: str
    child: Endpoint
    discoveries: dict[str, Discovery]
    skip_statuses: frozenset[int] = frozenset()
    query_names: tuple[str, ...] = ()  # the discoveries that fill query parameters

    @classmethod
    def build(
        cls,
        child: Endpoint,
        base_url: str,
        parameters: Mapping[str, PathParameter],
        skip_statuses: list[int] | None = None,
        dynamic_query_params: Mapping[str, PathParameter] | None = None,
        *,
        discovery_pagination: PaginationSettings,
    ) -> FanOutPlan:
        """`discovery_pagination`: how the discovery calls walk their pages (the connection's
        pagination; a resource's own applies to its child calls only)."""
        discoveries = discoveries_of(
            child, parameters, dynamic_query_params, pagination=discovery_pagination
        )
        skip, query = frozenset(skip_statuses or ()), tuple(dynamic_query_params or ())
        return cls(child.kind, base_url, child, discoveries, skip, query)

    @property
    def call_names(self) -> list[str]:
        """The names the child call itself uses: two bindings that agree on these make the
        same request (the others only led to it)."""
        return [*placeholders(self.kind), *self.query_names]

    @property
    def order(self) -> list[str]:
        """Names in binding order: a discovery runs once its own placeholders are bound.
        The first is a root discovery (it is streamed); a dependent one comes as early as it can,
        so it runs once per parent rather than once per unrelated combination."""
        order: list[str] = []
        canonical = list(dict.fromkeys([*self.call_names, *self.discoveries]))
        while len(order) < len(canonical):
            ready = [
                name
                for name in canonical
                if name not in order and set(self.discoveries[name].depends_on) <= set(order)
            ]
            dependents = [name for name in ready if self.discoveries[name].depends_on]
            order.append((dependents or ready)[0])
        return order

    def child_endpoint(self, binding: Binding) -> Endpoint:
        """The child call of one binding: placeholders filled (each value one encoded path
        segment), discovered query parameters added to the selector's fixed ones (the mapping
        check refuses a name in both)."""
        url = join_url(self.base_url, fill(self.kind, binding))
        if not self.query_names:
            return replace(self.child, url=url)
        query = {**self.child.query_params, **{name: binding[name] for name in self.query_names}}
        return replace(self.child.with_call(query_params=query), url=url)
