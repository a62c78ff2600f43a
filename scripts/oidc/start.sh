#!/usr/bin/env bash
# Start a local OpenID Connect provider for tests: NAV's mock-oauth2-server
# (MIT, from Maven Central, see pom.xml) with an interactive login form.
#
#   scripts/oidc/start.sh [DIR]  -> last stdout line: base URL http://127.0.0.1:PORT
#                                   issuer for issuer id "default": BASE/default
#                                   discovery: BASE/default/.well-known/openid-configuration
#   scripts/oidc/stop.sh DIR     -> stop it and remove DIR
#
# DIR (default: a new mktemp dir) receives oidc.pid, oidc.port, oidc.url
# (the base URL), oidc.issuer (BASE/default), oidc.log and classpath.txt.
# Re-running with the same DIR reuses a running server. Binds only 127.0.0.1.
# Env: OIDC_JSON_CONFIG overrides the server's JSON_CONFIG below.
# Installs java (17+) and maven with apt if missing; the first run downloads
# the jars (~50 MB) into ~/.m2. Progress on stderr; only the URL on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[oidc/start] $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
main_class=no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt

dir="${1:-}"
[ -n "$dir" ] || dir="$(mktemp -d "${TMPDIR:-/tmp}/dmp-oidc.XXXXXX")"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

# Answers 0 when the discovery document of issuer "default" is served.
ready() {
  python3 - "$1" <<'PY' >/dev/null 2>&1
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/default/.well-known/openid-configuration", timeout=2) as r:
    assert json.load(r)["issuer"] == sys.argv[1] + "/default"
PY
}

# --- already running? ----------------------------------------------------------
if [ -f "$dir/oidc.pid" ] && kill -0 "$(cat "$dir/oidc.pid")" 2>/dev/null \
   && [ -f "$dir/oidc.url" ] && ready "$(cat "$dir/oidc.url")"; then
  log "already running (pid $(cat "$dir/oidc.pid"))"
  cat "$dir/oidc.url"
  exit 0
fi

# --- java + maven ------------------------------------------------------------------
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  log "installing java and maven via apt"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    openjdk-17-jre-headless maven >&2
fi

# --- classpath (resolved once per pom.xml change; cached in scripts/oidc/target) ----
cp_file="$here/target/classpath.txt"
if [ ! -s "$cp_file" ] || [ "$here/pom.xml" -nt "$cp_file" ]; then
  log "resolving mock-oauth2-server classpath with maven"
  mkdir -p "$here/target"
  mvn -B -q -f "$here/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$cp_file.tmp" >&2
  mv "$cp_file.tmp" "$cp_file"
fi
# Jars may be gone from ~/.m2 (new machine, cache cleaned): re-resolve then.
if ! tr ':' '\n' < "$cp_file" | while read -r jar; do [ -f "$jar" ] || exit 1; done; then
  log "classpath has missing jars; re-resolving"
  mvn -B -q -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file.tmp" >&2
  mv "$cp_file.tmp" "$cp_file"
fi
cp "$cp_file" "$dir/classpath.txt"

# --- server config -------------------------------------------------------------------
# interactiveLogin: /authorize shows a form (username + optional JSON claims)
# instead of issuing a token at once; the browser test fills it in.
default_config='{"interactiveLogin": true, "httpServer": "NettyWrapper"}'
json_config="${OIDC_JSON_CONFIG:-$default_config}"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# --- start (retry on a port race) --------------------------------------------------
for attempt in 1 2 3 4 5; do
  port="$(free_port)"
  url="http://127.0.0.1:$port"
  log "starting on $url (attempt $attempt)"
  # Redirections: the server outlives this script and must not hold the
  # caller's stdout open (so `url=$(start.sh)` returns). cd "$dir" so a
  # stray ./config.json (the server's JSON_CONFIG_PATH default) is never read.
  (
    cd "$dir"
    SERVER_HOSTNAME=127.0.0.1 SERVER_PORT="$port" JSON_CONFIG="$json_config" \
      exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m \
        -Djava.net.preferIPv4Stack=true \
        -cp "$(cat "$dir/classpath.txt")" "$main_class" \
        >"$dir/oidc.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" > "$dir/oidc.pid"
  for _ in $(seq 1 120); do           # up to 60 s
    ready "$url" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null && ready "$url"; then
    echo "$port" > "$dir/oidc.port"
    echo "$url" > "$dir/oidc.url"
    echo "$url/default" > "$dir/oidc.issuer"
    log "ready (pid $pid); issuer $url/default; stop with scripts/oidc/stop.sh $dir"
    echo "$url"
    exit 0
  fi
  kill "$pid" 2>/dev/null || true
  tail -n 20 "$dir/oidc.log" >&2 || true
done
log "ERROR: server did not start; see $dir/oidc.log"
exit 1
