#!/usr/bin/env bash
# `make run`: installs what is missing, builds, applies the local D1 migrations, starts the Worker
# and the app on http://127.0.0.1:8787 (wrangler dev = workerd, local storage), seeds demo data
# once, and stops everything (no orphaned workerd) on Ctrl-C.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

PORT="${PORT:-8787}"
PERSIST="$ROOT/.wrangler/state"

bash scripts/tools.sh
bash scripts/build.sh

step "Applying D1 migrations to the local database"
(cd worker && WRANGLER_LOG=log wrangler d1 migrations apply DB --local --persist-to "$PERSIST" 2>&1 | tail -n 2)

if curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1; then
  die "something already answers on 127.0.0.1:$PORT; stop it first"
fi

step "Starting the Worker on the local Workers runtime"
log="$ROOT/target/wrangler-dev.log"
mkdir -p "$ROOT/target"
# Seeding needs a secret only this script knows (a fresh one each run); it never leaves the machine.
seed_secret="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
(cd worker && exec setsid wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to "$PERSIST" \
   --var IMP_DEMO:on --var "IMP_SEED_SECRET:$seed_secret" \
   --test-scheduled --show-interactive-dev-session=false --live-reload=false) >"$log" 2>&1 &
server=$!
stop() {
  trap - INT TERM EXIT
  kill -TERM -- "-$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  printf '\nStopped.\n'
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

deadline=$((SECONDS + 90))
until curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1; do
  if ! kill -0 "$server" 2>/dev/null; then tail -n 30 "$log"; die "wrangler dev exited"; fi
  [ $SECONDS -lt $deadline ] || { tail -n 30 "$log"; die "the Worker did not answer within 90 s"; }
  sleep 0.5
done
note "health: $(curl -fsS "http://127.0.0.1:$PORT/api/v1/health")"

step "Demo data (seeded once; kept in .wrangler/state)"
# The Worker never sends a password; the demo password is shared/src/demo.rs's DEMO_PASSWORD.
demo_password="imp-demo-password"
if ! answer="$(curl -sS -X POST -H 'content-length: 0' -H "x-imp-seed-secret: $seed_secret" \
    "http://127.0.0.1:$PORT/api/v1/admin/seed")"; then
  die "seeding did not answer"
fi
DEMO_PASSWORD="$demo_password" node -e 'const r=JSON.parse(process.argv[1]);if(!r.logins){console.log("    not seeded: "+r.message);process.exit(0)}console.log("    "+r.summary);for(const l of r.logins)console.log(`    ${l.role.padEnd(8)} ${l.email}  /  ${process.env.DEMO_PASSWORD}`)' "$answer"

printf '\n\033[1;32mIMP Companion is running at http://127.0.0.1:%s\033[0m  (log: %s)\nPress Ctrl-C to stop.\n' "$PORT" "$log"
wait "$server"
