#!/usr/bin/env bash
# Check, without Docker, that the image's install step can succeed: every package of
# requirements/runtime.lock has a wheel for the image's interpreter (CPython 3.13, glibc 2.36 of
# Debian bookworm) on linux amd64 and arm64, and each download matches a hash in the lock.
# The image has no compiler, so a package that only ships a source archive would fail the build.
# Needs PyPI (downloads ~30 MB per architecture into a temporary folder).
#   scripts/check-image-deps.sh [x86_64|aarch64 ...]      default: both
set -euo pipefail
cd "$(dirname "$0")/.."

python=".venv/bin/python"
[ -x "$python" ] || { echo "check-image-deps: run 'make install' first" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

archs=("$@")
[ "${#archs[@]}" -gt 0 ] || archs=(x86_64 aarch64)
for arch in "${archs[@]}"; do
  platforms=(--platform "manylinux2014_${arch}")
  for glibc in 2_17 2_24 2_26 2_27 2_28 2_31 2_34 2_35 2_36; do
    platforms+=(--platform "manylinux_${glibc}_${arch}")
  done
  echo "check-image-deps: $arch"
  "$python" -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
    --only-binary=:all: --implementation cp --python-version 3.13 --abi cp313 --abi abi3 --abi none \
    "${platforms[@]}" -r requirements/runtime.lock -d "$work/$arch"
  echo "check-image-deps: $arch: $(find "$work/$arch" -name '*.whl' | wc -l) wheels, all hashes match"
done
