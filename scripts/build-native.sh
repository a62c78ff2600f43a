#!/usr/bin/env bash
# Build the embedded index's ranking function (dmp_registry/search/native_rank.c) next to its source.
#
#   scripts/build-native.sh            build if a C compiler and SQLite's header are here; else say
#                                      so and go on: search then ranks with FTS5's own bm25()
#                                      (the same results, slower; docs/search.md)
#   scripts/build-native.sh --require  install gcc and libsqlite3-dev with apt when missing, and fail
#                                      if it cannot be built (make test: its tests must run)
set -euo pipefail
cd "$(dirname "$0")/.."
src=dmp_registry/search/native_rank.c
out=dmp_registry/search/native_rank.so
require=0
[ "${1:-}" = "--require" ] && require=1
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

have_tools() { command -v "${CC:-gcc}" >/dev/null 2>&1 && [ -f /usr/include/sqlite3.h ]; }

if [ -f "$out" ] && [ "$out" -nt "$src" ]; then
  exit 0
fi
if ! have_tools && [ "$require" = 1 ]; then
  echo "[native] installing gcc and libsqlite3-dev via apt" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev libsqlite3-dev >&2
fi
if ! have_tools; then
  rm -f "$out"  # one built from an older source must not be loaded
  echo "[native] no C compiler or no sqlite3.h (apt install gcc libsqlite3-dev): search ranks with bm25()" >&2
  exit 0
fi
if "${CC:-gcc}" -O2 -Wall -Werror -shared -fPIC -o "$out.tmp" "$src" -lsqlite3 -lm; then
  mv "$out.tmp" "$out"
  echo "[native] built $out" >&2
else
  rm -f "$out.tmp" "$out"
  echo "[native] building $out failed: search ranks with bm25()" >&2
  [ "$require" = 1 ] && exit 1
fi
exit 0
