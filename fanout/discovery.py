"""Discovering the values of one `{name}` placeholder (or dynamic query parameter): call its
endpoint, keep the items that pass `filter`, and turn `field` into distinct string values.

Discovered values live in a `DiscoveryCache` for one resync only (in memory, never on disk), so
a discovery endpoint that several kinds use is called once per resync.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from loguru import logger

from client import ApiClient
from connection.endpoint import Endpoint, endpoint_for
from connection.pagination_settings import PaginationSettings
from connection.urls import join_url
from core.errors import ConfigurationError, FetchError, OceanCustomError, PaginationError
from jq_paths.response_paths import jq_outputs
from selector_checks.path_parameters import PathParameter, fill, placeholders

Extractor = tuple[str, str | None]  # (field, filter)


@dataclass(frozen=True)
class Discovery:
    """One `path_parameters` (or `dynamic_query_params`) entry of one kind, ready to run."""

    owner: str  # the kind it serves, for messages
    name: str
    path: str  # may hold placeholders of other entries
    field_jq: str
    filter_jq: str | None
    # The call as configured, its url still a template. It carries the kind's own error
    # convention (e.g. Slack's `ok: false`): an error body read as "no parents" would delete
    # every child.
    call: Endpoint
    section: str = "path_parameters"  # or "dynamic_query_params": where the entry is configured

    @classmethod
    def of(
        cls,
        owner: Endpoint,
        name: str,
        spec: PathParameter,
        pagination: PaginationSettings,
        section: str = "path_parameters",
    ) -> Discovery:
        call = endpoint_for(
            f"{owner.kind} selector.{section}.{name}",
            spec.endpoint,
            spec,
            error_when=owner.error_when,
            error_message_path=owner.error_message_path,
            pagination=pagination,
        )
        return cls(owner.kind, name, spec.endpoint, spec.field, spec.filter, call, section)

    @property
    def key(self) -> str:
        return f"selector.{self.section}.{self.name}"

    @property
    def depends_on(self) -> list[str]:
        return placeholders(self.path)

    @property
    def extractor(self) -> Extractor:
        return (self.field_jq, self.filter_jq)

    @property
    def signature(self) -> str:
        """What identifies the call, whatever field and filter are read from its items."""
        call = self.call
        fields = [call.method, self.path, call.query_params, call.headers, call.body]
        reading = [call.data_path, call.read_only, call.error_when, call.error_message_path]
        return json.dumps([*fields, *reading], sort_keys=True, default=str)

    def call_id(self, binding: dict[str, str]) -> str:
        used = {name: binding[name] for name in self.depends_on}
        return self.signature + json.dumps(used, sort_keys=True)

    def endpoint(self, base_url: str, binding: dict[str, str]) -> Endpoint:
        return replace(self.call, url=join_url(base_url, fill(self.path, binding)))


@dataclass
class Extraction:
    """The distinct values one (field, filter) pair finds in a discovery call's items."""

    discovery: Discovery
    extractor: Extractor
    keep: bool  # keep the value list (for the cache); `seen` is always kept for dedupe
    values: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    items: int = 0
    filtered_out: int = 0
    nulls: int = 0
    duplicates: int = 0
    first_item: Any = None

    def add(self, items: list[dict[str, Any]]) -> list[str]:
        """The new distinct values of one page."""
        fresh: list[str] = []
        if items and not self.items:
            self.first_item = items[0]
        for item in items:
            self.items += 1
            for value in self._values_of(item):
                if value in self.seen:
                    self.duplicates += 1
                    continue
                self.seen.add(value)
                fresh.append(value)
        if self.keep:
            self.values.extend(fresh)
        return fresh

    def _values_of(self, item: dict[str, Any]) -> list[str]:
        field_expr, filter_expr = self.extractor
        if filter_expr is not None and not self._passes(filter_expr, item):
            self.filtered_out += 1
            return []
        outputs = self._run(field_expr, item, "field")
        values = [text for output in outputs if (text := self._text(output)) is not None]
        self.nulls += len(outputs) - len(values) + (0 if outputs else 1)
        return values

    def _passes(self, expression: str, item: dict[str, Any]) -> bool:
        verdicts = self._run(expression, item, "filter")
        for verdict in verdicts:
            if verdict is not None and not isinstance(verdict, bool):
                raise ConfigurationError(
                    f"[{self.discovery.owner}] {self.discovery.key}.filter {expression!r} gave "
                    f"{json.dumps(verdict)[:80]}, not true/false. Write a condition, e.g. "
                    '.status != "closed"'
                )
        return any(verdict is True for verdict in verdicts)

    def _run(self, expression: str, item: dict[str, Any], key: str) -> list[Any]:
        try:
            return jq_outputs(expression, item)
        except ValueError as error:
            raise ConfigurationError(
                f"[{self.discovery.owner}] {self.discovery.key}.{key} {expression!r} failed on a "
                f"discovered item: {error}"
            ) from None

    def _text(self, output: Any) -> str | None:
        """A value as it goes into the path and into `__<name>`; None for null or empty."""
        if output is None or output == "":
            return None
        if isinstance(output, str):
            return output
        if isinstance(output, dict | list):
            raise ConfigurationError(
                f"[{self.discovery.owner}] {self.discovery.key}.field {self.extractor[0]!r} "
                f"selected a JSON {'object' if isinstance(output, dict) else 'array'}; it must "
                "select a string or a number, e.g. .id"
            )
        return json.dumps(output)  # numbers and booleans as JSON writes them: 42, true

    def report(self, call: str) -> None:
        """Log what was discovered; raise when `field` gave nothing on every item, since a
        templated kind with no values would finish "complete" and Ocean would delete it all."""
        if (
            self.items
            and not self.seen
            and (self.nulls >= self.items - self.filtered_out > 0 or self._one_unread_page())
        ):
            raise ConfigurationError(self._no_values_message(call))
        detail = (
            f"{self.discovery.key}: {len(self.seen)} values from {self.items} items of {call}"
            f" ({self.filtered_out} filtered out, {self.duplicates} duplicates fetched once)"
        )
        if self.nulls:
            logger.warning(
                f"[{self.discovery.owner}] {detail}; {self.nulls} items gave no value (null or "
                f"empty {self.discovery.key}.field) and were skipped"
            )
        else:
            logger.info(f"[{self.discovery.owner}] {detail}")

    def _one_unread_page(self) -> bool:
        """No data_path, and the page taken as one item holds an array: the items were in it
        (the filter, run over the whole page, said no to it rather than to each item)."""
        page = self.first_item
        return (
            self.discovery.call.data_path is None
            and isinstance(page, dict)
            and any(isinstance(value, list) for value in page.values())
        )

    def _no_values_message(self, call: str) -> str:
        key, field = self.discovery.key, self.extractor[0]
        message = (
            f"[{self.discovery.owner}] {key}.field {field!r} gave no value on any of the "
            f"{self.items} items of {call} ({self.filtered_out} filtered out)"
        )
        if self.discovery.call.data_path is None and isinstance(self.first_item, dict):
            lists = [name for name, value in self.first_item.items() if isinstance(value, list)]
            hint = f", e.g. .{lists[0]}" if lists else ""
            message += (
                f". With no {key}.data_path the whole response is one item (its keys: "
                f"{', '.join(list(self.first_item)[:10])}): set {key}.data_path to the item "
                f"array{hint}"
            )
        else:
            message += f": check {key}.field against the items (and {key}.data_path)"
        return message


class DiscoveryCache:
    """Discovered values of one resync, kept only for calls that more than one
    `path_parameters` entry (across all kinds of the mapping) needs. One call serves every
    (field, filter) pair that the mapping reads from it."""

    def __init__(self, discoveries: Iterable[Discovery] = ()) -> None:
        uses: Counter[str] = Counter()
        self._extractors: dict[str, list[Extractor]] = {}
        for discovery in discoveries:
            uses[discovery.signature] += 1
            known = self._extractors.setdefault(discovery.signature, [])
            if discovery.extractor not in known:
                known.append(discovery.extractor)
        self._shared = {signature for signature, count in uses.items() if count > 1}
        self._results: dict[str, dict[Extractor, list[str]]] = {}

    def extractors(self, discovery: Discovery) -> list[Extractor]:
        known = self._extractors.get(discovery.signature, [])
        return [discovery.extractor, *(e for e in known if e != discovery.extractor)]

    def keeps(self, discovery: Discovery) -> bool:
        return discovery.signature in self._shared

    def get(self, discovery: Discovery, binding: dict[str, str]) -> list[str] | None:
        found = self._results.get(discovery.call_id(binding))
        return None if found is None else found.get(discovery.extractor)

    def put(self, discovery: Discovery, binding: dict[str, str], found: list[Extraction]) -> None:
        if self.keeps(discovery):
            entry = self._results.setdefault(discovery.call_id(binding), {})
            entry.update({extraction.extractor: extraction.values for extraction in found})


async def discover(
    client: ApiClient,
    base_url: str,
    discovery: Discovery,
    binding: dict[str, str],
    cache: DiscoveryCache,
) -> AsyncIterator[list[str]]:
    """Yield the new distinct values of each discovery page as it arrives; raise on failure."""
    cached = cache.get(discovery, binding)
    if cached is not None:
        logger.info(
            f"[{discovery.owner}] {discovery.key}: reusing {len(cached)} values discovered "
            "earlier in this resync"
        )
        yield cached
        return
    endpoint = discovery.endpoint(base_url, binding)
    keep = cache.keeps(discovery)
    found = [Extraction(discovery, extractor, keep) for extractor in cache.extractors(discovery)]
    try:
        async for items in client.iter_items(endpoint):
            ours, *others = found
            fresh = ours.add(items)
            for other in others:  # other kinds' (field, filter) over the same call
                other.add(items)
            if fresh:
                yield fresh
    except (FetchError, PaginationError) as error:
        raise with_context(
            error, f"{discovery.key} (discovery endpoint {discovery.path})"
        ) from error
    found[0].report(f"{endpoint.method} {discovery.path}")
    cache.put(discovery, binding, found)


def with_context(error: OceanCustomError, context: str) -> OceanCustomError:
    """The same kind of error (and status), its message prefixed with the config key."""
    message = f"{context}: {error}"
    if isinstance(error, FetchError):
        return type(error)(message, status_code=error.status_code)
    return type(error)(message)
