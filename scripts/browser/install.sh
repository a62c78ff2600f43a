#!/usr/bin/env bash
# Idempotently install the headless browser toolchain used by the UI tests:
#   * Debian's chromium (apt)   -> /usr/bin/chromium
#   * axe-core (npm, pinned in package.json / package-lock.json)
#       -> scripts/browser/node_modules/axe-core/axe.min.js
# Python's playwright is installed by the test environment (pip); it drives
# /usr/bin/chromium via executable_path. Never run `playwright install`
# (it downloads browser builds, which the sandbox/CI network forbids).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[browser/install] $*" >&2; }

# --- chromium -------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  log "installing chromium via apt"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    chromium fonts-liberation >&2
fi
/usr/bin/chromium --version >&2

# --- axe-core ---------------------------------------------------------------
axe="$here/node_modules/axe-core/axe.min.js"
if [ ! -f "$axe" ]; then
  log "installing axe-core from package-lock.json"
  # npm ci is reproducible (uses the lock file exactly); fall back to
  # npm install only if the lock file is missing.
  if [ -f "$here/package-lock.json" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
  else
    (cd "$here" && npm install --no-audit --no-fund --loglevel=error >&2)
  fi
fi
test -f "$axe"
log "axe-core $(node -p "require('$here/node_modules/axe-core/package.json').version")"
log "ok"
