#!/usr/bin/env bash
# Builds the app (release wasm → wasm-bindgen → wasm-opt → dist/) and the Worker (worker-build).
# Each half is skipped when nothing it reads changed since its last build (IMP_FORCE_BUILD=1 forces).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
mkdir -p target

# A hash of the tracked and untracked-but-not-ignored files under the given paths.
stamp_of() {
  git ls-files -co --exclude-standard -- "$@" | grep -v '^worker/build/' | sort -u \
    | while IFS= read -r file; do [ -f "$file" ] && sha256sum "$file"; done | sha256sum | cut -c1-16
}
up_to_date() { # name stamp output
  [ "${IMP_FORCE_BUILD:-}" != 1 ] && [ -f "target/$1.stamp" ] && [ "$(cat "target/$1.stamp")" = "$2" ] && [ -f "$3" ]
}

app_stamp="$(stamp_of Cargo.toml Cargo.lock rust-toolchain.toml .cargo shared app public scripts/build.sh)"
if up_to_date app "$app_stamp" dist/pkg/imp_app_bg.wasm; then
  step "App build is up to date"
else
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
  version="$(cat dist.tmp/pkg/imp_app_bg.wasm dist.tmp/pkg/imp_app.js dist.tmp/index.html dist.tmp/boot.js dist.tmp/styles.css dist.tmp/_headers | sha256sum | cut -c1-12)"
  sed -i "s/__BUILD_VERSION__/$version/" dist.tmp/sw.js
  echo "$version" > dist.tmp/build-version.txt
  rm -rf dist && mv dist.tmp dist
  echo "$app_stamp" > target/app.stamp
  note "dist/ ready (build $version)"
fi

worker_stamp="$(stamp_of Cargo.toml Cargo.lock rust-toolchain.toml .cargo shared worker scripts/build.sh)"
if up_to_date worker "$worker_stamp" worker/build/index.js; then
  step "Worker build is up to date"
else
  step "Building the Worker (worker-build, release)"
  rm -rf worker/build
  if ! (cd worker && worker-build --release >"$ROOT/target/worker-build.log" 2>&1); then
    tail -n 40 target/worker-build.log
    die "worker-build failed (full log: target/worker-build.log)"
  fi
  echo "$worker_stamp" > target/worker.stamp
  note "worker/build/index.js ready"
fi
