#!/usr/bin/env bash
# Run every benchmark and write its raw results (JSON and an SVG chart) under docs/bench/; the
# figures in docs/benchmarks.md are copied from these runs, with the machine and date they print.
#
#   make bench                      # everything, at 100,000 datasets where the issue says so
#   BENCH_ONLY="lineage search" make bench   # a subset (names as below)
#
# Each benchmark starts its own throwaway PostgreSQL (scripts/pg/) unless BENCH_PG_URL is set;
# the search benchmark gets a throwaway Elasticsearch (scripts/elasticsearch/) unless
# ELASTICSEARCH_URL is set. Run on a quiet machine: other load skews every figure.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
N="${BENCH_N:-100000}"
ONLY="${BENCH_ONLY:-foundation web lineage search dcat priorities plans madmp programme}"
mkdir -p docs/bench
work="$(mktemp -d "${TMPDIR:-/tmp}/dmp-bench.XXXXXX")"
chmod 755 "$work"
trap 'bash scripts/elasticsearch/stop.sh "$work/es" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

wanted() { [[ " $ONLY " == *" $1 "* ]]; }

wanted foundation && "$PY" scripts/bench/foundation_bench.py --n "$N" --out docs/bench/foundation.json
wanted web && "$PY" scripts/bench/web_bench.py --n "$N" --out docs/bench/web.json
wanted lineage && "$PY" scripts/bench/lineage_bench.py --datasets "$N" --db postgresql --out docs/bench/lineage.json
if wanted search; then
  if [ -z "${ELASTICSEARCH_URL:-}" ]; then
    mkdir -p "$work/es"
    ELASTICSEARCH_URL="$(bash scripts/elasticsearch/start.sh "$work/es" | tail -n 1)"
  fi
  "$PY" scripts/bench/search_bench.py --records "$N" --es "$ELASTICSEARCH_URL" --out docs/bench/search.json
  "$PY" scripts/bench/search_bench.py --records "$N" --es "$ELASTICSEARCH_URL" --corpus narrow \
    --out docs/bench/search-narrow.json
fi
wanted dcat && "$PY" scripts/bench/dcat_bench.py --datasets "$N" --out docs/bench/dcat.json
wanted priorities && "$PY" scripts/bench/priorities_bench.py --datasets "$N" --db postgresql --db sqlite --out docs/bench/priorities.json
wanted plans && "$PY" scripts/bench/plans_bench.py --plans 100 --db postgresql --db sqlite --out docs/bench/plans.json
wanted madmp && "$PY" scripts/bench/madmp_bench.py --plans 1000 --out docs/bench/madmp.json
wanted programme && "$PY" scripts/bench/programme_bench.py --db sqlite --db postgresql --out docs/bench/programme.json
echo "results in docs/bench/; copy the figures into docs/benchmarks.md"
