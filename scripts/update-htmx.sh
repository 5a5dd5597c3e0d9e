#!/usr/bin/env bash
# Refresh the vendored htmx from the npm registry (we never load it from a CDN).
# Usage: scripts/update-htmx.sh [VERSION]   e.g. scripts/update-htmx.sh 2.0.11
set -euo pipefail
version="${1:-2}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "htmx.org@$version" --silent >/dev/null && tar xzf htmx.org-*.tgz)
cp "$work/package/dist/htmx.min.js" "$(dirname "$0")/../static/vendor/htmx.min.js"
echo "htmx $(node -p "require('$work/package/package.json').version") -> static/vendor/htmx.min.js"
