#!/usr/bin/env bash
# Fails when package-lock.json has drifted from package.json, so `npm ci` (what a fresh clone and most CI systems
# run) would refuse to install. `npm ci --dry-run` performs exactly npm ci's own in-sync check without touching
# node_modules; it takes under a second.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! out=$(npm ci --dry-run --ignore-scripts --no-audit --no-fund 2>&1); then
  echo "$out" | grep -E "Invalid:|Missing:|in sync|ERESOLVE|ETARGET" >&2
  echo "check-lockfile: package-lock.json is out of sync with package.json; run \`npm install\` and commit both." >&2
  exit 1
fi
echo "check-lockfile: package-lock.json matches package.json"
