"""The package layout, checked from the source: no import circle, one-way layers, a small root.

The import graph is read with `ast` from every module of the integration (the top-level modules
and the packages) and of `preview/`, `bench/` and `sample_api/`. Every import counts — at module
level, inside functions and under `TYPE_CHECKING` — because a circle that a lazy import hides is
still a circle. The layers are README's "Layout" table: a unit (a package or a top-level module)
may import only the units its row lists, so the table and the code cannot drift apart.

    .venv/bin/python -m pytest tests/test_layout.py -q
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

# Ocean's top level (README "Layout"): everything else lives in a package named for its role.
TOP_LEVEL = {"main", "integration", "client", "pagination"}
# Tools beside the integration: they may import it, it never imports them.
TOOLS = {"preview", "bench", "sample_api"}


def _modules() -> dict[str, Path]:
    """Dotted module name → file, for the root modules and every package but tests/."""
    found = {path.stem: path for path in ROOT.glob("*.py")}
    tops = [d for d in ROOT.iterdir() if (d / "__init__.py").is_file() and d.name != "tests"]
    for init in sorted(init for top in tops for init in top.rglob("__init__.py")):
        for path in init.parent.glob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imported(name: str, source: str, modules: dict[str, Path], is_init: bool = False) -> set[str]:
    """The project modules that module `name` imports, wherever the import statement sits."""
    package = name if is_init else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from auth import static` imports the module auth.static, not just the package.
            bases = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for base in bases:
            parts = base.split(".")
            prefixes = (".".join(parts[:i]) for i in range(len(parts), 0, -1))
            hit = next((prefix for prefix in prefixes if prefix in modules), None)
            if hit is not None and hit != name:
                targets.add(hit)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: _imported(name, path.read_text(), modules, path.name == "__init__.py")
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(child) == 1:
                return [*path[path.index(child) :], child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append(iter(sorted(graph.get(child, ()))))
    return None


def _unit(module: str) -> str:
    top = module.split(".")[0]
    return f"{top}.py" if "." not in module and (ROOT / f"{top}.py").exists() else f"{top}/"


def _layers() -> dict[str, set[str]]:
    """README's Layout table: unit → the units it may import."""
    text = (ROOT / "README.md").read_text()
    section = re.search(r"^### Layout\n(.*?)(?=^#)", text + "\n#", re.M | re.S)
    assert section, "README.md has no '### Layout' section with the table of packages"
    rows = re.findall(r"^\| `([\w./]+)` \|[^|\n]*\|([^\n]*)\|$", section.group(1), re.M)
    assert rows, "README's Layout section has no table rows like | `auth/` | owns | `core/` |"
    return {unit: set(re.findall(r"`([\w./]+)`", allowed)) for unit, allowed in rows}


def _cycles(graph: dict[str, set[str]], limit: int = 10) -> list[list[str]]:
    """Up to `limit` circles: each one found is cut at its closing import, then search again."""
    graph = {name: set(targets) for name, targets in graph.items()}
    found: list[list[str]] = []
    while len(found) < limit and (cycle := _cycle(graph)):
        found.append(cycle)
        graph[cycle[-2]].discard(cycle[-1])
    return found


def test_no_import_cycle() -> None:
    cycles = _cycles(_graph())
    assert cycles == [], "import circles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_imports_flow_one_way_as_the_readme_layout_table_says() -> None:
    layers = _layers()
    assert _cycle(layers) is None, "README's Layout table allows a circle"
    graph = _graph()
    units = {_unit(module) for module in graph} - {f"{tool}/" for tool in TOOLS}
    assert sorted(units - layers.keys()) == [], "units missing from README's Layout table"
    wrong = sorted(
        f"{module} imports {target}: {_unit(module)} may import only "
        f"{', '.join(sorted(layers[_unit(module)])) or 'nothing of the project'}"
        for module, targets in graph.items()
        if _unit(module) in layers
        for target in targets
        if _unit(target) != _unit(module) and _unit(target) not in layers[_unit(module)]
    )
    assert wrong == [], "\n".join(wrong)


def test_root_holds_only_oceans_top_level() -> None:
    extra = sorted(path.name for path in ROOT.glob("*.py") if path.stem not in TOP_LEVEL)
    assert extra == [], f"move these into a package named for their role: {extra}"


def test_the_checks_see_a_circle_and_a_lazy_import() -> None:
    """The search itself: a lazy import closing a circle is found (a check that cannot fail
    is a defect)."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}) == [
        ["a", "b", "a"],
        ["c", "d", "c"],
    ]
    source = "def f():\n    from auth.static import X\n    from auth import oauth2\n"
    modules = {name: ROOT for name in ("auth", "auth.static", "auth.oauth2", "m")}
    assert _imported("m", source, modules) == {"auth.static", "auth.oauth2"}
