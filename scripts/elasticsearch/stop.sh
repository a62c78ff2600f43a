#!/usr/bin/env bash
# Stop a node started by start.sh and delete its data dir:  stop.sh DATA_DIR
set -euo pipefail

DATA_DIR=${1:?usage: stop.sh DATA_DIR}
[ -d "$DATA_DIR" ] || { echo "[es-stop] no such dir: $DATA_DIR" >&2; exit 0; }
# Refuse to rm -rf anything that start.sh did not create.
[ -f "$DATA_DIR/es.pid" ] || { echo "[es-stop] $DATA_DIR has no es.pid; not touching it" >&2; exit 1; }

PID=$(cat "$DATA_DIR/es.pid")
# start.sh used setsid, so PID is also the process-group id (CLI + server JVM).
if kill -0 -- "-$PID" 2>/dev/null; then
  kill -TERM -- "-$PID" 2>/dev/null || true
  for _ in $(seq 1 30); do                  # up to ~30 s for a clean shutdown
    kill -0 -- "-$PID" 2>/dev/null || break
    sleep 1
  done
  kill -KILL -- "-$PID" 2>/dev/null || true
fi
rm -rf "$DATA_DIR"
echo "[es-stop] stopped $PID, removed $DATA_DIR" >&2
