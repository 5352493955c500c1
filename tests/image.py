"""Read the Dockerfile and lay out the image's /app without a Docker engine.

`Instruction`s come from the Dockerfile as Docker parses it (continuation lines joined, comment
lines dropped); `build_context` copies the files `.dockerignore` lets through, as `COPY . /app`
would, so tests can run `ocean sail` from exactly what the image would hold.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

# Never walked: ignored by .dockerignore anyway, and large.
_SKIP_WALK = {".git", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", "__pycache__"}


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, ...
    args: str

    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form ENTRYPOINT/CMD/RUN, or None for shell form."""
        try:
            value = json.loads(self.args)
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, list) else None


def instructions(path: Path = ROOT / "Dockerfile") -> list[Instruction]:
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)
    result = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        result.append(Instruction(keyword.upper(), " ".join(args.split())))
    return result


def stages(items: list[Instruction]) -> list[list[Instruction]]:
    """Instructions per build stage, each list starting with its FROM."""
    result: list[list[Instruction]] = []
    for item in items:
        if item.keyword == "FROM":
            result.append([item])
        elif result:
            result[-1].append(item)
    return result


def global_args(items: list[Instruction]) -> dict[str, str]:
    """ARG defaults declared before the first FROM (the ones FROM lines may use)."""
    values: dict[str, str] = {}
    for item in items:
        if item.keyword == "FROM":
            break
        if item.keyword == "ARG" and "=" in item.args:
            name, _, default = item.args.partition("=")
            values[name.strip()] = default.strip().strip('"')
    return values


def ignore_patterns(path: Path = ROOT / ".dockerignore") -> list[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's .dockerignore syntax: Go filepath.Match plus `**` for any number of folders."""
    pattern = pattern.strip("/")
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def is_ignored(relative: str, patterns: list[str]) -> bool:
    """A path is left out when it or one of its parent folders matches; the last match wins."""
    parts = relative.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = _pattern_regex(pattern.removeprefix("!"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            ignored = not negate
    return ignored


def context_files(root: Path = ROOT) -> list[str]:
    """Every file of the working tree that `docker build .` would send, relative to the root."""
    patterns = ignore_patterns(root / ".dockerignore")
    found: list[str] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            relative = entry.relative_to(root).as_posix()
            if entry.is_dir():
                if entry.name not in _SKIP_WALK and not is_ignored(relative, patterns):
                    stack.append(entry)
            elif not is_ignored(relative, patterns):
                found.append(relative)
    return sorted(found)


def build_context(destination: Path, root: Path = ROOT) -> Path:
    """Copy the build context to `destination`, as the runtime stage's `COPY . /app` does."""
    for relative in context_files(root):
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, target)
    return destination
