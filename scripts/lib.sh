#!/usr/bin/env bash
# Shared settings for the project's scripts: where tools live, the offline wrangler environment,
# and progress messages. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
WASM_BINDGEN_VERSION="0.2.129"
WORKER_BUILD_VERSION="0.8.7"
TOOLS="${IMP_TOOLS_DIR:-$HOME/.cache/imp-companion/tools}"
WASM_BINDGEN_DIR="$TOOLS/wasm-bindgen-$WASM_BINDGEN_VERSION"
WORKER_BUILD_DIR="$TOOLS/worker-build-$WORKER_BUILD_VERSION"
WASM_SPLIT_VERSION="0.2.4"
WASM_SPLIT_DIR="$TOOLS/wasm-split-$WASM_SPLIT_VERSION"
TWIGGY_VERSION="0.8.0"
TWIGGY_DIR="$TOOLS/twiggy-$TWIGGY_VERSION"
export PATH="$WASM_BINDGEN_DIR/bin:$WORKER_BUILD_DIR/bin:$WASM_SPLIT_DIR/bin:$TWIGGY_DIR/bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# worker-build never looks in PATH; point it at our pinned tools so it never downloads.
export WASM_BINDGEN_BIN="$WASM_BINDGEN_DIR/bin/wasm-bindgen"
export ESBUILD_BIN="$ROOT/node_modules/esbuild/bin/esbuild"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"

# Keep wrangler offline and quiet.
export WRANGLER_SEND_METRICS=false
export WRANGLER_SEND_ERROR_REPORTS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_HIDE_BANNER=true
export WRANGLER_LOG="${WRANGLER_LOG:-warn}"

step() { printf '\n\033[1;36m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }
