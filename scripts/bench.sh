#!/usr/bin/env bash
# `make bench`: prints figures (never fails on a timing): sync throughput on the local Workers
# runtime against the same Worker's hello route, and the browser benchmarks.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/tools.sh --browser
bash scripts/build.sh
step "Sync throughput on workerd (ratios against /api/v1/health in the same run)"
node tests/bench/sync.mjs
for bench in tests/bench/*.bench.mjs; do
  [ -e "$bench" ] || continue
  step "Browser benchmark: $bench"
  node "$bench"
done
