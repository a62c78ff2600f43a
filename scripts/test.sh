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

# --- the embedded search's ranking function in C (gcc and libsqlite3-dev from apt if missing) ---
echo "== building the native ranking function" >&2
bash scripts/build-native.sh --require

# --- PostgreSQL ------------------------------------------------------------------------
echo "== starting PostgreSQL" >&2
mkdir -p "$work/pg"
stoppers+=("bash scripts/pg/stop.sh '$work/pg'")
PG_URL="$(bash scripts/pg/start.sh "$work/pg" | tail -n 1)"

# --- Elasticsearch (search tests) -------------------------------------------------------
# A real single-node Elasticsearch 8 on a free port with a throwaway data dir (scripts/elasticsearch/).
# Both runs share it; each pytest process uses its own index prefix and deletes its indices.
echo "== starting Elasticsearch" >&2
mkdir -p "$work/es"
stoppers+=("bash scripts/elasticsearch/stop.sh '$work/es'")
DMP_TEST_ES_URL="$(bash scripts/elasticsearch/start.sh "$work/es" | tail -n 1)"
export DMP_TEST_ES_URL

# --- Browser and OIDC (web UI tests) ----------------------------------------------------
# Debian's Chromium + axe-core (scripts/browser/README.md) and NAV's mock-oauth2-server on
# 127.0.0.1 (scripts/oidc/README.md); the browser tests fail, never skip, without them.
echo "== installing Chromium and axe-core" >&2
bash scripts/browser/install.sh
echo "== starting the OIDC provider" >&2
mkdir -p "$work/oidc"
stoppers+=("bash scripts/oidc/stop.sh '$work/oidc'")
DMP_TEST_OIDC_URL="$(bash scripts/oidc/start.sh "$work/oidc" | tail -n 1)"
export DMP_TEST_OIDC_URL

# --- the suite, on both databases ------------------------------------------------------
mkdir -p test-artifacts
echo "== flake8" >&2
"$(dirname "$PY")/flake8" dmp_registry tests scripts || status=1
echo "== suite on SQLite" >&2
"$PY" -m pytest -p no:cacheprovider --junitxml=test-artifacts/sqlite.xml || status=1
echo "== suite on PostgreSQL" >&2
DMP_TEST_DATABASE_URL="$PG_URL" "$PY" -m pytest -p no:cacheprovider --junitxml=test-artifacts/postgresql.xml || status=1
exit $status
