#!/usr/bin/env bash
# Compile shim/src into a module of the unpacked distribution:
#   build-shim.sh DIST   ->  DIST/modules/dmp-test-shim/{dmp-test-shim.jar,plugin-descriptor.properties}
# Compiles against DIST/lib (the exact Elasticsearch/Lucene jars that will run it).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DIST=${1:?usage: build-shim.sh ES_DIST_DIR}
VERSION=$(basename "$DIST" | sed 's/^elasticsearch-//')
OUT="$DIST/modules/dmp-test-shim"
BUILD=$(mktemp -d)
trap 'rm -rf "$BUILD"' EXIT

javac --release 17 -nowarn -d "$BUILD/classes" -cp "$DIST/lib/*" \
  $(find "$HERE/shim/src" -name '*.java')

mkdir -p "$OUT.tmp"
jar --create --file "$OUT.tmp/dmp-test-shim.jar" -C "$BUILD/classes" .
cat >"$OUT.tmp/plugin-descriptor.properties" <<PROPS
description=dmp_registry test shim: norwegian and english analyzers, asciifolding filter, GET /
version=$VERSION
name=dmp-test-shim
classname=dmp.testshim.DmpTestShimPlugin
java.version=17
elasticsearch.version=$VERSION
PROPS
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"   # atomic-ish: start.sh checks for the jar
