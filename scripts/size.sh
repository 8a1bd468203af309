#!/usr/bin/env bash
# Prints the app shell's sizes (needs a build: `make size` builds first).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
step "App shell sizes (dist/)"
node scripts/size.mjs
