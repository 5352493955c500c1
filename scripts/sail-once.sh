#!/usr/bin/env bash
# One resync, then exit with its outcome — for cron jobs, CI and `docker run` jobs.
#
# `ocean sail --once` exits 0 even when the resync failed: Ocean catches the error, logs it, marks
# the integration's resync "failed" in Port and exits normally. This wrapper runs it, passes its
# log through, and decides from the lines Ocean 0.56 writes:
#   exit 0  "Resync finished successfully"  (or, in Port's DSP mode, "lifecycle API resync finished")
#   exit 1  Ocean stopped before the resync (invalid settings: its own exit code), a failure line
#           ("Resync failed with", "Error in resync", "Error occurred while resyncing",
#           "lifecycle API resync failed/aborted"), no outcome line at all, or Port unreachable:
#           Ocean retries its token call to Port forever, so after SAIL_ONCE_PORT_WAIT seconds
#           (default 120) of nothing but failed token calls, this stops it and exits 1.
# With OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED=true (an incremental run, docs/incremental.md):
#   exit 0  "Incremental sync completed"
#   exit 1  "Incremental sync failed" (a kind failed: its cursor stays), "Incremental sync run
#           failed", or "No kinds registered for incremental sync" (no resource has incremental).
# Usage, from the integration root (or /app in the image): scripts/sail-once.sh [ocean sail options]
set -uo pipefail
cd "$(dirname "$0")/.."

ocean="ocean"
[ -x .venv/bin/ocean ] && ocean=".venv/bin/ocean"
port_wait="${SAIL_ONCE_PORT_WAIT:-120}"
case "$port_wait" in
  '' | *[!0-9]*) echo "sail-once: SAIL_ONCE_PORT_WAIT must be a whole number of seconds, got '$port_wait'" >&2; exit 2 ;;
esac
log="$(mktemp "${TMPDIR:-/tmp}/sail-once.XXXXXX")"
trap 'rm -f "$log"' EXIT

# Ocean's lines go to the log file and, through tail, to this script's output.
PYTHONUNBUFFERED=1 "$ocean" sail --once "$@" >"$log" 2>&1 &
ocean_pid=$!
# A background job of a script ignores SIGINT: pass an interrupt or a stop on to Ocean.
trap 'kill -TERM "$ocean_pid" 2>/dev/null' INT TERM
tail -n +1 -f --pid="$ocean_pid" "$log" &
tail_pid=$!

# Is Ocean stuck on Port's token call? Its last line (besides the token call's own "Fetching"
# lines) is a failed POST to Port's /auth/access_token, for port_wait seconds in a row.
stuck_since=""
port_unreachable=""
while kill -0 "$ocean_pid" 2>/dev/null; do
  last="$(grep -v -e "Fetching access token" -e "No token found" -e "Fetching integration with id" "$log" | tail -n 1)"
  if [[ "$last" == *"/auth/access_token failed"* ]]; then
    stuck_since="${stuck_since:-$SECONDS}"
    if (( SECONDS - stuck_since >= port_wait )); then
      port_unreachable=1
      kill -TERM "$ocean_pid" 2>/dev/null
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$ocean_pid" 2>/dev/null || break; sleep 1; done
      kill -KILL "$ocean_pid" 2>/dev/null
      break
    fi
  else
    stuck_since=""
  fi
  sleep 1
done
wait "$ocean_pid"
status=$?
wait "$tail_pid" 2>/dev/null

if [ -n "$port_unreachable" ]; then
  port_url="$(sed -n 's|.*POST \([^ ]*\)/v1/auth/access_token failed.*|\1|p' <<<"$last")"
  echo "sail-once: Port's API at ${port_url:-OCEAN__PORT__BASE_URL} did not answer Ocean's token call for ${port_wait}s; stopped ocean sail. Check OCEAN__PORT__BASE_URL (EU https://api.getport.io, US https://api.us.getport.io), a proxy and the network; SAIL_ONCE_PORT_WAIT sets the wait. Nothing was synced or deleted" >&2
  exit 1
fi

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
