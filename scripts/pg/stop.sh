#!/usr/bin/env bash
# Stop a server started by scripts/pg/start.sh and remove its directory.
#   scripts/pg/stop.sh DIR
# Idempotent: a missing DIR or an already stopped server is not an error.
set -euo pipefail

dir="${1:?usage: stop.sh DIR}"
[ -d "$dir" ] || { echo "[pg/stop] $dir does not exist; nothing to do" >&2; exit 0; }
dir="$(cd "$dir" && pwd)"
data="$dir/data"

if [ -f "$data/PG_VERSION" ]; then
  bindir="/usr/lib/postgresql/$(cat "$data/PG_VERSION")/bin"   # the version that made it
  owner="$(stat -c %U "$data")"
  if [ "$(id -u)" -eq 0 ] && [ "$owner" != root ]; then
    run() { (cd "$dir" && runuser -u "$owner" -- "$@"); }
  else
    run() { (cd "$dir" && "$@"); }
  fi
  if run "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "[pg/stop] stopping server in $data" >&2
    run "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >&2
  fi
fi

# Guard against removing something that is not ours.
if [ -f "$dir/pg.url" ] || [ -f "$data/PG_VERSION" ] || [ -z "$(ls -A "$dir")" ]; then
  rm -rf "$dir"
  echo "[pg/stop] removed $dir" >&2
else
  echo "[pg/stop] $dir does not look like a start.sh dir; not removing" >&2
fi
