"""The Dockerfile's promises, checked without a Docker engine (none runs where this is built).

What the image must be: multi-stage, a pinned base, dependencies from the hash-pinned lock
installed by the same script CI uses, the integration at /app, not root, entry `ocean sail`, and
no tests or local env files inside. tests/test_image_run.py runs the image's files for real.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.image import (
    Instruction,
    build_context,
    context_files,
    global_args,
    ignore_patterns,
    instructions,
    is_ignored,
    stages,
)

DOCKERFILE = instructions()
STAGES = stages(DOCKERFILE)
BUILD, RUNTIME = STAGES[0], STAGES[-1]


def _base_image(stage: list[Instruction]) -> str:
    image = stage[0].args.split()[0]
    for name, value in global_args(DOCKERFILE).items():
        image = image.replace(f"${{{name}}}", value).replace(f"${name}", value)
    return image


def _args(stage: list[Instruction], keyword: str) -> list[str]:
    return [item.args for item in stage if item.keyword == keyword]


def test_is_multi_stage_and_runs_the_build_stages_venv() -> None:
    assert len(STAGES) >= 2
    build_name = BUILD[0].args.split()[-1]
    assert BUILD[0].args.split()[-2].upper() == "AS"
    assert f"--from={build_name} /app/.venv /app/.venv" in _args(RUNTIME, "COPY")


def test_base_image_is_pinned_and_the_same_in_every_stage() -> None:
    images = {_base_image(stage) for stage in STAGES}
    assert len(images) == 1, f"a virtualenv only runs on the interpreter it was made with: {images}"
    (image,) = images
    exact_tag = re.fullmatch(
        r"python:3\.1[23]\.\d+-slim-(bookworm|trixie)(@sha256:[0-9a-f]{64})?", image
    )
    assert exact_tag, f"base image {image!r} is not an exact python:3.1x.y-slim-<debian> tag"


def test_dependencies_come_from_the_lock_through_the_ci_install_script() -> None:
    assert "scripts/setup.sh runtime" in _args(BUILD, "RUN")
    copied = [shlex.split(args)[0] for args in _args(BUILD, "COPY")]
    assert "requirements/runtime.lock" in copied and "scripts/setup.sh" in copied
    # The script is the one CI and `make install*` run, and it installs with hashes only.
    setup = (ROOT / "scripts/setup.sh").read_text()
    assert 'lock="requirements/${profile}.lock"' in setup
    assert re.search(r"pip install [^\n]*\\\n\s*--require-hashes --no-deps -r \"\$lock\"", setup)
    makefile = (ROOT / "Makefile").read_text()
    assert "@scripts/setup.sh dev" in makefile and "@scripts/setup.sh runtime" in makefile
    assert "make test" in (ROOT / ".ci/run").read_text()


def test_scripts_the_image_runs_are_executable() -> None:
    """Docker keeps the context's file modes: a script without +x fails the build or the job."""
    for script in ("scripts/setup.sh", "scripts/sail-once.sh"):
        assert os.access(ROOT / script, os.X_OK), f"chmod +x {script}"


def test_lock_pins_every_package_with_hashes_and_the_ocean_version() -> None:
    lock = (ROOT / "requirements/runtime.lock").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n", 2)[2])
    pins = [block for block in blocks if "==" in block.split("\n")[0]]
    assert pins
    unhashed = [block.split()[0] for block in pins if "--hash=sha256:" not in block]
    assert unhashed == []
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ocean_pin = next(d for d in pyproject["project"]["dependencies"] if d.startswith("port-ocean"))
    assert f"port-ocean=={ocean_pin.split('==')[1]}" in lock


def test_runs_as_non_root_uid_1001() -> None:
    users = _args(RUNTIME, "USER")
    assert users, "the runtime stage has no USER: it would run as root"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) == 1001, "numeric, so runAsNonRoot can verify it"
    assert any("useradd --uid 1001" in run for run in _args(RUNTIME, "RUN"))
    # Nothing after USER may switch back to root.
    after_user = RUNTIME[max(i for i, item in enumerate(RUNTIME) if item.keyword == "USER") :]
    assert not [item for item in after_user if item.keyword == "RUN"]


def test_integration_lives_at_app_and_the_entry_is_ocean_sail() -> None:
    assert _args(RUNTIME, "WORKDIR")[-1] == "/app"
    assert ". /app" in _args(RUNTIME, "COPY")
    entrypoints = [item for item in RUNTIME if item.keyword == "ENTRYPOINT"]
    assert entrypoints[-1].exec_form() == ["ocean", "sail"]
    env = " ".join(_args(RUNTIME, "ENV"))
    assert 'PATH="/app/.venv/bin:${PATH}"' in env


def test_every_copied_file_exists_and_is_in_the_build_context() -> None:
    patterns = ignore_patterns()
    for stage in STAGES:
        for args in _args(stage, "COPY"):
            words = [word for word in shlex.split(args) if not word.startswith("--")]
            if args.startswith("--from="):
                continue
            for source in words[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: no such file"
                if source != ".":
                    assert not is_ignored(source, patterns), (
                        f"COPY {source}: .dockerignore drops it"
                    )


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_packaging.py",
        "tests/conftest.py",
        ".env",
        ".env.example",
        ".env.production",
        "examples/github/settings.env",
        "preview/.env",
        ".venv/bin/python",
        ".git/config",
        "__pycache__/main.cpython-313.pyc",
        ".port/__pycache__/x.pyc",
        ".mypy_cache/3.13/main.data.json",
        "docs/deployment.md",
        "deploy/helm-values.yaml",
    ],
)
def test_dockerignore_keeps_out(path: str) -> None:
    assert is_ignored(path, ignore_patterns())


def test_build_context_holds_what_ocean_sail_needs_and_nothing_secret() -> None:
    files = set(context_files())
    needed = {
        "main.py",
        "integration.py",
        "connection/settings.py",
        "pyproject.toml",
        "config.yaml",
        ".port/spec.yaml",
        "requirements/runtime.lock",
        "scripts/setup.sh",
        "scripts/sail-once.sh",
    }
    assert needed <= files
    assert not [f for f in files if f.startswith(("tests/", ".venv/", ".git/")) or ".env" in f]


def test_image_name_is_the_integration_type() -> None:
    """Ocean takes the type from pyproject's name; Port's chart pulls port-ocean-<type>."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "custom"
    dockerfile_text = (ROOT / "Dockerfile").read_text()
    assert f"port-ocean-custom:{pyproject['project']['version']}" in dockerfile_text


def test_every_module_of_the_integration_is_byte_compiled_at_build(tmp_path: Path) -> None:
    """The image's compileall line, run on the build context: every package's modules get a
    .pyc (`-l` compiled the top level only, leaving each start to recompile in a read-only
    /app, issue 22 item 8), and the virtualenv pip already compiled is skipped."""
    (line,) = [run for run in _args(RUNTIME, "RUN") if "compileall" in run]
    app = build_context(tmp_path / "app")
    (app / ".venv" / "lib").mkdir(parents=True)
    (app / ".venv" / "lib" / "installed.py").write_text("VALUE = 1\n")
    words = [word.replace("/app", str(app)) for word in shlex.split(line)]
    assert words[0] == str(app / ".venv" / "bin" / "python")
    subprocess.run([sys.executable, *words[1:]], check=True, timeout=120)
    modules = [path for path in app.rglob("*.py") if ".venv" not in path.parts]
    assert any(len(path.relative_to(app).parts) > 1 for path in modules)
    missing = [
        str(path.relative_to(app))
        for path in modules
        if not list((path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"))
    ]
    assert missing == []
    assert not (app / ".venv" / "lib" / "__pycache__").exists()


def test_the_image_quiets_oceans_per_batch_dsp_warning_with_ocean_core() -> None:
    """See tests/test_log_noise.py: ocean-core is the mode the fallback lands in anyway."""
    env = " ".join(_args(RUNTIME, "ENV"))
    assert "OCEAN__PROCESSING_MODE=ocean-core" in env
