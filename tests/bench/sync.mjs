// Benchmark: push and pull throughput on the local Workers runtime, measured side by side in one
// run with the same Worker's hello-world route (/api/v1/health), reported as ratios, with p50/p95
// latency; then a push of 1,000 mutations (two requests of 500) and a first pull of 10,000
// changes, paged (protocol 2) against unpaged (protocol 1, the previous approach), in ms.
import { WorkerProcess } from "../support/worker.mjs";
import { Api, DEMO, taskCreate } from "../support/api.mjs";

const DURATION_MS = Number(process.env.BENCH_MS ?? 4000);
const CONCURRENCY = 8;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function measure(name, operation) {
  let done = 0;
  let failed = 0;
  const latencies = [];
  const started = performance.now();
  const deadline = started + DURATION_MS;
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, lane) => {
    while (performance.now() < deadline) {
      const began = performance.now();
      const ok = await operation(lane, done);
      latencies.push(performance.now() - began);
      if (ok) done += 1; else failed += 1;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const rate = done / seconds;
  latencies.sort((a, b) => a - b);
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  console.log(`${name.padEnd(40)} ${rate.toFixed(1).padStart(8)} req/s  p50 ${p50.toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms  (${done} ok, ${failed} failed, ${CONCURRENCY} in flight)`);
  return rate;
}

async function timed(operation) {
  const began = performance.now();
  const result = await operation();
  return { ms: performance.now() - began, result };
}

// The benchmark pushes far faster than any app: lift the per-user push limit (a test hook).
const worker = await WorkerProcess.start({ vars: { IMP_TEST_PUSH_LIMIT: "100000000" } });
try {
  const anon = new Api(worker.url);
  await worker.seed();
  const student = await anon.login(DEMO.student.email);
  const staff = await anon.login(DEMO.staff.email);
  const space = `student:${DEMO.student.id}`;
  const seqs = new Map();
  const hello = await measure("hello (GET /api/v1/health)", async () => (await fetch(`${worker.url}/api/v1/health`)).ok);
  const trip = await measure("one trip to a space's object (floor)", async () => (await fetch(`${worker.url}/api/v1/test/space-trip`)).ok);
  const push = await measure("push (1 mutation)", async (lane) => {
    const client = `bench-${process.pid}-${lane}`;
    const seq = (seqs.get(client) ?? 0) + 1;
    seqs.set(client, seq);
    const answer = await student.push(space, client, [{ seq, mutation: taskCreate(`bench-${lane}-${seq}`, "Benchmark task") }]);
    return answer.status === 200;
  });
  const pull = await measure("pull (whole space, cursor 0)", async (lane) => {
    const answer = await student.pull(space, `bench-${process.pid}-${lane}`, 0, 0);
    return answer.status === 200;
  });
  const head = (await student.pull(space, "bench-head")).json.cursor;
  const pullIncremental = await measure("pull (up to date, nothing new)", async (lane) => {
    const answer = await student.pull(space, `bench-${process.pid}-${lane}`, head, 0);
    return answer.status === 200;
  });
  const hello2 = await measure("hello again (noise check)", async () => (await fetch(`${worker.url}/api/v1/health`)).ok);
  const baseline = (hello + hello2) / 2;
  const ratio = (rate) => (rate / baseline).toFixed(3);
  console.log(`\npush / hello = ${ratio(push)}   pull (up to date) / hello = ${ratio(pullIncremental)}   pull (whole) / hello = ${ratio(pull)}   floor (one trip to an object) / hello = ${ratio(trip)}   (hello drift ${(hello2 / hello).toFixed(2)}×)`);

  // Bulk: a new student's space, 1,000 mutations in two pushes of 500, then 10 × 1,000 more to
  // reach 10,000 changes, pulled from cursor 0 by a new device.
  const invite = await staff.request("POST", "/api/v1/invites", { body: { email: `bench-${process.pid}@demo.imp`, display_name: "Bench Student", role: "student", cohort_year: 2026 } });
  const accepted = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invite.json.code, password: "bench-password-1" } });
  const bulk = new Api(worker.url, accepted.json.token);
  const bulkSpace = `student:${invite.json.user_id}`;
  let seq = 0;
  const pushBatch = async (count) => {
    const mutations = Array.from({ length: count }, () => { seq += 1; return { seq, mutation: taskCreate(`bulk-${seq}`, `Bulk task ${seq}`) }; });
    const answer = await bulk.push(bulkSpace, "bench-bulk", mutations);
    if (answer.status !== 200) throw new Error(`bulk push: ${answer.status} ${answer.text}`);
  };
  const thousand = await timed(async () => { await pushBatch(500); await pushBatch(500); });
  console.log(`\npush of 1,000 mutations (two requests of 500)      ${thousand.ms.toFixed(0).padStart(6)} ms`);
  for (let n = 0; n < 18; n += 1) await pushBatch(500);
  const paged = await timed(async () => {
    let cursor = 0;
    let changes = 0;
    let pages = 0;
    for (;;) {
      const page = await bulk.pull(bulkSpace, "bench-reader", cursor, 0);
      if (page.status !== 200) throw new Error(`paged pull: ${page.status}`);
      changes += page.json.changes.length;
      pages += 1;
      cursor = page.json.cursor;
      if (!page.json.more) return { changes, pages };
    }
  });
  console.log(`pull of ${paged.result.changes} changes, paged (${paged.result.pages} pages of ≤ 1,000)   ${paged.ms.toFixed(0).padStart(6)} ms`);
  const whole = await timed(async () => {
    const answer = await bulk.pull(bulkSpace, "bench-reader-1", 0, 0, { protocol: 1 });
    if (answer.status !== 200) throw new Error(`unpaged pull: ${answer.status}`);
    return { changes: answer.json.changes.length, bytes: answer.text.length };
  });
  console.log(`pull of ${whole.result.changes} changes, one response (protocol 1)       ${whole.ms.toFixed(0).padStart(6)} ms  (${(whole.result.bytes / 1024 / 1024).toFixed(1)} MiB in one body)`);
} finally {
  await worker.stop();
}
