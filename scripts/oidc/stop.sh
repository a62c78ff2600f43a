#!/usr/bin/env bash
# Stop a server started by scripts/oidc/start.sh and remove its directory.
#   scripts/oidc/stop.sh DIR
# Idempotent: a missing DIR or an already stopped server is not an error.
set -euo pipefail

dir="${1:?usage: stop.sh DIR}"
[ -d "$dir" ] || { echo "[oidc/stop] $dir does not exist; nothing to do" >&2; exit 0; }

if [ -f "$dir/oidc.pid" ]; then
  pid="$(cat "$dir/oidc.pid")"
  # Only signal the pid if it still is our java server (pids get reused).
  if kill -0 "$pid" 2>/dev/null && grep -q StandaloneMockOAuth2Server "/proc/$pid/cmdline" 2>/dev/null; then
    echo "[oidc/stop] stopping pid $pid" >&2
    kill "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
fi

# Guard against removing something that is not ours.
if [ -f "$dir/oidc.pid" ] || [ -f "$dir/classpath.txt" ] || [ -z "$(ls -A "$dir")" ]; then
  rm -rf "$dir"
  echo "[oidc/stop] removed $dir" >&2
else
  echo "[oidc/stop] $dir does not look like a start.sh dir; not removing" >&2
fi
