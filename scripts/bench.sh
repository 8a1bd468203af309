#!/usr/bin/env bash
# `make bench`: prints figures (never fails on a timing): sync throughput on the local Workers
# runtime against the same Worker's hello route, and the browser benchmarks.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/tools.sh --browser
bash scripts/build.sh
step "Matching: 1,000 students × 400 positions, natively"
cargo run --locked --release -q -p imp-shared --example matching_bench
step "Sync throughput on workerd (ratios against /api/v1/health in the same run)"
node tests/bench/sync.mjs
step "Offline cold start in Chromium, CPU 4× slower: to the student's name vs raw IndexedDB (tests/bench/coldstart.mjs)"
node tests/bench/coldstart.mjs
step "App in Chromium: write latency to the UI, bulk load vs raw IndexedDB, sync-cycle cost with nothing new at 100 and 10,000 records (app/tests/bench.rs)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked --release --target wasm32-unknown-unknown \
  -p imp-app --test bench -- --nocapture 2>&1 | grep -E "ms|×|test result"
