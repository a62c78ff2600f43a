#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it: starts the real services the tests need
# (PostgreSQL, Elasticsearch, Chromium, an OIDC server), runs the suite on SQLite and then on
# PostgreSQL, and stops everything. A component that cannot start fails the run loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
work="$(mktemp -d "${TMPDIR:-/tmp}/dmp-test.XXXXXX")"
chmod 755 "$work"
status=0
stoppers=()

cleanup() {
  for stop in "${stoppers[@]}"; do eval "$stop" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# --- PostgreSQL ------------------------------------------------------------------------
echo "== starting PostgreSQL" >&2
mkdir -p "$work/pg"
stoppers+=("bash scripts/pg/stop.sh '$work/pg'")
PG_URL="$(bash scripts/pg/start.sh "$work/pg" | tail -n 1)"

# --- Elasticsearch (search tests) -------------------------------------------------------
# (section owned by the search capability)

# --- Browser and OIDC (web UI tests) ----------------------------------------------------
# (section owned by the web UI capability)

# --- the suite, on both databases ------------------------------------------------------
mkdir -p test-artifacts
echo "== suite on SQLite" >&2
"$PY" -m pytest -p no:cacheprovider --junitxml=test-artifacts/sqlite.xml || status=1
echo "== suite on PostgreSQL" >&2
DMP_TEST_DATABASE_URL="$PG_URL" "$PY" -m pytest -p no:cacheprovider --junitxml=test-artifacts/postgresql.xml || status=1
exit $status
