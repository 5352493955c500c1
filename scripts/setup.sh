#!/usr/bin/env bash
# Create ./.venv with a Python >= 3.12 that already exists on this machine and install the
# locked dependencies into it. Never downloads an interpreter.
#   scripts/setup.sh            runtime + dev dependencies (tests, lint, types)
#   scripts/setup.sh runtime    runtime dependencies only (what the Docker image installs)
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${1:-dev}"
lock="requirements/${profile}.lock"
[ -f "$lock" ] || { echo "setup: unknown profile '$profile' (expected 'dev' or 'runtime')" >&2; exit 2; }

supported() { # prints the interpreter's path when it is CPython 3.12 or 3.13
  "$1" -c 'import sys; sys.exit(0 if (3, 12) <= sys.version_info[:2] < (3, 14) else 1)' 2>/dev/null \
    && command -v "$1"
}

find_python() {
  local candidate root
  for candidate in "${OCEAN_CUSTOM_PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && supported "$candidate" && return 0
  done
  # pyenv installs versions without putting them on PATH as python3.12 (see OCEAN-NOTES).
  root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
  for candidate in "$root"/versions/3.13*/bin/python3 "$root"/versions/3.12*/bin/python3 \
                   /usr/local/bin/python3.1[23] /usr/bin/python3.1[23]; do
    [ -x "$candidate" ] && supported "$candidate" && return 0
  done
  return 1
}

if [ -x .venv/bin/python ] && ! supported .venv/bin/python >/dev/null; then
  echo "setup: .venv uses an unsupported Python; recreating it"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  python="$(find_python)" || {
    echo "setup: no Python 3.12 or 3.13 found (looked at \$OCEAN_CUSTOM_PYTHON, python3.13, python3.12," >&2
    echo "       python3, pyenv versions and /usr/bin). port-ocean 0.56 needs Python >= 3.12;" >&2
    echo "       install one (e.g. 'pyenv install 3.12') or point OCEAN_CUSTOM_PYTHON at it." >&2
    exit 1
  }
  echo "setup: creating .venv with $python ($("$python" --version))"
  "$python" -m venv .venv
fi

# Reinstall only when the lock file changed since the last successful install.
stamp=".venv/.installed-${profile}"
if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
  echo "setup: installing $lock into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input \
    --require-hashes --no-deps -r "$lock"
  cp "$lock" "$stamp"
fi
