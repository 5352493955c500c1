"""What the source's docstrings and comments point a reader to exists in the repository.

A docstring that sends the reader to `STYLE.md`, `response_checks.check_default_errors` or
`fetching/old_name.py` after that file moved (or was never part of the repo) is a dead end.
Checked in every docstring and comment of the integration, its tools and its tests:

- a Markdown file (`README.md`, `docs/pagination.md`) — at the root, beside the module, or in
  `docs/`;
- a path into one of the repo's own folders (`fetching/page_window.py`, `tests/fake_port.py`);
- `module.name` naming a function or class of the project through a module that does not exist.

Paths of other projects (`port_ocean/...`, the reference's `examples/...`) are not checked.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from tests.conftest import ROOT

SKIP = {".venv", ".git", ".mypy_cache", ".ruff_cache", "node_modules"}
MARKDOWN = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
REPO_PATH = re.compile(r"(?<![\w/.-])((?:[\w-]+/)+[\w.-]+\.(?:py|md|ya?ml|toml|sh|lock))\b")
DOTTED = re.compile(r"`([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\b")


def _sources() -> list[Path]:
    return sorted(
        path for path in ROOT.rglob("*.py") if not SKIP & set(path.relative_to(ROOT).parts)
    )


def _prose(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring of a module."""
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring is not None:
                found.append((node.body[0].lineno, docstring))
    return found


def _defined_names(sources: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in sources:
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


def dangling(text: str, module: Path, modules: set[str], defined: set[str]) -> list[str]:
    """The references in `text` (prose of `module`) that lead nowhere."""
    folders = {path.name for path in ROOT.iterdir() if path.is_dir()} - SKIP
    wrong = []
    for name in MARKDOWN.findall(text):
        places = (ROOT / name, module.parent / name, ROOT / "docs" / name)
        if not any(place.is_file() for place in places):
            wrong.append(name)
    for path in REPO_PATH.findall(text):
        near = (ROOT / path, module.parent / path)
        if path.split("/")[0] in folders and not any(place.exists() for place in near):
            wrong.append(path)
    for owner, name in DOTTED.findall(text):  # a compound name: `data.alerts` is a JSON path
        if "_" in name and name in defined and owner not in modules | {"port_ocean"}:
            wrong.append(f"{owner}.{name}")
    return wrong


def test_every_file_a_docstring_or_comment_names_exists() -> None:
    sources = _sources()
    modules = {path.stem for path in sources} | {path.parent.name for path in sources}
    defined = _defined_names(sources)
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {reference}"
        for path in sources
        if path != Path(__file__)  # its docstring shows dead references on purpose
        for line, text in _prose(path.read_text())
        for reference in dangling(text, path, modules, defined)
    ]
    assert wrong == [], "references to nothing in the repository:\n" + "\n".join(wrong)


def test_the_check_sees_each_kind_of_dead_reference() -> None:
    """The three rules, each on a reference that leads nowhere (a check that cannot fail is a
    defect) and on one that leads somewhere."""
    here = ROOT / "client.py"
    modules, defined = {"error_body", "client"}, {"check_default_errors"}
    text = "See STYLE.md, fetching/gone.py and `response_checks.check_default_errors`."
    assert dangling(text, here, modules, defined) == [
        "STYLE.md",
        "fetching/gone.py",
        "response_checks.check_default_errors",
    ]
    text = "See README.md, docs/pagination.md, fetching/page_window.py and "
    text += "`error_body.check_default_errors`; `data.alerts` is a JSON path."
    assert dangling(text, here, modules, defined) == []
