#!/usr/bin/env bash
# One resync, then exit with its outcome — for cron jobs, CI and `docker run` jobs.
#
# `ocean sail --once` exits 0 even when the resync failed: Ocean catches the error, logs it, marks
# the integration's resync "failed" in Port and exits normally. This wrapper runs it, passes its
# log through, and decides from the lines Ocean 0.56 writes:
#   exit 0  "Resync finished successfully"  (or, in Port's DSP mode, "lifecycle API resync finished")
#   exit 1  Ocean stopped before the resync (invalid settings, Port unreachable: its own exit code),
#           a failure line ("Resync failed with", "Error in resync", "Error occurred while
#           resyncing", "lifecycle API resync failed/aborted"), or no outcome line at all.
# With OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED=true (an incremental run, docs/incremental.md):
#   exit 0  "Incremental sync completed"
#   exit 1  "Incremental sync failed" (a kind failed: its cursor stays), "Incremental sync run
#           failed", or "No kinds registered for incremental sync" (no resource has incremental).
# Usage, from the integration root (or /app in the image): scripts/sail-once.sh [ocean sail options]
set -uo pipefail
cd "$(dirname "$0")/.."

ocean="ocean"
[ -x .venv/bin/ocean ] && ocean=".venv/bin/ocean"
log="$(mktemp "${TMPDIR:-/tmp}/sail-once.XXXXXX")"
trap 'rm -f "$log"' EXIT

"$ocean" sail --once "$@" 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"

failed=(
  "Resync failed with"
  "Error in resync"
  "Error occurred while resyncing"
  "Notifying lifecycle API resync failed"
  "Notifying lifecycle API resync aborted"
  "Incremental sync failed"
  "Incremental sync run failed"
  "Incremental sync was aborted"
  "No kinds registered for incremental sync"
)
finished=(
  "Resync finished successfully"
  "Notifying lifecycle API resync finished"
  "Incremental sync completed"
)

if [ "$status" -ne 0 ]; then
  echo "sail-once: ocean sail exited $status before finishing a resync" >&2
  exit "$status"
fi
for line in "${failed[@]}"; do
  if grep -qF "$line" "$log"; then
    echo "sail-once: ocean sail exited 0, but the resync FAILED (log: \"$line\"); nothing was deleted" >&2
    exit 1
  fi
done
for line in "${finished[@]}"; do
  if grep -qF "$line" "$log"; then
    echo "sail-once: resync finished successfully" >&2
    exit 0
  fi
done
echo "sail-once: ocean sail exited 0 without reporting a finished resync; treating it as failed" >&2
exit 1
