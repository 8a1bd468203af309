#!/usr/bin/env bash
# Builds the app (release wasm → wasm-split-cli → wasm-bindgen → wasm-opt → dist/) and the Worker (worker-build).
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
  step "Building the app (Leptos → wasm32, release, split by route)"
  cargo build --locked --release --target wasm32-unknown-unknown -p imp-app --features split
  # wasm-split-cli cuts every `#[lazy]` / lazy route into its own piece (`split_*.wasm`) plus the
  # code pieces share (`chunk_*.wasm`), and writes `__wasm_split.js`, which loads them.
  rm -rf target/split dist.tmp && mkdir -p dist.tmp/pkg
  wasm-split-cli --target web --out-name imp_app target/wasm32-unknown-unknown/release/imp_app.wasm target/split
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-dir dist.tmp/pkg \
    target/split/imp_app.wasm
  mkdir -p dist.tmp/pkg/pieces
  cp target/split/__wasm_split.js dist.tmp/pkg/
  cp target/split/split_*.wasm target/split/chunk_*.wasm dist.tmp/pkg/pieces/
  note "wasm-opt -Oz on the main piece and $(ls dist.tmp/pkg/pieces | wc -l) lazy pieces"
  ls dist.tmp/pkg/imp_app_bg.wasm dist.tmp/pkg/pieces/*.wasm | xargs -P 2 -I{} wasm-opt -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types -o {} {}
  note "minifying the JS glue (esbuild)"
  for js in imp_app.js __wasm_split.js; do
    esbuild "dist.tmp/pkg/$js" --minify --log-level=error --outfile="dist.tmp/pkg/$js" --allow-overwrite
  done
  cp -R public/. dist.tmp/
  # One version names the whole build: a hash of every piece and of the files that start it.
  version="$(cd dist.tmp && find pkg index.html boot.js styles.css _headers sw.js -type f | LC_ALL=C sort \
    | xargs cat | sha256sum | cut -c1-12)"
  # The lazy pieces live under the build's version, so a main piece from one build can never
  # load a piece from another (an old tab gets a clear 404 instead of mismatched code).
  mv dist.tmp/pkg/pieces "dist.tmp/pkg/$version"
  sed -i "s#new URL(\"\./#new URL(\"./$version/#g" dist.tmp/pkg/__wasm_split.js
  # The service worker precaches exactly this build's files, under a cache named by its version.
  precache="$(cd dist.tmp && { printf '/\n'; find pkg styles.css boot.js manifest.webmanifest icons -type f \
    | LC_ALL=C sort | sed 's#^#/#'; } | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(s.trim().split("\n"))))')"
  sed -i "s#__BUILD_VERSION__#$version#; s#\[\"__PRECACHE__\"\]#$precache#" dist.tmp/sw.js
  grep -q __PRECACHE__ dist.tmp/sw.js && die "sw.js: the precache list was not filled in"
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
