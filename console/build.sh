#!/usr/bin/env bash
# Builds the console into OUT_DIR: installs the locked npm packages into NPM_DIR (`npm ci`),
# then bundles src/main.js (with uPlot and the CSS) into OUT_DIR/app.js and app.css with
# esbuild, and copies index.html. Called by the console_ui CMake target; see docs/console.md.
# usage: build.sh NPM_DIR OUT_DIR
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
npm_dir=$1
out_dir=$2
mkdir -p "$npm_dir" "$out_dir"
# npm ci installs exactly the lock; it runs only when the lock changed since the last install.
if ! cmp -s "$src/package-lock.json" "$npm_dir/package-lock.json" || [[ ! -d "$npm_dir/node_modules" ]]; then
  cp "$src/package.json" "$src/package-lock.json" "$npm_dir/"
  (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
# esbuild resolves the packages from NPM_DIR (NODE_PATH), so the source tree stays clean.
NODE_PATH="$npm_dir/node_modules" "$npm_dir/node_modules/.bin/esbuild" "$src/src/main.js" \
  --bundle --format=esm --target=es2022 --minify --sourcemap --log-level=warning \
  --outfile="$out_dir/app.js"
cp "$src/index.html" "$out_dir/index.html"
