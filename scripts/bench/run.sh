#!/usr/bin/env bash
# Run every benchmark and write its raw results under docs/bench/ (the figures in
# docs/benchmarks.md are copied from these runs, with the machine and date they print).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
mkdir -p docs/bench
"$PY" scripts/bench/foundation_bench.py --n "${BENCH_N:-100000}" --out docs/bench/foundation.json
"$PY" scripts/bench/lineage_bench.py --out docs/bench/lineage.json
for extra in scripts/bench/search_bench.py scripts/bench/web_bench.py; do
  if [ -f "$extra" ]; then "$PY" "$extra"; fi
done
