// Security tests (issue #12), one section per finding, against a real `wrangler dev` (workerd)
// with local D1 and Durable Objects. Throttling tests act as distinct clients through the
// `x-imp-test-client-address` test hook and count password hashes through the
// `x-imp-password-checks` test hook (docs/sync-protocol.md §13).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

import { ROOT, WorkerProcess } from "../support/worker.mjs";
import { Api, DEMO, taskCreate, uniqueId } from "../support/api.mjs";

const PUSH_LIMIT = 40;
let worker;
let anon;
let student;
let mentor;
let staff;

before(async () => {
  // A low push limit (a test hook) so the push-limit test stays quick; the other tests push less.
  worker = await WorkerProcess.startSeeded({ vars: { IMP_TEST_PUSH_LIMIT: String(PUSH_LIMIT) } });
  anon = new Api(worker.url);
  student = await anon.login(DEMO.student.email);
  mentor = await anon.login(DEMO.mentor.email);
  staff = await anon.login(DEMO.staff.email);
}, { timeout: 240_000 });

after(async () => {
  await worker?.stop();
});

const studentSpace = `student:${DEMO.student.id}`;

/** A new student (invited by staff, password set), signed in. */
async function newStudent() {
  const email = `${uniqueId("student")}@demo.imp`;
  const invite = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "Quota Student", role: "student", cohort_year: 2026 } });
  assert.equal(invite.status, 201, invite.text);
  const accepted = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invite.json.code, password: "quota-password-1" } });
  assert.equal(accepted.status, 200, accepted.text);
  return { api: new Api(worker.url, accepted.json.token), space: `student:${invite.json.user_id}` };
}

/** A login attempt from the client address `address`. */
function loginFrom(address, email, password) {
  return anon.request("POST", "/api/v1/auth/login", {
    body: { email, password },
    headers: { "x-imp-test-client-address": address },
  });
}

const checks = (answer) => Number(answer.headers.get("x-imp-password-checks") ?? "0");

describe("1. security headers", () => {
  test("every API answer carries the API's headers", async () => {
    for (const [method, path, who] of [["GET", "/api/v1/health", anon], ["GET", "/api/v1/me", anon], ["GET", "/api/v1/nope", anon], ["GET", "/api/v1/me", student]]) {
      const answer = await who.request(method, path);
      const headers = answer.headers;
      assert.equal(headers.get("content-security-policy"), "default-src 'none'; frame-ancestors 'none'", path);
      assert.equal(headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(headers.get("x-frame-options"), "DENY", path);
      assert.equal(headers.get("referrer-policy"), "no-referrer", path);
      assert.match(headers.get("strict-transport-security") ?? "", /^max-age=\d{8,}/, path);
    }
  });

  test("the app's pages and files carry its strict CSP, and the page has no inline script", async () => {
    for (const path of ["/", "/tasks", "/boot.js", "/pkg/imp_app.js", "/styles.css", "/sw.js"]) {
      const answer = await fetch(`${worker.url}${path}`);
      assert.equal(answer.status, 200, path);
      const csp = answer.headers.get("content-security-policy") ?? "";
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, `${path}: ${csp}`);
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /object-src 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-inline/, path);
      assert.equal(answer.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(answer.headers.get("x-frame-options"), "DENY", path);
      assert.equal(answer.headers.get("referrer-policy"), "no-referrer", path);
      assert.match(answer.headers.get("strict-transport-security") ?? "", /^max-age=\d{8,}/, path);
      if (path === "/") {
        const html = await answer.text();
        const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
        assert.ok(scripts.length > 0);
        for (const [, attributes, body] of scripts) {
          assert.match(attributes, /\bsrc="\/[^"]+"/, "every script is a file");
          assert.equal(body.trim(), "", "no inline script");
        }
        assert.doesNotMatch(html, /\sstyle="/, "no inline style");
      }
    }
    const rules = await (await fetch(`${worker.url}/_headers`)).text();
    assert.doesNotMatch(rules, /Content-Security-Policy:/, "the _headers file is configuration, not an asset");
  });
});

describe("2. sign-in throttling", () => {
  test("25 parallel wrong sign-ins check at most 5 passwords; the rest get 429 with Retry-After", async () => {
    const address = uniqueId("parallel");
    const answers = await Promise.all(Array.from({ length: 25 }, () => loginFrom(address, DEMO.staff.email, "not-the-password")));
    const statuses = answers.map((answer) => answer.status);
    const hashed = answers.reduce((sum, answer) => sum + checks(answer), 0);
    assert.ok(hashed <= 5, `${hashed} password checks`);
    assert.equal(statuses.filter((s) => s === 401).length, hashed, "each check was a 401");
    assert.equal(statuses.filter((s) => s === 429).length, 25 - hashed, statuses.join(" "));
    assert.ok(hashed >= 1, "some attempts were judged");
    for (const answer of answers.filter((a) => a.status === 429)) {
      assert.equal(answer.json.error, "rate_limited");
      assert.ok(Number(answer.headers.get("retry-after")) >= 1, "Retry-After says when");
    }
  });

  test("delays grow with each further attempt instead of locking the account", async () => {
    const address = uniqueId("grow");
    const email = `${uniqueId("nobody")}@demo.imp`;
    const statuses = [];
    for (let attempt = 0; attempt < 6; attempt += 1) statuses.push((await loginFrom(address, email, "wrong-password")).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const refused = await loginFrom(address, email, "wrong-password");
    const wait = Number(refused.headers.get("retry-after"));
    assert.ok(wait >= 1 && wait <= 900, `Retry-After ${wait}`);
  });

  test("one client's failures do not lock the account for everyone else", async () => {
    const attacker = uniqueId("attacker");
    for (let attempt = 0; attempt < 6; attempt += 1) await loginFrom(attacker, DEMO.mentor.email, "wrong-password");
    assert.equal((await loginFrom(attacker, DEMO.mentor.email, "imp-demo-password")).status, 429, "the attacker waits");
    const owner = await loginFrom(uniqueId("owner"), DEMO.mentor.email, "imp-demo-password");
    assert.equal(owner.status, 200, "the account's owner signs in from elsewhere");
  });

  test("one client address has a budget across all accounts", async () => {
    const address = uniqueId("sprayer");
    const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => loginFrom(address, `${uniqueId(`spray${n}`)}@demo.imp`, "Winter2026!")));
    const hashed = answers.reduce((sum, answer) => sum + checks(answer), 0);
    assert.ok(hashed <= 30, `${hashed} password checks from one address`);
    assert.ok(answers.filter((a) => a.status === 429).length >= 10);
  });
});

describe("3. sign-in timing does not tell which emails exist", () => {
  test("an unknown email costs one password check, like a wrong password, with the same answer", async () => {
    const unknown = await loginFrom(uniqueId("t"), `${uniqueId("ghost")}@demo.imp`, "some-password-1");
    const wrong = await loginFrom(uniqueId("t"), DEMO.student.email, "some-password-1");
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.equal(checks(unknown), 1, "the dummy hash was checked");
    assert.equal(checks(wrong), 1);
    assert.deepEqual(unknown.json, wrong.json);
    // An invited account without a password yet is checked against the dummy hash too.
    const email = `${uniqueId("pending")}@demo.imp`;
    const invite = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "Pending Person", role: "mentor" } });
    assert.equal(invite.status, 201, invite.text);
    const pending = await loginFrom(uniqueId("t"), email, "some-password-1");
    assert.equal(pending.status, 401);
    assert.equal(checks(pending), 1);
    assert.deepEqual(pending.json, wrong.json);
  });
});

describe("4. accepting invites", () => {
  test("an unknown code is refused before any password is hashed", async () => {
    const answer = await anon.request("POST", "/api/v1/auth/accept-invite", {
      body: { code: "0".repeat(32), password: "a-long-enough-password" },
      headers: { "x-imp-test-client-address": uniqueId("invite") },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get("x-imp-password-checks"), "0", "counted, and none made");
  });

  test("two concurrent uses of one code: exactly one wins, and only its password works", async () => {
    const email = `${uniqueId("race")}@demo.imp`;
    const invite = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "Race Person", role: "mentor" } });
    assert.equal(invite.status, 201, invite.text);
    const passwords = ["first-password-123", "second-password-456"];
    const answers = await Promise.all(passwords.map((password) => anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invite.json.code, password } })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400], answers.map((a) => a.text).join(" | "));
    const winner = passwords[answers.findIndex((a) => a.status === 200)];
    const loser = passwords.find((p) => p !== winner);
    assert.equal((await loginFrom(uniqueId("t"), email, winner)).status, 200);
    assert.equal((await loginFrom(uniqueId("t"), email, loser)).status, 401);
  });

  test("guessing codes from one address is throttled", async () => {
    const address = uniqueId("guesser");
    const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => anon.request("POST", "/api/v1/auth/accept-invite", {
      body: { code: `${n}`.padStart(32, "f"), password: "a-long-enough-password" },
      headers: { "x-imp-test-client-address": address },
    })));
    assert.ok(answers.filter((a) => a.status === 429).length >= 10, answers.map((a) => a.status).join(" "));
  });
});

describe("8, 9. concerns in the write-only staff space", () => {
  test("a refusal in the staff space is the same whether the record exists or not", async () => {
    const id = uniqueId("concern");
    const created = await staff.push("staff", uniqueId("c"), [{ seq: 1, mutation: { type: "create", id, record: { kind: "concern_flag", fields: { student_id: DEMO.student.id, topic: "housing", priority: "normal", text: "Noted by staff", state: "open" } } } }]);
    assert.deepEqual(created.json.verdicts[0].verdict, { status: "ok" });
    const probe = (target) => student.push("staff", uniqueId("c"), [
      { seq: 1, mutation: { type: "delete", kind: "concern_flag", id: target } },
      { seq: 2, mutation: { type: "set_concern_state", id: target, state: "resolved" } },
    ]);
    const existing = await probe(id);
    const missing = await probe(uniqueId("missing"));
    assert.equal(existing.status, 200, existing.text);
    const reasons = (answer) => answer.json.verdicts.map((v) => v.verdict.reason);
    assert.deepEqual(reasons(existing), reasons(missing));
    assert.deepEqual(reasons(existing).map((r) => r.code), ["forbidden", "forbidden"]);
  });

  test("a student's concern is about themselves, whoever it names", async () => {
    const id = uniqueId("concern");
    const pushed = await student.push("staff", uniqueId("c"), [{ seq: 1, mutation: { type: "create", id, record: { kind: "concern_flag", fields: { student_id: "s-001", topic: "housing", priority: "normal", text: "About someone else", state: "open" } } } }]);
    assert.deepEqual(pushed.json.verdicts[0].verdict, { status: "ok" });
    const view = await staff.pull("staff", uniqueId("s"));
    const flag = view.json.changes.find((c) => c.key.id === id);
    assert.equal(flag.record.fields.student_id, DEMO.student.id);
  });

  test("a mentor raises concerns about their current mentees only", async () => {
    const concern = (studentId) => ({ type: "create", id: uniqueId("concern"), record: { kind: "concern_flag", fields: { student_id: studentId, topic: "visa", priority: "urgent", text: "Permit runs out", state: "open" } } });
    const pushed = await mentor.push("staff", uniqueId("c"), [
      { seq: 1, mutation: concern(DEMO.student.id) },
      { seq: 2, mutation: concern("s-001") },
    ]);
    assert.equal(pushed.status, 200, pushed.text);
    assert.deepEqual(pushed.json.verdicts[0].verdict, { status: "ok" });
    assert.equal(pushed.json.verdicts[1].verdict.status, "rejected");
    assert.deepEqual(pushed.json.verdicts[1].verdict.reason, { code: "forbidden", denial: "not_your_mentee" });
  });
});

describe("6. a student's cohort", () => {
  test("a student cannot move themselves to another cohort", async () => {
    const pushed = await student.push(studentSpace, uniqueId("c"), [
      { seq: 1, mutation: { type: "update", id: DEMO.student.id, patch: { kind: "student_profile", fields: { cohort_year: 2025 } } } },
    ]);
    assert.equal(pushed.status, 200, pushed.text);
    assert.equal(pushed.json.verdicts[0].verdict.status, "rejected");
    assert.deepEqual(pushed.json.verdicts[0].verdict.reason, { code: "invalid", field: "cohort_year", problem: "locked" });
  });
});

describe("7. feedback and session times", () => {
  const sessionCreate = (id, startsAt) => ({ type: "create", id, record: { kind: "mentoring_session", fields: { starts_at: startsAt, time_zone: "Asia/Taipei", duration_minutes: 60, format: "video", agenda: "CV review", state: "scheduled" } } });
  const feedback = (sessionId) => ({ type: "create", id: uniqueId("fb"), record: { kind: "feedback", fields: { session_id: sessionId, rating: 4, text: "Useful" } } });
  const hours = (n) => new Date(Date.now() + n * 3_600_000).toISOString();

  test("feedback before the session is refused; a session with feedback cannot be moved back", async () => {
    const soon = uniqueId("session");
    const held = uniqueId("session");
    const made = await mentor.push(studentSpace, uniqueId("c"), [
      { seq: 1, mutation: sessionCreate(soon, hours(48)) },
      { seq: 2, mutation: sessionCreate(held, hours(-2)) },
    ]);
    assert.deepEqual(made.json.verdicts.map((v) => v.verdict.status), ["ok", "ok"], made.text);
    const given = await student.push(studentSpace, uniqueId("c"), [
      { seq: 1, mutation: feedback(soon) },
      { seq: 2, mutation: feedback(held) },
    ]);
    assert.deepEqual(given.json.verdicts[0].verdict.reason, { code: "rule", rule: "feedback_before_session" });
    assert.deepEqual(given.json.verdicts[1].verdict, { status: "ok" });
    const moved = await mentor.push(studentSpace, uniqueId("c"), [
      { seq: 1, mutation: { type: "update", id: held, patch: { kind: "mentoring_session", fields: { starts_at: hours(-24 * 30) } } } },
      { seq: 2, mutation: { type: "update", id: soon, patch: { kind: "mentoring_session", fields: { starts_at: hours(72) } } } },
    ]);
    assert.deepEqual(moved.json.verdicts[0].verdict.reason, { code: "rule", rule: "session_time_fixed" });
    assert.deepEqual(moved.json.verdicts[1].verdict, { status: "ok" }, "a session without feedback still moves");
  });
});

describe("13. invisible formatting in names and titles", () => {
  test("a title with a right-to-left override or a zero-width space is refused", async () => {
    const pushed = await student.push(studentSpace, uniqueId("c"), [
      { seq: 1, mutation: taskCreate(uniqueId("t"), "Pay \u202Egnp.exe") },
      { seq: 2, mutation: taskCreate(uniqueId("t"), "ad\u200Bmin") },
      { seq: 3, mutation: taskCreate(uniqueId("t"), "Café 咖啡 ☕") },
    ]);
    assert.deepEqual(pushed.json.verdicts.map((v) => v.verdict.status), ["rejected", "rejected", "ok"]);
    assert.equal(pushed.json.verdicts[0].verdict.reason.problem, "invisible_formatting");
  });

  test("an invite's display name with bidi controls is refused", async () => {
    const answer = await staff.request("POST", "/api/v1/invites", { body: { email: `${uniqueId("bidi")}@demo.imp`, display_name: "Staff\u202E", role: "mentor" } });
    assert.equal(answer.status, 400, answer.text);
  });
});

describe("11. demo seeding", () => {
  test("seeding needs the local secret or a staff session, and never sends a password", async () => {
    const noAuth = await anon.request("POST", "/api/v1/admin/seed", { headers: { "content-length": "0" } });
    assert.equal(noAuth.status, 403);
    const wrongSecret = await anon.request("POST", "/api/v1/admin/seed", { headers: { "content-length": "0", "x-imp-seed-secret": "0".repeat(32) } });
    assert.equal(wrongSecret.status, 403);
    const asStudent = await student.request("POST", "/api/v1/admin/seed", { headers: { "content-length": "0" } });
    assert.equal(asStudent.status, 403);
    const asStaff = await staff.request("POST", "/api/v1/admin/seed", { headers: { "content-length": "0" } });
    assert.equal(asStaff.status, 200, asStaff.text);
    assert.ok(asStaff.json.logins.length >= 3);
    assert.doesNotMatch(asStaff.text, /password/i);
    assert.doesNotMatch(asStaff.text, /imp-demo-password/);
  });

  test("make create-staff makes a staff account, and demo data is then not mixed in", { timeout: 240_000 }, async () => {
    const email = `${uniqueId("ops")}@example.org`;
    const password = "operator-pass-'quote";
    const fresh = await WorkerProcess.start({
      prepare: (persistDir) => execFileSync("bash", [join(ROOT, "scripts", "create-staff.sh")], {
        env: { ...process.env, EMAIL: email, NAME: "O'Brien Operations", IMP_STAFF_PASSWORD: password, PERSIST: persistDir },
        stdio: "pipe",
      }),
    });
    try {
      const api = new Api(fresh.url);
      const operator = await api.login(email, password);
      const me = await operator.request("GET", "/api/v1/me");
      assert.equal(me.json.user.role, "staff");
      assert.equal(me.json.user.display_name, "O'Brien Operations");
      const seeded = await fresh.seed();
      assert.equal(seeded.status, 409, await seeded.text());
    } finally {
      await fresh.stop();
    }
  });
});

describe("12, 14. exact routes and plain error bodies", () => {
  test("near-miss API paths are not routed, and every /api path answers JSON", async () => {
    for (const path of ["/api", "/api/", "/api/v1", "/api/v1/", "/api/v1health", "/api/v1me", "/api/v1/me/", "/api/v1//me", "/api/v2/health"]) {
      const answer = await student.request("GET", path);
      assert.equal(answer.status, 404, `${path}: ${answer.status} ${answer.text.slice(0, 80)}`);
      assert.match(answer.headers.get("content-type"), /application\/json/, path);
      assert.equal(answer.json.error, "not_found", path);
      assert.equal(answer.json.message, "no such API route", path);
    }
  });

  // A Content-Length that is not a number never reaches the Worker: the runtime refuses the
  // request first (Cloudflare's edge with 400; local workerd with a plain 500). What the Worker
  // sees is a body without one, which it answers in JSON.
  test("a body without a Content-Length gets a JSON 400", async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"email":"a@b.c","password":"x"}'));
        controller.close();
      },
    });
    const answer = await fetch(`${worker.url}/api/v1/auth/login`, { method: "POST", body, duplex: "half", headers: { "content-type": "application/json" } });
    assert.equal(answer.status, 400);
    assert.match(answer.headers.get("content-type"), /application\/json/);
    assert.deepEqual(await answer.json(), { error: "bad_request", message: "a Content-Length header is required" });
  });

  test("a body that is not JSON gets a stable sentence, not the parser's words", async () => {
    const answer = await anon.request("POST", "/api/v1/auth/login", { raw: "{\"email\": tru" });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { error: "invalid_json", message: "the body is not the JSON this endpoint expects" });
    const push = await student.request("POST", `/api/v1/spaces/${studentSpace}/push`, { raw: "[1,2" });
    assert.equal(push.json.error, "invalid_json");
    assert.doesNotMatch(push.json.message, /line|column|expected|EOF/i);
  });
});

describe("5. write quotas", () => {
  test("one user's pushes are limited per minute: 429 with Retry-After past the limit", async () => {
    const { api, space } = await newStudent();
    const answers = await Promise.all(Array.from({ length: PUSH_LIMIT + 6 }, (_, n) => api.push(space, uniqueId("c"), [{ seq: 1, mutation: taskCreate(uniqueId("t"), `Task ${n}`) }])));
    const statuses = answers.map((a) => a.status);
    const failed = answers.filter((a) => a.status !== 200 && a.status !== 429).map((a) => `${a.status} ${a.text}`);
    assert.deepEqual(failed, [], `every push is either taken or limited\n--- wrangler log ---\n${worker.log.slice(-4000)}`);
    assert.equal(statuses.filter((s) => s === 200).length, PUSH_LIMIT, statuses.join(" "));
    const limited = answers.filter((a) => a.status === 429);
    assert.equal(limited.length, 6);
    for (const answer of limited) {
      assert.equal(answer.json.error, "rate_limited");
      const wait = Number(answer.headers.get("retry-after"));
      assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    }
    // Another user is not affected.
    const other = await student.push(studentSpace, uniqueId("c"), [{ seq: 1, mutation: taskCreate(uniqueId("t"), "Unaffected") }]);
    assert.equal(other.status, 200);
  });

  test("a student or mentor has at most 20 open concerns", async () => {
    const { api } = await newStudent();
    const concern = () => ({ type: "create", id: uniqueId("concern"), record: { kind: "concern_flag", fields: { student_id: DEMO.student.id, topic: "other", priority: "low", text: "Question", state: "open" } } });
    const pushed = await api.push("staff", uniqueId("c"), Array.from({ length: 21 }, (_, n) => ({ seq: n + 1, mutation: concern() })));
    assert.equal(pushed.status, 200, pushed.text);
    const statuses = pushed.json.verdicts.map((v) => v.verdict.status);
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill("ok"));
    assert.deepEqual(pushed.json.verdicts[20].verdict.reason, { code: "rule", rule: { too_many_open_concerns: { max: 20 } } });
  });
});

describe("10. client ids are bound to their user", () => {
  test("another user sending the same client id neither reads its verdicts nor moves its last_seq", async () => {
    const client = uniqueId("shared-client");
    const mine = await student.push(studentSpace, client, [{ seq: 1, mutation: taskCreate(uniqueId("t"), "") }]);
    assert.equal(mine.json.verdicts[0].verdict.status, "rejected", "an empty title is refused");
    // The student's mentor may write this space too; they try the student's client id.
    const peek = await mentor.pull(studentSpace, client);
    assert.equal(peek.status, 200);
    assert.equal(peek.json.last_seq, 0);
    assert.deepEqual(peek.json.rejected, []);
    const hijack = await mentor.push(studentSpace, client, [{ seq: 50, mutation: taskCreate(uniqueId("t"), "From the mentor") }]);
    assert.deepEqual(hijack.json.verdicts[0].verdict, { status: "ok" });
    const own = await student.pull(studentSpace, client);
    assert.equal(own.json.last_seq, 1, "the student's last_seq did not move");
    assert.equal(own.json.rejected.length, 1);
    const next = await student.push(studentSpace, client, [{ seq: 2, mutation: taskCreate(uniqueId("t"), "Still applied") }]);
    assert.deepEqual(next.json.verdicts[0].verdict, { status: "ok" }, "seq 2 is applied, not skipped");
  });
});
