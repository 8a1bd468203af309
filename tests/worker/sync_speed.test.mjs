// Sync at the speed of the runtime (issue #13), against a real `wrangler dev` (workerd) with local
// D1 and Durable Objects: the session cache and its bound, summaries written after the reply and
// retried, paged pulls, and live sockets.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import http from "node:http";

import { WorkerProcess, until } from "../support/worker.mjs";
import { Api, DEMO, taskCreate, uniqueId } from "../support/api.mjs";

// The session cache's bound, shortened by a test hook so the test stays quick (the deployed
// bound is `SESSION_CACHE_SECONDS`, 30 s; docs/sync-protocol.md §3).
const CACHE_SECONDS = 2;
let worker;
let anon;
let staff;

before(async () => {
  worker = await WorkerProcess.startSeeded({ vars: { IMP_TEST_SESSION_CACHE_SECONDS: String(CACHE_SECONDS) } });
  anon = new Api(worker.url);
  staff = await anon.login(DEMO.staff.email);
}, { timeout: 240_000 });

after(async () => {
  await worker?.stop();
});

/** A new student (invited by staff, password set), signed in. */
async function newStudent(name = "Speed Student") {
  const email = `${uniqueId("student")}@demo.imp`;
  const invite = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: name, role: "student", cohort_year: 2026 } });
  assert.equal(invite.status, 201, invite.text);
  const accepted = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invite.json.code, password: "speed-password-1" } });
  assert.equal(accepted.status, 200, accepted.text);
  const id = invite.json.user_id;
  return { api: new Api(worker.url, accepted.json.token), id, space: `student:${id}` };
}

const jobCreate = (company) => ({ type: "create", id: uniqueId("job"), record: { kind: "job_application", fields: { company, role: "Analyst", stage: "applied" } } });

/** The student's summary as staff pull it, and the staff space's cursor. */
async function summaryOf(id) {
  const pulled = await staff.pull("staff", uniqueId("s"));
  assert.equal(pulled.status, 200, pulled.text);
  const change = pulled.json.changes.find((c) => c.key.kind === "student_summary" && c.key.id === id);
  return { fields: change?.record?.fields, version: change?.version, cursor: pulled.json.cursor };
}

const applications = (fields) => (fields?.applications ?? []).reduce((sum, s) => sum + s.count, 0);

describe("sessions are cached within a stated bound", () => {
  test("a session deactivated elsewhere stops working within the cache's bound", async () => {
    const { api, space } = await newStudent();
    assert.equal((await api.pull(space, uniqueId("c"))).status, 200, "signed in (and now cached)");
    // The hook makes this isolate act as another one: it does not forget the cached session, as
    // an isolate that never saw the deactivation would not.
    const off = await staff.request("POST", `/api/v1/accounts/${space.slice("student:".length)}/active`, {
      body: { active: false },
      headers: { "x-imp-test-other-isolate": "1" },
    });
    assert.equal(off.status, 200, off.text);
    const deactivatedAt = Date.now();
    await until(async () => (await api.pull(space, uniqueId("c"))).status === 401, {
      timeoutMs: (CACHE_SECONDS + 10) * 1000,
      what: "the deactivated session to be refused",
    });
    const took = Date.now() - deactivatedAt;
    // The bound plus one poll interval and a request's time; far below the next bound multiple.
    assert.ok(took <= CACHE_SECONDS * 1000 + 1500, `refused after ${took} ms; the bound is ${CACHE_SECONDS} s`);
  });

  test("logout and deactivation in the same isolate end a cached session at once", async () => {
    const first = await newStudent();
    assert.equal((await first.api.request("GET", "/api/v1/me")).status, 200);
    assert.equal((await first.api.request("POST", "/api/v1/auth/logout")).status, 200);
    assert.equal((await first.api.request("GET", "/api/v1/me")).status, 401);
    assert.equal((await first.api.pull(first.space, uniqueId("c"))).status, 401);

    const second = await newStudent();
    assert.equal((await second.api.pull(second.space, uniqueId("c"))).status, 200);
    const off = await staff.request("POST", `/api/v1/accounts/${second.id}/active`, { body: { active: false } });
    assert.equal(off.status, 200, off.text);
    assert.equal((await second.api.pull(second.space, uniqueId("c"))).status, 401);
  });
});

describe("summaries are written after the reply, only when they can change, and retried", () => {
  test("a summary write that fails is retried and ends correct", async () => {
    const { api, id, space } = await newStudent("Retry Student");
    const pushed = await api.push(space, uniqueId("c"), [{ seq: 1, mutation: jobCreate("Acme Taipei") }], { "x-imp-fault": "summary_write" });
    assert.equal(pushed.status, 200, pushed.text);
    assert.equal(pushed.json.verdicts[0].verdict.status, "ok", "the push itself is not failed by its summary");
    const summary = await until(async () => {
      const now = await summaryOf(id);
      return applications(now.fields) === 1 ? now : null;
    }, { timeoutMs: 30_000, what: "the retried summary to show the application" });
    assert.equal(summary.fields.display_name, "Retry Student");
  });

  test("a push that changes no summarized kind writes no summary; one that does writes it once", async () => {
    const { api, id, space } = await newStudent("Quiet Student");
    const before = await summaryOf(id);
    assert.ok(before.fields, "the invite wrote the first summary");
    const client = uniqueId("c");
    const goal = { type: "create", id: uniqueId("g"), record: { kind: "goal", fields: { title: "Not in the summary" } } };
    const goalPush = await api.push(space, client, [{ seq: 1, mutation: goal }]);
    assert.equal(goalPush.json.verdicts[0].verdict.status, "ok");
    const job = await api.push(space, client, [{ seq: 2, mutation: jobCreate("Formosa Labs") }]);
    assert.equal(job.json.verdicts[0].verdict.status, "ok");
    const after = await until(async () => {
      const now = await summaryOf(id);
      return applications(now.fields) === 1 ? now : null;
    }, { what: "the summary to show the application" });
    // Nothing else writes the staff space during this test: one derived write, one version.
    assert.equal(after.cursor, before.cursor + 1, "the goal push wrote no summary; the job push wrote one");
    assert.equal(after.version, after.cursor);
  });
});

describe("paged pulls (protocol 2)", () => {
  test("paging returns every change exactly once, across pages and pushes between them", async () => {
    const { api, space } = await newStudent("Paging Student");
    const writer = uniqueId("w");
    let seq = 0;
    const push = async (mutations) => {
      const answer = await api.push(space, writer, mutations.map((mutation) => ({ seq: ++seq, mutation })));
      assert.equal(answer.status, 200, answer.text);
      assert.ok(answer.json.verdicts.every((v) => v.verdict.status === "ok"), answer.text);
    };
    const ids = Array.from({ length: 30 }, () => uniqueId("t"));
    await push(ids.map((id, n) => taskCreate(id, `Task ${n}`)));

    const reader = uniqueId("r");
    const seen = new Map(); // key → version, as a client's base would hold them
    const delivered = new Set(); // every (key, version) pair received
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const page = await api.pull(space, reader, cursor, 0, { limit: 7 });
      assert.equal(page.status, 200, page.text);
      pages += 1;
      for (const change of page.json.changes) {
        const id = `${change.key.kind}/${change.key.id}@${change.version}`;
        assert.ok(!delivered.has(id), `${id} was sent twice`);
        delivered.add(id);
        assert.ok(change.version > cursor && change.version <= page.json.cursor, `${id} lies outside (${cursor}, ${page.json.cursor}]`);
        seen.set(`${change.key.kind}/${change.key.id}`, change);
      }
      if (page.json.more) {
        assert.ok(page.json.changes.length >= 7, "a page with more after it is full");
        assert.ok(page.json.remaining > 0);
      } else {
        assert.equal(page.json.remaining ?? 0, 0);
      }
      cursor = page.json.cursor;
      if (!page.json.more) break;
      // Between pages: change a task already sent, one not sent yet, delete one, add one.
      if (pages <= 3) {
        await push([
          { type: "update", id: ids[pages - 1], patch: { kind: "task", fields: { title: `Renamed ${pages}` } } },
          { type: "update", id: ids[29 - pages], patch: { kind: "task", fields: { done: true } } },
          { type: "delete", id: ids[10 + pages], kind: "task" },
          taskCreate(uniqueId("t"), `Added between pages ${pages}`),
        ]);
      }
    }
    assert.ok(pages >= 5, `the walk took ${pages} pages`);
    // The walk ends where a fresh unpaged (protocol 1) pull of everything does.
    const fresh = await api.pull(space, uniqueId("f"), 0, 0, { protocol: 1 });
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal(fresh.json.more, undefined, "protocol 1 is not paged");
    assert.equal(cursor, fresh.json.cursor);
    const live = (changes) => new Map([...changes].filter((c) => c.record).map((c) => [`${c.key.kind}/${c.key.id}`, JSON.stringify(c.record)]));
    assert.deepEqual(live(seen.values()), live(fresh.json.changes));
    assert.ok([...live(seen.values()).values()].some((record) => record.includes("Renamed 1")));
  });

  test("a page never splits the changes of one version, and a limit is clamped to the cap", async () => {
    const { api, space } = await newStudent("Version Student");
    // Each mutation writes one version; a limit of 0 is clamped to 1, so the first page holds
    // the changes of exactly one version, and says more follow.
    const client = uniqueId("c");
    const pushed = await api.push(space, client, Array.from({ length: 4 }, (_, n) => ({ seq: n + 1, mutation: taskCreate(uniqueId("t"), `T${n}`) })));
    assert.equal(pushed.status, 200, pushed.text);
    const first = await api.pull(space, uniqueId("r"), 0, 0, { limit: 0 });
    assert.equal(first.status, 200, first.text);
    assert.ok(first.json.more);
    assert.ok(first.json.changes.every((c) => c.version === first.json.changes[0].version), "one version per page of 1");
    const bad = await api.request("GET", `/api/v1/spaces/${space}/pull?${new URLSearchParams({ cursor: 0, client_id: "c1", protocol: 2, schema: 1, snapshot: "maybe" })}`);
    assert.equal(bad.status, 400);
    const big = await api.pull(space, uniqueId("r"), 0, 0, { limit: 1_000_000 });
    assert.equal(big.status, 200);
    assert.equal(big.json.more, undefined, "everything fits under the cap");
  });
});

/**
 * Opens a live socket by hand (node:http; Node 20 has no WebSocket client): resolves with the
 * status and, on 101, the chosen subprotocol and a reader of the server's text frames.
 */
function openLive(space, { token, protocols = ["imp-live"], upgrade = true } = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(`${worker.url}/api/v1/spaces/${encodeURIComponent(space)}/live`);
    const offered = token ? [...protocols, `imp-token.${token}`] : protocols;
    const headers = upgrade
      ? { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": randomBytes(16).toString("base64"), "sec-websocket-protocol": offered.join(", ") }
      : {};
    const request = http.request(url, { headers });
    request.on("error", reject);
    request.on("response", async (response) => {
      let body = "";
      for await (const chunk of response) body += chunk;
      resolve({ status: response.statusCode, body });
    });
    request.on("upgrade", (response, socket, head) => {
      const frames = [];
      const waiting = [];
      let buffer = Buffer.alloc(0);
      const take = (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        // Unmasked server frames, short text payloads (a poke is well under 126 bytes).
        while (buffer.length >= 2 && buffer.length >= 2 + (buffer[1] & 0x7f)) {
          const length = buffer[1] & 0x7f;
          const opcode = buffer[0] & 0x0f;
          const payload = buffer.subarray(2, 2 + length).toString("utf8");
          buffer = buffer.subarray(2 + length);
          if (opcode === 1) {
            const next = waiting.shift();
            if (next) next(payload); else frames.push(payload);
          }
        }
      };
      // The first frames may come in the same packet as the 101 answer.
      take(head);
      socket.on("data", take);
      const nextFrame = () => (frames.length ? Promise.resolve(frames.shift()) : new Promise((done) => waiting.push(done)));
      resolve({ status: response.statusCode, protocol: response.headers["sec-websocket-protocol"], nextFrame, close: () => socket.destroy() });
    });
    request.end();
  });
}

describe("live updates (§8.2)", () => {
  test("a live socket checks the session and access, then pokes with each new version", { timeout: 60_000 }, async () => {
    const { api, space } = await newStudent("Live Student");
    assert.equal((await openLive(space, { token: api.token, upgrade: false })).status, 400, "not a WebSocket");
    assert.equal((await openLive(space, { token: api.token, protocols: ["chat"] })).status, 400, "no imp-live subprotocol");
    assert.equal((await openLive(space, { token: "0".repeat(64) })).status, 401, "an unknown token");
    const mentor = await anon.login(DEMO.mentor.email);
    assert.equal((await openLive(space, { token: mentor.token })).status, 403, "a mentor who is not theirs");

    // The student's first pull notes them active (a new version, §5.4): it comes before the
    // socket, so the version the socket opens with is the pull's.
    const cursor = (await api.pull(space, uniqueId("c"))).json.cursor;
    const live = await openLive(space, { token: api.token });
    try {
      assert.equal(live.status, 101);
      assert.equal(live.protocol, "imp-live");
      assert.deepEqual(JSON.parse(await live.nextFrame()), { type: "poke", version: cursor }, "the version when it opens");
      const pushed = await api.push(space, uniqueId("c"), [{ seq: 1, mutation: taskCreate(uniqueId("t"), "Poke me") }]);
      assert.equal(pushed.status, 200, pushed.text);
      assert.deepEqual(JSON.parse(await live.nextFrame()), { type: "poke", version: pushed.json.cursor }, "the version after the push");
    } finally {
      live.close();
    }
  });
});
