#!/usr/bin/env bash
# Start a throwaway single-node Elasticsearch 8 for the test suite.
#
#   URL=$(scripts/elasticsearch/start.sh [DATA_DIR])   # prints only the URL on stdout
#   ...run tests against $URL...
#   scripts/elasticsearch/stop.sh DATA_DIR
#
# DATA_DIR defaults to a fresh mktemp dir; its path is printed on stderr and
# is also the directory holding es.pid, es.url and es.log.
# Env knobs: ES_PORT (default 0 = let the kernel pick a free port),
#            ES_JAVA_OPTS (default "-Xms512m -Xmx1g"), ES_START_TIMEOUT (s, default 180).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ES_VERSION=8.14.3                      # keep in sync with es.version in pom.xml
DIST="$HERE/target/elasticsearch-$ES_VERSION"
TIMEOUT=${ES_START_TIMEOUT:-180}
log() { echo "[es-start] $*" >&2; }

# 1. Fetch + unpack the distribution once (cached in ~/.m2 and target/).
#    flock: parallel first starts must not unpack/build at the same time.
mkdir -p "$HERE/target"
exec 9>"$HERE/target/.setup.lock"
flock 9
if [ ! -x "$DIST/bin/elasticsearch" ]; then
  log "unpacking Elasticsearch $ES_VERSION from Maven Central (first run only)"
  mvn -B -q -f "$HERE/pom.xml" dependency:unpack@unpack-es >&2
fi
# 2. Build the small analysis/root shim module once (see README), again when its source changed.
SHIM_JAR="$DIST/modules/dmp-test-shim/dmp-test-shim.jar"
if [ ! -f "$SHIM_JAR" ] || [ -n "$(find "$HERE/shim/src" -newer "$SHIM_JAR" -name '*.java')" ]; then
  log "building dmp-test-shim module"
  "$HERE/build-shim.sh" "$DIST" >&2
fi
flock -u 9; exec 9>&-

# 3. Throwaway node home: data, logs, tmp and a private copy of config/.
DATA_DIR=${1:-$(mktemp -d -t dmp-es.XXXXXX)}
mkdir -p "$DATA_DIR"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
mkdir -p "$DATA_DIR/data" "$DATA_DIR/logs" "$DATA_DIR/tmp"
rm -rf "$DATA_DIR/config" && cp -r "$DIST/config" "$DATA_DIR/config"
# jvm.options writes gc log / heap dumps relative to ES_HOME: redirect them here.
sed -i -e "s|file=logs/gc.log|file=$DATA_DIR/logs/gc.log|" \
       -e "s|HeapDumpPath=data|HeapDumpPath=$DATA_DIR/data|" \
       -e "s|ErrorFile=logs/|ErrorFile=$DATA_DIR/logs/|" "$DATA_DIR/config/jvm.options"
log "data dir: $DATA_DIR"

# Java 17+ from PATH (the integ-test-zip distribution bundles no JDK).
JAVA_BIN=$(readlink -f "$(command -v java)")
export ES_JAVA_HOME=${ES_JAVA_HOME:-$(dirname "$(dirname "$JAVA_BIN")")}
export ES_PATH_CONF="$DATA_DIR/config" ES_TMPDIR="$DATA_DIR/tmp"
export ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms512m -Xmx1g}"
unset JAVA_HOME JAVA_TOOL_OPTIONS JAVA_OPTS   # ES ignores/warns about these

# Elasticsearch refuses to run as root: drop to nobody when we are root.
RUN_AS=()
ES_HOME="$DIST"
if [ "$(id -u)" = 0 ]; then
  # A checkout inside a private directory (e.g. a clone under `mktemp -d`) is not reachable by
  # nobody: then run a copy (hard links where the file system allows) inside the data dir.
  if ! setpriv --reuid=nobody --regid=nogroup --clear-groups -- test -x "$DIST/bin/elasticsearch"; then
    log "distribution not readable by nobody; using a copy in the data dir"
    cp -al "$DIST" "$DATA_DIR/home" 2>/dev/null || cp -r "$DIST" "$DATA_DIR/home"
    ES_HOME="$DATA_DIR/home"
  fi
  chown -R nobody:nogroup "$DATA_DIR"
  RUN_AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
  export HOME="$DATA_DIR"
fi

# 4. Start in its own session (pid == process-group id, so stop.sh can kill
#    the CLI launcher and the server JVM together).  Loopback only.
setsid "${RUN_AS[@]}" "$ES_HOME/bin/elasticsearch" \
  -E cluster.name=dmp-test -E node.name=dmp-test \
  -E path.data="$DATA_DIR/data" -E path.logs="$DATA_DIR/logs" \
  -E network.host=127.0.0.1 \
  -E http.port="${ES_PORT:-0}" -E transport.port=0 \
  -E node.portsfile=true \
  -E discovery.type=single-node \
  -E xpack.security.enabled=false \
  -E cluster.routing.allocation.disk.threshold_enabled=false \
  -E action.destructive_requires_name=false \
  >"$DATA_DIR/es.log" 2>&1 </dev/null &
PID=$!
echo "$PID" >"$DATA_DIR/es.pid"
log "pid $PID, waiting up to ${TIMEOUT}s for cluster health yellow"

fail() {
  log "FAILED: $*"; log "---- tail of $DATA_DIR/es.log ----"
  tail -n 40 "$DATA_DIR/es.log" >&2 || true
  kill -TERM -- "-$PID" 2>/dev/null || true
  exit 1
}

# 5. Wait for the ports file (written once HTTP is bound), then for yellow.
START=$SECONDS URL=""
while :; do
  ELAPSED=$((SECONDS - START))
  [ "$ELAPSED" -ge "$TIMEOUT" ] && fail "not ready after ${TIMEOUT}s"
  kill -0 "$PID" 2>/dev/null || fail "process exited"
  if [ -z "$URL" ] && [ -s "$DATA_DIR/logs/http.ports" ]; then
    # e.g. "127.0.0.1:40321"; take the first IPv4 loopback address
    ADDR=$(grep -m1 '^127\.0\.0\.1:' "$DATA_DIR/logs/http.ports" || true)
    [ -n "$ADDR" ] && URL="http://$ADDR"
  fi
  if [ -n "$URL" ] && curl -fsS -m 10 \
       "$URL/_cluster/health?wait_for_status=yellow&timeout=5s" >/dev/null 2>&1; then
    break
  fi
  [ $((ELAPSED % 10)) -eq 0 ] && log "still starting... ${ELAPSED}s"
  sleep 1
done

echo "$URL" >"$DATA_DIR/es.url"
log "ready at $URL after $((SECONDS - START))s"
echo "$URL"
