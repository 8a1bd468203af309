#!/usr/bin/env bash
# `make size`: the build's sizes (raw and brotli) piece by piece with the first-screen total, then
# where the main piece's bytes go: a top 20 by function from twiggy, on a copy of the main piece
# optimised like the shipped one but keeping function names (`wasm-opt -g`).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
step "App sizes (dist/)"
node scripts/size.mjs

step "Main piece: top 20 functions by size (twiggy $TWIGGY_VERSION on a wasm-opt -Oz -g copy)"
[ -f target/split/imp_app.wasm ] || die "target/split/imp_app.wasm is missing: run scripts/build.sh first"
named="target/size-named"
rm -rf "$named" && mkdir -p "$named"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-dir "$named" target/split/imp_app.wasm
wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types -o "$named/main.wasm" "$named/imp_app_bg.wasm"
# The names section is only there for twiggy: leave it out of the figures.
twiggy top -n 21 "$named/main.wasm" | grep -v '"function names" subsection\|"data names" subsection' | cut -c1-160
