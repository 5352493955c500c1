"""The parity corpus: every mapping the project ships or documents, and items built to break it.

Mappings come from every YAML file under `examples/`, `tests/corpus/configs/` and
`.port/resources/` (when present), and from the YAML blocks of README.md and docs/*.md (a
block holding `resources:` or a list of resources). Items are built from the paths each
mapping's expressions read (`.fields.status.name` → `{"fields": {"status": {"name": ...}}}`)
and filled with each shape Ocean must survive: strings with unicode, 64-bit integers, nulls,
missing keys, wrong types (objects for strings, strings for objects, nested arrays), booleans.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

_YAML_ROOTS = ("examples", "tests/corpus/configs", ".port/resources")
_BLOCK = re.compile(r"```ya?ml\n(.*?)```", re.S)
_CHAIN = re.compile(r"(?<![\w$\]\)])((?:\.[A-Za-z_]\w*)+)")
_QUOTED_KEY = re.compile(r'\.\["([^"]+)"\]|\."([^"]+)"')

# Selectors no shipped mapping writes but users do: booleans, non-booleans, errors, no output.
ADVERSARIAL_QUERIES = (
    ".flag",
    ".flag == true",
    "empty",
    '.id | test("1")',
    "1",
    "null",
    "(.flag // false) | not",
    "'true'",
)


@dataclass(frozen=True)
class CorpusMapping:
    source: str  # file (and resource index) it came from
    resource: dict[str, Any]  # the resource as written: kind, selector, port

    @property
    def name(self) -> str:
        return self.source


def corpus() -> list[CorpusMapping]:
    found: list[CorpusMapping] = []
    for path in _yaml_files():
        for index, resource in enumerate(_resources_of_yaml(path.read_text())):
            found.append(CorpusMapping(f"{path.relative_to(ROOT)}#{index}", resource))
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block_index, block in enumerate(_BLOCK.findall(path.read_text())):
            for index, resource in enumerate(_resources_of_yaml(block)):
                source = f"{path.relative_to(ROOT)}@{block_index}#{index}"
                found.append(CorpusMapping(source, resource))
    return found


def _yaml_files() -> Iterator[Path]:
    for root in _YAML_ROOTS:
        folder = ROOT / root
        if folder.is_dir():
            yield from sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml"))


def _resources_of_yaml(text: str) -> list[dict[str, Any]]:
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return []
    resources: list[Any] = []
    for document in documents:
        if isinstance(document, dict) and isinstance(document.get("resources"), list):
            resources.extend(document["resources"])
        elif isinstance(document, list):
            resources.extend(document)
    return [r for r in resources if _is_resource(r)]


def _is_resource(resource: Any) -> bool:
    try:
        return isinstance(resource["port"]["entity"]["mappings"], dict)
    except (TypeError, KeyError):
        return False


def expressions(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from expressions(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from expressions(inner)


def paths_read(resource: dict[str, Any]) -> list[tuple[str, ...]]:
    """The key paths a resource's expressions read, e.g. ("fields", "status", "name")."""
    found: set[tuple[str, ...]] = {("id",), ("name",), ("flag",)}
    for text in expressions(resource.get("port", {})):
        for chain in _CHAIN.findall(text):
            found.add(tuple(chain.lstrip(".").split(".")))
        for match in _QUOTED_KEY.finditer(text):
            found.add((match.group(1) or match.group(2),))
    return sorted(found)


def _nest(paths: list[tuple[str, ...]], leaf: Any, every: int = 1) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for number, path in enumerate(paths):
        if number % every:
            continue
        target = item
        for key in path[:-1]:
            if not isinstance(target.get(key), dict):
                target[key] = {}
            target = target[key]
        if path[-1] not in target:
            target[path[-1]] = leaf(path) if callable(leaf) else copy.deepcopy(leaf)
    return item


def items_for(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """One of each shape, with `flag` cycling through booleans and non-booleans."""
    paths = paths_read(resource)
    heads = sorted({path[0] for path in paths})
    items = [
        _nest(paths, lambda p: f"{'-'.join(p)}-ü名😀"),
        _nest(paths, 1234567890123456789),
        _nest(paths, lambda p: -(2**63) if len(p) % 2 else 2**64 - 1),
        _nest(paths, None),
        {},
        _nest(paths, lambda p: "x", every=2),
        {head: "not-an-object" for head in heads},
        _nest(paths, [[1, [2, "three"]], []]),
        _nest(paths, {"nested": {"deeper": ["a", None]}}),
        _nest(paths, True),
        _nest(paths, 0.5),
        _nest(paths, ""),
    ]
    flags: list[Any] = [True, False, "yes", None, 1, True, [], False]
    for number, item in enumerate(items):
        item["flag"] = flags[number % len(flags)]
    return items
