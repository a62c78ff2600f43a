#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for tests.
#
#   scripts/pg/start.sh [DIR]   -> last stdout line: SQLAlchemy URL
#                                  postgresql+psycopg://dmp:PASS@127.0.0.1:PORT/dmp_test
#   scripts/pg/stop.sh DIR      -> stop the server and remove DIR
#
# DIR (default: a new mktemp dir) holds data/ (the cluster, which also holds
# the unix socket), pg.log, pg.url and pg.port. Re-running with the same DIR
# is idempotent: a running server is reused, a stopped one is restarted.
# Listens only on 127.0.0.1, on a free port; tuned for speed, not durability.
# Installs Debian's postgresql with apt if no server binaries are present.
# Progress goes to stderr; only the URL goes to stdout.
set -euo pipefail

log() { echo "[pg/start] $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- 1. server binaries -----------------------------------------------------
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing postgresql via apt"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
fi

# --- 2. directory and the OS user that runs the server ------------------------
dir="${1:-}"
if [ -z "$dir" ]; then
  dir="$(mktemp -d "${TMPDIR:-/tmp}/dmp-pg.XXXXXX")"
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
data="$dir/data"

# An existing cluster keeps the major version that made it; a new one uses
# the newest installed.
if [ -f "$data/PG_VERSION" ]; then
  bindir="/usr/lib/postgresql/$(cat "$data/PG_VERSION")/bin"
else
  bindir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin | sort -V | tail -n 1)"
fi
log "using $bindir"

# initdb/postgres refuse to run as root: run them as the "postgres" user (the
# Debian package creates it), or create an unprivileged one if it is missing.
if [ "$(id -u)" -eq 0 ]; then
  pguser=postgres
  if ! id "$pguser" >/dev/null 2>&1; then
    pguser=dmppg
    id "$pguser" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pguser"
  fi
  chown "$pguser:" "$dir"
  chmod 700 "$dir"
  # The server user must be able to reach DIR (traverse every parent).
  if ! runuser -u "$pguser" -- test -x "$dir"; then
    log "ERROR: user $pguser cannot reach $dir (a parent dir is not world-executable); use a dir under /tmp"
    exit 1
  fi
  run() { (cd "$dir" && runuser -u "$pguser" -- "$@"); }
else
  run() { (cd "$dir" && "$@"); }
fi

# --- 3. cluster (once) --------------------------------------------------------
user=dmp
if [ ! -f "$data/PG_VERSION" ]; then
  pass="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  pwfile="$dir/.pw"
  printf '%s\n' "$pass" > "$pwfile"
  [ "$(id -u)" -eq 0 ] && chown "$pguser:" "$pwfile"
  chmod 600 "$pwfile"
  log "initdb $data"
  # Superuser "dmp" with a password; TCP (127.0.0.1) needs the password,
  # the unix socket (inside data/, only reachable by its owner) is trusted.
  run "$bindir/initdb" -D "$data" -U "$user" --pwfile="$pwfile" \
    -E UTF8 --locale=C --auth-host=scram-sha-256 --auth-local=trust \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$pwfile"
  printf '%s\n' "$pass" > "$dir/pg.pass"
  chmod 600 "$dir/pg.pass"
fi
pass="$(cat "$dir/pg.pass")"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# --- 4. start (unless already running) ----------------------------------------
if run "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  log "already running"
  port="$(cat "$dir/pg.port")"
else
  # A port picked as free can be grabbed by someone else before the server
  # binds it: retry with a new port a few times.
  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    log "starting on 127.0.0.1:$port (attempt $attempt)"
    # -o settings override postgresql.conf; kept on the command line so a
    # restart with another port needs no config edits.
    if run "$bindir/pg_ctl" -D "$data" -l "$dir/pg.log" -w -t 60 start -o "\
-c listen_addresses=127.0.0.1 -c port=$port \
-c unix_socket_directories='$data' \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c max_connections=100 -c shared_buffers=128MB" >&2; then
      break
    fi
    tail -n 5 "$dir/pg.log" >&2 || true
    [ "$attempt" -lt 5 ] || { log "ERROR: server did not start"; exit 1; }
  done
  echo "$port" > "$dir/pg.port"
fi

# --- 5. wait until ready and create the database (once) ------------------------
for _ in $(seq 1 60); do
  run "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
run "$bindir/pg_isready" -h 127.0.0.1 -p "$port" >&2

psql() { run "$bindir/psql" -h "$data" -p "$port" -U "$user" -d postgres -XAtq -v ON_ERROR_STOP=1 "$@"; }
if [ "$(psql -c "select 1 from pg_database where datname='dmp_test'")" != "1" ]; then
  log "creating database dmp_test"
  psql -c "create database dmp_test owner $user"
fi

url="postgresql+psycopg://$user:$pass@127.0.0.1:$port/dmp_test"
echo "$url" > "$dir/pg.url"
echo "$dir" > "$dir/pg.dir"
log "ready; dir=$dir (stop with scripts/pg/stop.sh $dir)"
echo "$url"
