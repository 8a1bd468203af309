#!/usr/bin/env bash
# `make test`: every check and test, on the real parts: formatting, clippy (native and wasm32),
# native unit/property tests and the sync simulation, the Worker over HTTP on workerd (wrangler
# dev), the app's IndexedDB store in headless Chromium, and end-to-end flows in Chromium.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
started=$SECONDS

bash scripts/tools.sh --browser

step "cargo fmt --check"
cargo fmt --all -- --check

step "view! markup: no line over 120 characters"
node scripts/view-lines.mjs

step "clippy, native (shared, app, simulation) with -D warnings"
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked -p imp-shared --features webpush --all-targets -- -D warnings

step "clippy, wasm32 (app, worker, shared) with -D warnings"
cargo clippy --locked --target wasm32-unknown-unknown -p imp-app -p imp-worker -p imp-shared --all-targets -- -D warnings

step "native tests: shared unit + property tests, sync simulation (${SIM_SEEDS:-1000} seeds)"
cargo test --locked --release
cargo test --locked --release -p imp-shared --features webpush --test webpush

step "app in headless Chromium: the IndexedDB store (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked --target wasm32-unknown-unknown -p imp-app --lib --test store

bash scripts/build.sh

step "Worker integration and end-to-end tests (wrangler dev on workerd, Chromium via playwright-core)"
node --test --test-concurrency=1 tests/worker/ tests/e2e/

printf '\nmake test: everything passed in %d s\n' $((SECONDS - started))
