"""Fan-out: fetch a templated kind once per combination of discovered values (path parameters
and dynamic query parameters alike; `fanout/plan.py` says where each value goes).

    discovery of the first name (streamed, page by page)
      → values of the other names (per parent for dependent ones, `limit` calls at once)
      → child calls, `limit` at once → each child page yielded to Ocean as it arrives

Every stage is a bounded stream (see `fanout/stream_merge.py`): the first child items reach Ocean
while discovery is still paginating, and memory holds what is in flight, not one entry per parent
(besides the set of distinct values each discovery needs for its dedupe). Every failure raises
(see `core/errors.py` for why), except child statuses the user listed in `skip_statuses`, which mean
"this parent has no children" and are counted in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from loguru import logger

from client import ApiClient
from core.errors import FetchError, PaginationError
from fanout.discovery import Discovery, DiscoveryCache, discover, with_context
from fanout.plan import Binding, FanOutPlan
from fanout.stream_merge import bounded_merge, bounded_merge_ready

__all__ = ["FanOut", "FanOutPlan"]  # the plan is built beside the run (main.py, bench)
NO_CHILDREN_HINT = frozenset({403, 404, 410})
# Child pages waiting for Ocean. Ocean maps and upserts each yielded batch at a fixed cost, so
# while it works on one, finished child pages queue up here and go to it as one batch; a full
# queue pauses the workers. This bounds memory at READY_PAGES pages, whatever the parents.
READY_PAGES = 100
Items = list[dict[str, Any]]
# Wraps each child call's pages (an incremental cutoff stops each child run on its own).
ChildPages = Callable[[AsyncGenerator[Items, None]], AsyncIterator[Items]]


@dataclass
class FanOutStats:
    children: int = 0
    items: int = 0
    duplicates: int = 0
    skipped: Counter[int] = field(default_factory=Counter)


class FanOut:
    """One run of a templated kind."""

    def __init__(
        self,
        client: ApiClient,
        plan: FanOutPlan,
        cache: DiscoveryCache,
        limit: int,
        child_pages: ChildPages | None = None,
    ) -> None:
        plan = one_page_at_a_time(plan)
        self.client, self.plan, self.cache, self.limit = client, plan, cache, limit
        self.child_pages = child_pages
        self.stats = FanOutStats()
        self._shared_calls: dict[str, asyncio.Future[list[str]]] = {}

    async def pages(self) -> AsyncIterator[list[dict[str, Any]]]:
        """Each child page's items, with `__<name>` set on every item, as they arrive."""
        order = self.plan.order
        extra_roots = [name for name in order[1:] if not self._discovery(name).depends_on]
        root_values = {name: await self._values(name, {}) for name in extra_roots}
        bindings = self._root_bindings(order[0])
        for index, name in enumerate(order[1:], start=1):
            if name in root_values:
                bindings = _product(bindings, name, root_values[name])
            else:
                repeats = set(self._discovery(name).depends_on) != set(order[:index])
                expand = partial(self._expand, name, repeats)
                bindings = bounded_merge(bindings, expand, self.limit)
        if set(order) != set(self.plan.call_names):
            bindings = self._distinct(bindings)  # two chains can lead to the same child call
        children = bounded_merge_ready(bindings, self._children, self.limit, READY_PAGES)
        async with contextlib.aclosing(children):  # closing us early stops every worker
            async for pages in children:
                yield [item for page in pages for item in page]
        self._report()

    def _discovery(self, name: str) -> Discovery:
        return self.plan.discoveries[name]

    async def _root_bindings(self, name: str) -> AsyncGenerator[Binding, None]:
        async for values in discover(
            self.client, self.plan.base_url, self._discovery(name), {}, self.cache
        ):
            for value in values:
                yield {name: value}

    async def _expand(
        self, name: str, repeats: bool, binding: Binding
    ) -> AsyncGenerator[Binding, None]:
        values = await (self._shared_values if repeats else self._values)(name, binding)
        for value in values:
            yield {**binding, name: value}

    async def _values(self, name: str, binding: Binding) -> list[str]:
        """All values of one discovery call. A per-parent call may be skipped (skip_statuses)."""
        values: list[str] = []
        try:
            async for batch in discover(
                self.client, self.plan.base_url, self._discovery(name), binding, self.cache
            ):
                values.extend(batch)
        except FetchError as error:
            if not binding or values or error.status_code not in self.plan.skip_statuses:
                raise
            self._skip(error, binding, f"{self._discovery(name).key} discovery")
        return values

    async def _shared_values(self, name: str, binding: Binding) -> list[str]:
        """Like `_values`, but one call per distinct call even when several bindings need it
        (a discovery that uses only some of the placeholders bound before it)."""
        call = self._discovery(name).call_id(binding)
        if call in self._shared_calls:
            return await asyncio.shield(self._shared_calls[call])
        future = asyncio.get_running_loop().create_future()
        self._shared_calls[call] = future
        try:
            values = await self._values(name, binding)
        except BaseException:
            future.cancel()
            raise
        future.set_result(values)
        return values

    async def _distinct(
        self, bindings: AsyncGenerator[Binding, None]
    ) -> AsyncGenerator[Binding, None]:
        seen: set[tuple[str, ...]] = set()
        names = self.plan.call_names
        async for binding in bindings:
            key = tuple(binding[name] for name in names)
            if key in seen:
                self.stats.duplicates += 1
                continue
            seen.add(key)
            yield binding

    async def _children(self, binding: Binding) -> AsyncGenerator[list[dict[str, Any]], None]:
        marks = {f"__{name}": value for name, value in binding.items()}
        received = False
        try:
            child = self.plan.child_endpoint(binding)
            pages = self.client.iter_items(child, quiet=True)
            async for items in self.child_pages(pages) if self.child_pages else pages:
                received = True
                for item in items:
                    item.update(marks)
                self.stats.items += len(items)
                yield items
        except FetchError as error:
            if received or error.status_code not in self.plan.skip_statuses:
                raise with_context(error, self._child_context(binding, error)) from error
            self._skip(error, binding, "child call")
        except PaginationError as error:
            raise with_context(error, self._child_context(binding, error)) from error
        self.stats.children += 1

    def _child_context(self, binding: Binding, error: FetchError | PaginationError) -> str:
        context = f"child call for {_describe(binding)}"
        status = getattr(error, "status_code", None)
        if status in NO_CHILDREN_HINT:
            context += (
                f" (if {status} means this parent has no children, list it in "
                "selector.skip_statuses)"
            )
        return context

    def _skip(self, error: FetchError, binding: Binding, what: str) -> None:
        assert error.status_code is not None
        self.stats.skipped[error.status_code] += 1
        logger.info(
            f"[{self.plan.kind}] {what} for {_describe(binding)} returned {error.status_code}: "
            "no children for this parent (selector.skip_statuses)"
        )

    def _report(self) -> None:
        stats = self.stats
        line = (
            f"[{self.plan.kind}] fan-out done: {stats.items} items from {stats.children} child "
            f"calls ({stats.duplicates} duplicate combinations fetched once)"
        )
        if stats.skipped:
            counts = ", ".join(f"{status}: {n}" for status, n in sorted(stats.skipped.items()))
            logger.warning(f"{line}; skipped as 'no children' per selector.skip_statuses: {counts}")
        else:
            logger.info(line)


def one_page_at_a_time(plan: FanOutPlan) -> FanOutPlan:
    """The plan with its child calls fetching one page at a time under `parallelPages: auto`.

    `limit` child calls already run at once and fill `maxConcurrentRequests`, so a child's own
    page window (fetching/page_window.py) could only queue behind the other children — no
    faster — while each window past a child's end costs requests: a child list of one full page
    and no stop flag takes 3 requests instead of 2, on every parent. A number set for
    `parallelPages` (the connection's, or the resource's `selector.pagination`) still applies:
    the setting for a few parents with long child lists. Discovery calls are not changed."""
    paging = plan.child.pagination
    if paging.parallel_pages != "auto":
        return plan
    sequential = paging.model_copy(update={"parallel_pages": 1})
    return replace(plan, child=replace(plan.child, pagination=sequential))


async def _product(
    bindings: AsyncGenerator[Binding, None], name: str, values: list[str]
) -> AsyncGenerator[Binding, None]:
    async for binding in bindings:
        for value in values:
            yield {**binding, name: value}


def _describe(binding: Binding) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in binding.items())
