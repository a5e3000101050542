#!/usr/bin/env bash
# Builds the web console (web/, Vue + Vite) into web/dist when it is missing
# or older than its sources: `npm ci` from the committed package-lock.json
# (packages from the npm registry by name; nothing else is fetched), then
# `vite build`. `baygrid serve` finds web/dist beside its binary's source
# tree (api/web_site.h). `scripts/web.sh test` also runs the unit tests.
set -euo pipefail
cd "$(dirname "$0")/../web"
command -v node >/dev/null || { echo "web: node is needed (Node.js 20.19 or newer)" >&2; exit 1; }
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
newest=$(find src index.html vite.config.js public package-lock.json -type f -newer dist/index.html 2>/dev/null | head -1 || true)
if [ ! -f dist/index.html ] || [ -n "$newest" ]; then
  npx vite build --logLevel warn
fi
if [ "${1:-}" = "test" ]; then
  node --test test/unit/
fi
