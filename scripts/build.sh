#!/usr/bin/env bash
# Builds the app (release wasm → wasm-bindgen → wasm-opt → dist/) and the Worker (worker-build).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Skip the whole build when nothing it reads has changed since the last one.
stamp_file="target/imp-build.stamp"
stamp="$( { git ls-files -co --exclude-standard -- Cargo.toml Cargo.lock rust-toolchain.toml app shared worker public \
            | grep -v '^worker/build/' | sort | xargs -d '\n' sha256sum 2>/dev/null; } | sha256sum | cut -c1-16)"
if [ "${IMP_FORCE_BUILD:-}" != 1 ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] \
   && [ -f dist/pkg/imp_app_bg.wasm ] && [ -f worker/build/index.js ]; then
  step "Build is up to date (sources unchanged since the last build)"
  exit 0
fi

step "Building the app (Leptos → wasm32, release)"
cargo build --locked --release --target wasm32-unknown-unknown -p imp-app
rm -rf dist.tmp && mkdir -p dist.tmp/pkg
wasm-bindgen --target web --no-typescript --out-dir dist.tmp/pkg \
  target/wasm32-unknown-unknown/release/imp_app.wasm
note "wasm-opt -Oz"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types \
  -o dist.tmp/pkg/imp_app_bg.wasm dist.tmp/pkg/imp_app_bg.wasm
cp -R public/. dist.tmp/
# The service worker's cache is named by the build: a hash of everything it precaches.
version="$(cat dist.tmp/pkg/imp_app_bg.wasm dist.tmp/pkg/imp_app.js dist.tmp/index.html dist.tmp/styles.css | sha256sum | cut -c1-12)"
sed -i "s/__BUILD_VERSION__/$version/" dist.tmp/sw.js
echo "$version" > dist.tmp/build-version.txt
rm -rf dist && mv dist.tmp dist
note "dist/ ready (build $version)"

step "Building the Worker (worker-build, release)"
(cd worker && worker-build --release >/dev/null)
note "worker/build/index.js ready"
mkdir -p target && echo "$stamp" > "$stamp_file"
