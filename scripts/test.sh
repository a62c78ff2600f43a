#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it: starts a throwaway PostgreSQL, runs the
# suite on SQLite and then on PostgreSQL, stops everything. A missing component fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
work="$(mktemp -d "${TMPDIR:-/tmp}/dmp-test.XXXXXX")"
chmod 755 "$work"
status=0

cleanup() {
  [ -d "$work/pg" ] && bash scripts/pg/stop.sh "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting PostgreSQL" >&2
mkdir -p "$work/pg"
PG_URL="$(bash scripts/pg/start.sh "$work/pg" | tail -n 1)"

mkdir -p test-artifacts
echo "== suite on SQLite" >&2
"$PY" -m pytest -p no:cacheprovider --junitxml=test-artifacts/sqlite.xml || status=1
echo "== suite on PostgreSQL" >&2
DMP_TEST_DATABASE_URL="$PG_URL" "$PY" -m pytest -p no:cacheprovider --junitxml=test-artifacts/postgresql.xml || status=1
exit $status
