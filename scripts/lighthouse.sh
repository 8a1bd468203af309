#!/usr/bin/env bash
# `make lighthouse`: builds, starts the Worker with demo data on a free port (as `make run` does,
# with its own storage under target/), and runs Lighthouse 12.2.3 (mobile, Chromium headless)
# against the app's `/` (what a phone opens first: the sign-in screen): over http, then over https
# (`wrangler dev --local-protocol https`, self-signed) if that starts here, with Chromium's own
# Accept-Encoding and with brotli first. Prints the scores and figures; scores never fail it, a
# Lighthouse that cannot run does. Reports: target/lighthouse/<http|https|https-br>.report.html.
#
# Compression: Chromium offers `gzip, deflate, br, zstd` to 127.0.0.1 over either protocol, and
# the local workerd answers with whichever of gzip and br the request lists first, so both runs
# with Chromium's own header measure gzip. Cloudflare's edge sends Chromium brotli; the third run
# (`https-br`) asks for `br, gzip` to measure that.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

bash scripts/tools.sh --browser
bash scripts/build.sh

PERSIST="$ROOT/target/lighthouse-state"
OUT="$ROOT/target/lighthouse"
mkdir -p "$OUT"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
[ -x "$CHROME_PATH" ] || die "no Chromium at $CHROME_PATH"

step "Applying D1 migrations to the Lighthouse run's database (target/lighthouse-state)"
(cd worker && WRANGLER_LOG=log wrangler d1 migrations apply DB --local --persist-to "$PERSIST" 2>&1 | tail -n 2)

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

server=""
stop_worker() {
  if [ -n "$server" ]; then
    kill -TERM -- "-$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
trap stop_worker EXIT
trap 'stop_worker; exit 130' INT TERM

# start_worker PROTOCOL: starts wrangler dev in its own process group; sets $url. Returns non-zero
# (and leaves nothing running) if it does not answer within 90 s.
start_worker() {
  local protocol="$1" port log
  port="$(free_port)"
  log="$OUT/wrangler-$protocol.log"
  seed_secret="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  # Its own dev registry, so it never sees (or is seen by) another wrangler dev on this machine.
  (cd worker && WRANGLER_REGISTRY_PATH="$PERSIST/registry-$protocol" exec setsid wrangler dev \
     --ip 127.0.0.1 --port "$port" --local-protocol "$protocol" --persist-to "$PERSIST" \
     --var IMP_DEMO:on --var "IMP_SEED_SECRET:$seed_secret" \
     --show-interactive-dev-session=false --live-reload=false) >"$log" 2>&1 &
  server=$!
  url="$protocol://127.0.0.1:$port"
  local deadline=$((SECONDS + 90))
  until curl -fsSk "$url/api/v1/health" >/dev/null 2>&1; do
    if ! kill -0 "$server" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$log" | sed 's/^/    | /'
      stop_worker
      return 1
    fi
    sleep 0.5
  done
  note "Worker on $url (log: ${log#"$ROOT"/})"
}

# settle: waits until the Worker answers `/` quickly three times running (seeding leaves summary
# work in the Durable Objects' alarms; the runtime is one thread), and warms the app's files, so
# the run measures the app rather than the local runtime's start.
settle() {
  local fast=0 deadline=$((SECONDS + 60)) took
  for file in / /styles.css /boot.js /pkg/imp_app.js /pkg/imp_app_bg.wasm; do
    curl -fsSk -o /dev/null "$url$file" || die "$url$file did not answer"
  done
  while [ $fast -lt 3 ] && [ $SECONDS -lt $deadline ]; do
    took="$(curl -fsSk -o /dev/null -w '%{time_total}' "$url/")"
    if awk -v t="$took" 'BEGIN { exit !(t < 0.1) }'; then fast=$((fast + 1)); else fast=0; sleep 1; fi
  done
  [ $fast -ge 3 ] || note "the Worker still answers / slowly after 60 s (last: ${took} s); measuring anyway"
}

seed() {
  local answer
  answer="$(curl -sSk -X POST -H 'content-length: 0' -H "x-imp-seed-secret: $seed_secret" "$url/api/v1/admin/seed")" \
    || die "seeding did not answer"
  node -e 'const r=JSON.parse(process.argv[1]);console.log("    "+(r.summary??("not seeded: "+r.message)))' "$answer"
}

step "Lighthouse over http"
start_worker http || die "the Worker did not start over http"
seed
settle
node scripts/lighthouse.mjs run http "$url/"
stop_worker

step "Lighthouse over https (self-signed certificate, --ignore-certificate-errors)"
runs=(http)
if start_worker https; then
  settle
  node scripts/lighthouse.mjs run https "$url/"
  step "Lighthouse over https with brotli (Accept-Encoding: br, gzip — what Cloudflare's edge sends Chromium)"
  node scripts/lighthouse.mjs run https-br "$url/" --accept-encoding="br, gzip"
  stop_worker
  runs+=(https https-br)
else
  note "wrangler dev --local-protocol https did not start here: only the http run is reported"
fi

step "Lighthouse, side by side"
node scripts/lighthouse.mjs table "${runs[@]}"
