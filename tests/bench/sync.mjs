// Benchmark: push and pull throughput on the local Workers runtime, measured side by side in one
// run with the same Worker's hello-world route (/api/v1/health), reported as ratios.
import { WorkerProcess } from "../support/worker.mjs";
import { Api, DEMO, taskCreate } from "../support/api.mjs";

const DURATION_MS = Number(process.env.BENCH_MS ?? 4000);
const CONCURRENCY = 8;

async function measure(name, operation) {
  let done = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + DURATION_MS;
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, lane) => {
    while (performance.now() < deadline) {
      const ok = await operation(lane, done);
      if (ok) done += 1; else failed += 1;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const rate = done / seconds;
  console.log(`${name.padEnd(34)} ${rate.toFixed(1).padStart(8)} req/s  (${done} ok, ${failed} failed, ${CONCURRENCY} in flight)`);
  return rate;
}

// The benchmark pushes far faster than any app: lift the per-user push limit (a test hook).
const worker = await WorkerProcess.start({ vars: { IMP_TEST_PUSH_LIMIT: "100000000" } });
try {
  const anon = new Api(worker.url);
  await worker.seed();
  const student = await anon.login(DEMO.student.email);
  const space = `student:${DEMO.student.id}`;
  const seqs = new Map();
  const hello = await measure("hello (GET /api/v1/health)", async () => (await fetch(`${worker.url}/api/v1/health`)).ok);
  const push = await measure("push (1 mutation, D1 auth + DO)", async (lane) => {
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
  console.log(`\npush / hello = ${ratio(push)}   pull (whole) / hello = ${ratio(pull)}   pull (up to date) / hello = ${ratio(pullIncremental)}   (hello drift ${(hello2 / hello).toFixed(2)}×)`);
} finally {
  await worker.stop();
}
