// Worker integration tests over HTTP against a real `wrangler dev` (workerd) with local D1 and
// Durable Object storage: auth, push/pull, idempotence, rejections, restarts, authorization,
// malformed input and atomicity.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { WorkerProcess, until } from "../support/worker.mjs";
import { Api, DEMO, DEMO_PASSWORD, PROTOCOL, SCHEMA, taskCreate, uniqueId } from "../support/api.mjs";

let worker;
let anon;
let student;
let mentor;
let staff;

before(async () => {
  worker = await WorkerProcess.start();
  anon = new Api(worker.url);
  const seeded = await anon.request("POST", "/api/v1/admin/seed", { headers: { "content-length": "0", "x-imp-seed-secret": worker.seedSecret } });
  assert.equal(seeded.status, 200, seeded.text);
  student = await anon.login(DEMO.student.email);
  mentor = await anon.login(DEMO.mentor.email);
  staff = await anon.login(DEMO.staff.email);
}, { timeout: 240_000 });

after(async () => {
  await worker?.stop();
});

const studentSpace = `student:${DEMO.student.id}`;

describe("health and routing", () => {
  test("health answers JSON with the versions", async () => {
    const answer = await anon.request("GET", "/api/v1/health");
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get("content-type"), /application\/json/);
    assert.equal(answer.json.status, "ok");
    assert.equal(answer.json.protocol, PROTOCOL);
    assert.equal(answer.json.schema, SCHEMA);
    assert.match(answer.json.version, /^\d+\.\d+\.\d+/);
  });

  test("unknown API routes and methods get JSON errors", async () => {
    const missing = await anon.request("GET", "/api/v1/nope");
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error, "not_found");
    assert.equal(typeof missing.json.message, "string");
    const other = await anon.request("GET", "/api/v2/health");
    assert.equal(other.status, 404);
    assert.equal(other.json.error, "not_found");
    const wrongMethod = await anon.request("DELETE", "/api/v1/health");
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.json.error, "method_not_allowed");
  });

  test("seeding again is a no-op", async () => {
    // Other tests of this file invite students: compare with the spaces just before, not a count.
    const spaces = async () => (await staff.request("GET", "/api/v1/me")).json.spaces;
    const before = await spaces();
    assert.ok(before.filter((space) => space.startsWith("student:")).length >= 180, "the demo's students are seeded");
    const again = await staff.request("POST", "/api/v1/admin/seed", { headers: { "content-length": "0" } });
    assert.equal(again.status, 200);
    assert.match(again.json.summary, /already/);
    assert.deepEqual(await spaces(), before, "no space added or removed");
  });
});

describe("auth", () => {
  test("login, me and logout", async () => {
    const session = await anon.login(DEMO.student.email);
    const me = await session.request("GET", "/api/v1/me");
    assert.equal(me.status, 200);
    assert.equal(me.json.user.role, "student");
    assert.deepEqual(me.json.spaces, ["program", studentSpace]);
    const out = await session.request("POST", "/api/v1/auth/logout");
    assert.equal(out.status, 200);
    const after = await session.request("GET", "/api/v1/me");
    assert.equal(after.status, 401);
    assert.equal(after.json.error, "unauthorized");
  });

  test("wrong password and unknown account get 401, no token gets 401", async () => {
    const wrong = await anon.request("POST", "/api/v1/auth/login", { body: { email: DEMO.mentor.email, password: "not-the-password" } });
    assert.equal(wrong.status, 401);
    const unknown = await anon.request("POST", "/api/v1/auth/login", { body: { email: "nobody@demo.imp", password: "whatever-password" } });
    assert.equal(unknown.status, 401);
    const noToken = await anon.request("GET", "/api/v1/me");
    assert.equal(noToken.status, 401);
    const badToken = await new Api(worker.url, "deadbeef").request("GET", "/api/v1/me");
    assert.equal(badToken.status, 401);
  });

  test("sessions expire", async () => {
    const session = await anon.login(DEMO.staff.email, DEMO_PASSWORD, { "x-imp-session-seconds": "1" });
    const expired = await until(async () => (await session.request("GET", "/api/v1/me")).status === 401, {
      timeoutMs: 15_000,
      intervalMs: 250,
      what: "the one-second session to expire",
    });
    assert.ok(expired);
  });

  test("login attempts are rate limited per account", async () => {
    const email = `${uniqueId("throttle")}@demo.imp`;
    const statuses = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const answer = await anon.request("POST", "/api/v1/auth/login", { body: { email, password: "wrong-password" } });
      statuses.push(answer.status);
    }
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(statuses[5], 429);
    assert.equal(statuses[6], 429);
  });

  test("staff invite, the invitee sets a password once", async () => {
    const email = `${uniqueId("invitee")}@demo.imp`;
    const invite = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "New Student", role: "student" } });
    assert.equal(invite.status, 201, invite.text);
    const short = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invite.json.code, password: "short" } });
    assert.equal(short.status, 400);
    const accepted = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invite.json.code, password: "a-long-enough-password" } });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.json.user.email, email);
    assert.equal(accepted.json.user.role, "student");
    const reused = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invite.json.code, password: "another-long-password" } });
    assert.equal(reused.status, 400);
    const login = await anon.login(email, "a-long-enough-password");
    const me = await login.request("GET", "/api/v1/me");
    assert.deepEqual(me.json.spaces, ["program", `student:${invite.json.user_id}`]);
    const duplicate = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "Again", role: "student" } });
    assert.equal(duplicate.status, 409);
  });
});

describe("push and pull", () => {
  test("a push is visible in a pull, with last_seq", async () => {
    const client = uniqueId("c");
    const base = await student.pull(studentSpace, client);
    assert.equal(base.status, 200);
    const taskId = uniqueId("t");
    const pushed = await student.push(studentSpace, client, [{ seq: 1, mutation: taskCreate(taskId, "Book the ARC appointment") }]);
    assert.equal(pushed.status, 200, pushed.text);
    assert.deepEqual(pushed.json.verdicts, [{ seq: 1, verdict: { status: "ok" } }]);
    const pulled = await student.pull(studentSpace, client, base.json.cursor);
    assert.equal(pulled.status, 200);
    assert.equal(pulled.json.last_seq, 1);
    assert.equal(pulled.json.reset, false);
    const change = pulled.json.changes.find((c) => c.key.id === taskId);
    assert.ok(change, "the new task is in the pull");
    assert.equal(change.record.fields.title, "Book the ARC appointment");
    assert.equal(change.record.fields.created_by, DEMO.student.id);
    assert.ok(pulled.json.cursor > base.json.cursor);
    // The mentor of this student sees it too.
    const mentorView = await mentor.pull(studentSpace, uniqueId("m"), base.json.cursor);
    assert.equal(mentorView.status, 200);
    assert.ok(mentorView.json.changes.some((c) => c.key.id === taskId));
  });

  test("a duplicate push returns the same verdicts and applies once", async () => {
    const client = uniqueId("c");
    const before = await student.pull(studentSpace, client);
    const mutations = [
      { seq: 1, mutation: taskCreate(uniqueId("t"), "Once") },
      { seq: 2, mutation: { type: "set_task_done", id: "task-1", done: true } },
    ];
    const first = await student.push(studentSpace, client, mutations);
    const second = await student.push(studentSpace, client, mutations);
    assert.equal(first.status, 200);
    assert.deepEqual(second.json.verdicts, first.json.verdicts);
    assert.equal(second.json.cursor, first.json.cursor, "the retry wrote nothing");
    const pulled = await student.pull(studentSpace, client, before.json.cursor);
    assert.equal(pulled.json.cursor - before.json.cursor, 2, "two versions, one per mutation");
  });

  test("a rejected mutation returns its reason on pull", async () => {
    const client = uniqueId("c");
    const pushed = await student.push(studentSpace, client, [
      { seq: 1, mutation: { type: "create", id: uniqueId("p"), record: { kind: "placement", fields: { student_id: DEMO.student.id, position_id: "pos-2024-001", mentor_id: "m-002", state: "confirmed" } } } },
      { seq: 2, mutation: taskCreate(uniqueId("t"), "") },
      { seq: 3, mutation: taskCreate(uniqueId("t"), "Fine") },
    ]);
    assert.equal(pushed.status, 200);
    const pulled = await student.pull(studentSpace, client, 0, 0);
    assert.equal(pulled.json.last_seq, 3);
    assert.deepEqual(pulled.json.rejected.map((r) => [r.seq, r.code]), [[1, "forbidden"], [2, "invalid"]]);
    assert.match(pulled.json.rejected[1].message, /title is required/);
    const later = await student.pull(studentSpace, client, 0, 2);
    assert.deepEqual(later.json.rejected, [], "since_seq skips reasons already seen");
  });

  test("an old client gets 426 and a newer one 400", async () => {
    const tooOld = await student.request("POST", `/api/v1/spaces/${studentSpace}/push`, {
      body: { protocol: 0, schema: SCHEMA, client_id: "c1", mutations: [] },
    });
    assert.equal(tooOld.status, 426);
    assert.equal(tooOld.json.error, "client_too_old");
    // The version before the current one is still served (docs/sync-protocol.md §4).
    const previous = await student.request("GET", `/api/v1/spaces/${studentSpace}/pull?${new URLSearchParams({ cursor: 0, client_id: "c1", protocol: PROTOCOL - 1, schema: SCHEMA })}`);
    assert.equal(previous.status, 200, previous.text);
    const query = new URLSearchParams({ cursor: 0, client_id: "c1", protocol: PROTOCOL + 1, schema: SCHEMA });
    const tooNew = await student.request("GET", `/api/v1/spaces/${studentSpace}/pull?${query}`);
    assert.equal(tooNew.status, 400);
  });

  test("a failure between two writes commits nothing (I2)", async () => {
    const client = uniqueId("c");
    const before = await student.pull(studentSpace, client);
    const taskId = uniqueId("t");
    const mutations = [{ seq: 1, mutation: taskCreate(taskId, "Atomic") }];
    const failed = await student.push(studentSpace, client, mutations, { "x-imp-fault": "after_records" });
    assert.equal(failed.status, 503, failed.text);
    const unchanged = await student.pull(studentSpace, client, before.json.cursor);
    assert.equal(unchanged.json.last_seq, 0);
    assert.equal(unchanged.json.cursor, before.json.cursor);
    assert.ok(!unchanged.json.changes.some((c) => c.key.id === taskId));
    const retried = await student.push(studentSpace, client, mutations);
    assert.equal(retried.status, 200);
    const applied = await student.pull(studentSpace, client, before.json.cursor);
    assert.equal(applied.json.last_seq, 1);
    assert.equal(applied.json.changes.filter((c) => c.key.id === taskId).length, 1);
  });
});

describe("authorization matrix", () => {
  const otherStudentSpace = "student:s-001";

  test("each role is denied someone else's space, on push and pull", async () => {
    const cases = [
      ["student pulls another student", student, "pull", otherStudentSpace, 403],
      ["student pushes another student", student, "push", otherStudentSpace, 403],
      ["student pushes program", student, "push", "program", 403],
      ["mentor pulls a non-mentee", mentor, "pull", otherStudentSpace, 403],
      ["mentor pushes a non-mentee", mentor, "push", otherStudentSpace, 403],
      ["mentor pushes program", mentor, "push", "program", 403],
      ["nobody pulls a missing student", staff, "pull", "student:nobody", 404],
      ["anonymous pull", anon, "pull", "program", 401],
      ["anonymous push", anon, "push", studentSpace, 401],
    ];
    for (const [name, who, op, space, expected] of cases) {
      const answer = op === "pull"
        ? await who.pull(space, "c-matrix")
        : await who.push(space, "c-matrix", [{ seq: 1, mutation: taskCreate(uniqueId("t"), "x") }]);
      assert.equal(answer.status, expected, `${name}: ${answer.text}`);
      assert.equal(typeof answer.json?.error, "string", `${name} has a JSON error`);
    }
  });

  test("students and mentors may not run staff actions or invite", async () => {
    for (const who of [student, mentor]) {
      const invite = await who.request("POST", "/api/v1/invites", { body: { email: `${uniqueId("x")}@demo.imp`, display_name: "X", role: "staff" } });
      assert.equal(invite.status, 403);
    }
    const client = uniqueId("c");
    await mentor.push(studentSpace, client, [
      { seq: 1, mutation: { type: "set_placement_state", id: "placement-2024", state: "completed" } },
      { seq: 2, mutation: { type: "create", id: uniqueId("j"), record: { kind: "job_application", fields: { company: "X", role: "Y", stage: "applied" } } } },
    ]);
    const pulled = await mentor.pull(studentSpace, client, 0, 0);
    assert.deepEqual(pulled.json.rejected.map((r) => r.code), ["forbidden", "forbidden"]);
  });

  test("mentors and students may raise a concern in staff but not read it", async () => {
    const client = uniqueId("c");
    // `raised_by` names someone else: the server puts the actor there (docs/sync-protocol.md §6.3).
    const concern = { seq: 1, mutation: { type: "create", id: uniqueId("f"), record: { kind: "concern_flag", fields: { student_id: DEMO.student.id, topic: "housing", priority: "normal", text: "Lease ends soon", state: "open", raised_by: DEMO.staff.id } } } };
    const pushed = await mentor.push("staff", client, [concern]);
    assert.equal(pushed.status, 200);
    assert.deepEqual(pushed.json.verdicts[0].verdict, { status: "ok" });
    // The mentor may pull staff only to learn the verdicts of its own pushes: no records.
    const own = await mentor.pull("staff", client);
    assert.equal(own.status, 200);
    assert.equal(own.json.last_seq, 1);
    assert.deepEqual(own.json.changes, []);
    const studentView = await student.pull("staff", uniqueId("c"));
    assert.deepEqual(studentView.json.changes, []);
    const staffView = await staff.pull("staff", uniqueId("s"));
    const flag = staffView.json.changes.find((c) => c.key.id === concern.mutation.id);
    assert.equal(flag.record.fields.raised_by, DEMO.mentor.id, "raised by the mentor who pushed it, whatever was sent");
  });

  test("confirming a placement grants a mentor access and ending it revokes it", async () => {
    const space = "student:s-002";
    // A mentor account of its own, by invite: no placement names it yet.
    const email = `${uniqueId("mentor")}@demo.imp`;
    const invite = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "Mentor Test", role: "mentor" } });
    assert.equal(invite.status, 201, invite.text);
    const accepted = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invite.json.code, password: "mentor-password-1" } });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.json.user.role, "mentor");
    const mentorId = accepted.json.user.id;
    assert.equal(mentorId, invite.json.user_id, "the account the invite made");
    const invited = new Api(worker.url, accepted.json.token);
    const naming = async () => (await staff.pullAll(space)).filter((c) => c.key.kind === "placement" && c.record?.fields.mentor_id === mentorId);
    assert.deepEqual(await naming(), [], "no placement in the space names the new mentor");
    assert.equal((await invited.pull(space, "c1")).status, 403, "no access before the placement");
    assert.deepEqual((await invited.request("GET", "/api/v1/me")).json.spaces, ["program"]);

    const placementId = uniqueId("pl");
    const client = uniqueId("c");
    const granted = await staff.push(space, client, [
      { seq: 1, mutation: { type: "create", id: placementId, record: { kind: "placement", fields: { student_id: "s-002", position_id: "pos-2024-002", mentor_id: mentorId, state: "proposed" } } } },
    ]);
    assert.deepEqual(granted.json.verdicts.map((v) => v.verdict.status), ["ok"], granted.text);
    assert.equal((await invited.pull(space, "c1")).status, 403, "a proposed placement grants nothing");
    const confirmed = await staff.push(space, client, [{ seq: 2, mutation: { type: "set_placement_state", id: placementId, state: "confirmed" } }]);
    assert.deepEqual(confirmed.json.verdicts.map((v) => v.verdict.status), ["ok"], confirmed.text);
    const mentee = await invited.pull(space, "c1");
    assert.equal(mentee.status, 200, "access after confirming");
    const placement = mentee.json.changes.find((c) => c.key.kind === "placement" && c.key.id === placementId);
    assert.deepEqual([placement?.record.fields.mentor_id, placement?.record.fields.state], [mentorId, "confirmed"], "the mentor reads the placement that names them");
    assert.deepEqual((await invited.request("GET", "/api/v1/me")).json.spaces, ["program", space], "me lists the mentee's space");

    const ended = await staff.push(space, client, [{ seq: 3, mutation: { type: "set_placement_state", id: placementId, state: "ended_early" } }]);
    assert.deepEqual(ended.json.verdicts.map((v) => v.verdict.status), ["ok"], ended.text);
    assert.equal((await invited.pull(space, "c1")).status, 403, "no access after ending");
    assert.deepEqual((await invited.request("GET", "/api/v1/me")).json.spaces, ["program"]);
  });
});

describe("last active (derived by the server)", () => {
  /** The `activity` records of the student's space, by user id, and the space's cursor. */
  async function activities(api) {
    const changes = await api.pullAll(studentSpace, uniqueId("a"));
    const byUser = Object.fromEntries(changes.filter((c) => c.key.kind === "activity" && c.record).map((c) => [c.key.id, c.record.fields]));
    return { byUser, version: Math.max(...changes.map((c) => c.version)) };
  }

  test("a pull by the pair's app notes each of them active, at most once an hour; staff and writes do not", async () => {
    const started = Date.now();
    const first = await activities(student);
    const own = first.byUser[DEMO.student.id];
    assert.ok(own, "the student's own pull is in its reply");
    assert.equal(own.user_id, DEMO.student.id);
    const at = Date.parse(own.at);
    // Written by this pull or by an earlier test's, an hour ago at most (the refresh interval).
    assert.ok(at <= Date.now() && at > started - 60 * 60_000, own.at);

    const again = await activities(student);
    assert.equal(again.version, first.version, "a second pull within the hour writes nothing");
    assert.equal(again.byUser[DEMO.student.id].at, own.at);

    const byMentor = await activities(mentor);
    assert.equal(byMentor.byUser[DEMO.mentor.id]?.user_id, DEMO.mentor.id, "the mentor is noted in the mentee's space");
    assert.equal(byMentor.byUser[DEMO.student.id].at, own.at, "the mentor's pull leaves the student's as it was");

    const byStaff = await activities(staff);
    assert.equal(byStaff.byUser[DEMO.staff.id], undefined, "staff looking in are not part of the pair");
    assert.equal(byStaff.version, byMentor.version, "staff's pull wrote nothing");

    const forged = await student.push(studentSpace, uniqueId("c"), [
      { seq: 1, mutation: { type: "create", id: uniqueId("act"), record: { kind: "activity", fields: { user_id: DEMO.student.id, at: "2020-01-01T00:00:00Z" } } } },
      { seq: 2, mutation: { type: "update", id: DEMO.student.id, patch: { kind: "activity", fields: { at: "2020-01-01T00:00:00Z" } } } },
    ]);
    assert.equal(forged.status, 200, forged.text);
    const denial = { code: "forbidden", denial: "activity_by_server" };
    assert.deepEqual(forged.json.verdicts.map((v) => v.verdict.reason), [denial, denial], forged.text);
    assert.equal((await activities(staff)).byUser[DEMO.student.id].at, own.at, "nobody sets it by a mutation");
  });
});

describe("bad input gets a clear 4xx and changes nothing", () => {
  const cases = [
    ["malformed JSON", { raw: "{not json" }, 400, "invalid_json"],
    ["wrong types", { body: { protocol: PROTOCOL, schema: SCHEMA, client_id: "c-bad", mutations: [{ seq: "one", mutation: {} }] } }, 400, "invalid_json"],
    ["unknown field in the envelope", { body: { protocol: PROTOCOL, schema: SCHEMA, client_id: "c-bad", mutations: [], colour: "red" } }, 400, "invalid_json"],
    ["a mutation without a readable seq", { raw: `{"protocol":${PROTOCOL},"schema":${SCHEMA},"client_id":"c-bad","mutations":[{"seq":1,"mutation":{"type":"set_task_done","id":"task-1","done":true}},{"mutation":{"type":"drop_tables"}}]}` }, 400, "invalid_json"],
    ["bad record id", { body: { protocol: PROTOCOL, schema: SCHEMA, client_id: "c-bad", mutations: [{ seq: 1, mutation: taskCreate("../etc", "x") }] } }, 400, "bad_request"],
    ["bad client id", { body: { protocol: PROTOCOL, schema: SCHEMA, client_id: "a b", mutations: [] } }, 400, "bad_request"],
    ["seq zero", { body: { protocol: PROTOCOL, schema: SCHEMA, client_id: "c-bad", mutations: [{ seq: 0, mutation: taskCreate("t-zero", "x") }] } }, 400, "bad_request"],
    ["seqs out of order", { body: { protocol: PROTOCOL, schema: SCHEMA, client_id: "c-bad", mutations: [{ seq: 2, mutation: taskCreate("t-a", "x") }, { seq: 1, mutation: taskCreate("t-b", "x") }] } }, 400, "bad_request"],
    ["seq beyond 2^53", { raw: `{"protocol":${PROTOCOL},"schema":${SCHEMA},"client_id":"c-bad","mutations":[{"seq":9007199254740993,"mutation":{"type":"set_task_done","id":"task-1","done":true}}]}` }, 400, "bad_request"],
    ["too many mutations", { body: { protocol: PROTOCOL, schema: SCHEMA, client_id: "c-bad", mutations: Array.from({ length: 501 }, (_, i) => ({ seq: i + 1, mutation: taskCreate(`t-${i}`, "x") })) } }, 400, "bad_request"],
  ];

  for (const [name, request, status, code] of cases) {
    test(name, async () => {
      const before = await student.pull(studentSpace, "c-bad");
      const answer = await student.request("POST", `/api/v1/spaces/${studentSpace}/push`, request);
      assert.equal(answer.status, status, answer.text);
      assert.equal(answer.json.error, code);
      assert.ok(answer.json.message.length > 0);
      const after = await student.pull(studentSpace, "c-bad");
      assert.equal(after.json.cursor, before.json.cursor, "nothing changed");
      assert.equal(after.json.last_seq, 0);
    });
  }

  test("an oversized body gets 413 before it is read", async () => {
    const big = "x".repeat(1024 * 1024 + 10);
    const answer = await student.request("POST", `/api/v1/spaces/${studentSpace}/push`, { raw: big });
    assert.equal(answer.status, 413);
    assert.equal(answer.json.error, "payload_too_large");
  });

  test("bad pull parameters get 400", async () => {
    for (const query of ["cursor=abc&client_id=c1&protocol=1&schema=1", "cursor=0&protocol=1&schema=1", "cursor=0&client_id=c1", "cursor=-1&client_id=c1&protocol=1&schema=1"]) {
      const answer = await student.request("GET", `/api/v1/spaces/${studentSpace}/pull?${query}`);
      assert.equal(answer.status, 400, query);
    }
    const badSpace = await student.request("GET", "/api/v1/spaces/elsewhere/pull?cursor=0&client_id=c1&protocol=1&schema=1");
    assert.equal(badSpace.status, 400);
  });
});

describe("each pushed mutation is read on its own", () => {
  // The body is built by hand so that escapes such as a lone surrogate reach the server as sent.
  const rawPush = (clientId, mutations) =>
    `{"protocol":${PROTOCOL},"schema":${SCHEMA},"client_id":${JSON.stringify(clientId)},"mutations":[${mutations.join(",")}]}`;
  const rawTask = (seq, id, titleJson) =>
    `{"seq":${seq},"mutation":{"type":"create","id":${JSON.stringify(id)},"record":{"kind":"task","fields":{"title":${titleJson},"done":false}}}}`;
  const unreadable = (verdict) =>
    verdict.status === "rejected" && verdict.code === "invalid" && verdict.reason?.code === "invalid" &&
    verdict.reason.field === "mutation" && typeof verdict.reason.problem?.unreadable?.detail === "string";

  test("a lone surrogate refuses only its own mutation; the others apply", async () => {
    const client = uniqueId("c");
    const before = await student.pull(studentSpace, client);
    const [first, bad, third] = [uniqueId("t"), uniqueId("t"), uniqueId("t")];
    const raw = rawPush(client, [rawTask(1, first, '"Before"'), rawTask(2, bad, '"\\ud800"'), rawTask(3, third, '"After"')]);
    assert.ok(raw.includes('"title":"\\ud800"'), "the escape is sent as text");
    const pushed = await student.request("POST", `/api/v1/spaces/${studentSpace}/push`, { raw });
    assert.equal(pushed.status, 200, pushed.text);
    assert.equal(pushed.json.last_seq, 3);
    const verdicts = pushed.json.verdicts;
    assert.deepEqual(verdicts.map((v) => [v.seq, v.verdict.status]), [[1, "ok"], [2, "rejected"], [3, "ok"]]);
    assert.ok(unreadable(verdicts[1].verdict), JSON.stringify(verdicts[1]));
    assert.match(verdicts[1].verdict.message, /^mutation could not be read: /);

    const pulled = await student.pull(studentSpace, client, before.json.cursor);
    assert.equal(pulled.json.last_seq, 3);
    const ids = pulled.json.changes.map((c) => c.key.id);
    assert.ok(ids.includes(first) && ids.includes(third), "both good tasks are in the pull");
    assert.ok(!ids.includes(bad));
    assert.deepEqual(pulled.json.rejected.map((r) => [r.seq, r.code]), [[2, "invalid"]]);
    assert.deepEqual(pulled.json.rejected[0].reason, verdicts[1].verdict.reason);
    assert.equal(pulled.json.cursor - before.json.cursor, 2, "one version per applied task, none for the refused one");

    // A retry of the same body returns the stored verdicts and writes nothing (I1).
    const again = await student.request("POST", `/api/v1/spaces/${studentSpace}/push`, { raw });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json.verdicts, verdicts);
    assert.equal(again.json.cursor, pushed.json.cursor);
  });

  test("an unknown field in a pushed record refuses that mutation only", async () => {
    const client = uniqueId("c");
    const [coloured, plain] = [uniqueId("t"), uniqueId("t")];
    const pushed = await student.push(studentSpace, client, [
      { seq: 1, mutation: taskCreate(coloured, "Paint the fence", { colour: "red" }) },
      { seq: 2, mutation: taskCreate(plain, "Buy brushes") },
    ]);
    assert.equal(pushed.status, 200, pushed.text);
    assert.deepEqual(pushed.json.verdicts.map((v) => v.verdict.status), ["rejected", "ok"]);
    const refused = pushed.json.verdicts[0].verdict;
    assert.ok(unreadable(refused), JSON.stringify(refused));
    assert.match(refused.reason.problem.unreadable.detail, /unknown field `colour`/);
    const pulled = await student.pull(studentSpace, client);
    assert.deepEqual(pulled.json.rejected.map((r) => [r.seq, r.code]), [[1, "invalid"]]);
    const ids = pulled.json.changes.map((c) => c.key.id);
    assert.ok(ids.includes(plain) && !ids.includes(coloured));
  });

  test("an unknown mutation type or a bad date is refused on its own too", async () => {
    const client = uniqueId("c");
    const pushed = await student.push(studentSpace, client, [
      { seq: 1, mutation: { type: "drop_tables" } },
      { seq: 2, mutation: taskCreate(uniqueId("t"), "x", { due_date: "2025-02-30" }) },
      { seq: 3, mutation: taskCreate(uniqueId("t"), "Fine") },
    ]);
    assert.equal(pushed.status, 200, pushed.text);
    assert.deepEqual(pushed.json.verdicts.map((v) => v.verdict.status), ["rejected", "rejected", "ok"]);
    assert.ok(pushed.json.verdicts.slice(0, 2).every((v) => unreadable(v.verdict)), pushed.text);
  });
});

describe("durability", () => {
  test("data survives a restart of the runtime", async () => {
    const client = uniqueId("c");
    const taskId = uniqueId("t");
    await student.push(studentSpace, client, [{ seq: 1, mutation: taskCreate(taskId, "Survives restarts") }]);
    await worker.restart();
    const session = await anon.login(DEMO.student.email);
    const pulled = await session.pull(studentSpace, client);
    assert.equal(pulled.json.last_seq, 1);
    assert.ok(pulled.json.changes.some((c) => c.key.id === taskId));
    // The old session token is still valid: sessions are in D1, not in memory.
    assert.equal((await student.request("GET", "/api/v1/me")).status, 200);
  });
});

describe("staff features over HTTP", () => {
  test("a student cannot run staff mutations, even in their own space", async () => {
    const client = uniqueId("c");
    const answer = await student.push(studentSpace, client, [
      { seq: 1, mutation: { type: "create", id: uniqueId("pl"), record: { kind: "placement", fields: { student_id: DEMO.student.id, position_id: "pos-2024-001", mentor_id: DEMO.mentor.id, state: "confirmed" } } } },
      { seq: 2, mutation: { type: "set_placement_state", id: "placement-2024", state: "completed" } },
      { seq: 3, mutation: { type: "create", id: uniqueId("att"), record: { kind: "attendance", fields: { checked_in_at: new Date().toISOString() } } } },
    ]);
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json.verdicts.map((v) => v.verdict.status), ["rejected", "rejected", "rejected"]);
    for (const [space, mutation] of [
      ["staff", { type: "set_concern_state", id: "any-concern", state: "resolved" }],
      ["staff", { type: "create", id: uniqueId("m"), record: { kind: "match_proposal", fields: { cohort_year: 2024, student_id: DEMO.student.id, position_id: "pos-2024-001", rank: 1, state: "draft" } } }],
      ["program", { type: "update", id: "cohort-2024", patch: { kind: "cohort", fields: { max_rankings: 9 } } }],
    ]) {
      const refused = await student.push(space, uniqueId("c"), [{ seq: 1, mutation }]);
      assert.ok(refused.status === 403 || refused.json.verdicts[0].verdict.status === "rejected", `${space} ${mutation.type}: ${refused.text}`);
    }
    const summary = await staff.pull("staff", uniqueId("s"));
    const placements = summary.json.changes.find((c) => c.key.kind === "student_summary" && c.key.id === DEMO.student.id).record.fields.placements;
    assert.deepEqual(placements.map((p) => p.state), ["active"], "the student's placement is as staff left it");
  });

  test("nobody writes a student summary through a mutation, staff included", async () => {
    const refused = await staff.push("staff", uniqueId("c"), [{ seq: 1, mutation: { type: "update", id: DEMO.student.id, patch: { kind: "student_summary", fields: { display_name: "Forged" } } } }]);
    assert.equal(refused.json.verdicts[0].verdict.status, "rejected");
    assert.match(refused.json.verdicts[0].verdict.message, /kept by the server/);
  });

  test("a student's push updates their summary in the staff space; staff can rebuild all summaries", async () => {
    const staffClient = uniqueId("s");
    const before = await staff.pull("staff", staffClient);
    const mine = (pull) => pull.json.changes.find((c) => c.key.kind === "student_summary" && c.key.id === DEMO.student.id)?.record?.fields;
    const summaryBefore = mine(before);
    assert.equal(summaryBefore.display_name, "Amara Patel");
    const jobs = summaryBefore.applications.reduce((sum, s) => sum + s.count, 0);
    const pushed = await student.push(studentSpace, uniqueId("c"), [
      { seq: 1, mutation: { type: "create", id: uniqueId("job"), record: { kind: "job_application", fields: { company: "Acme Taipei", role: "Analyst", stage: "applied" } } } },
    ]);
    assert.equal(pushed.json.verdicts[0].verdict.status, "ok");
    // The space's object writes the summary just after its reply (docs/sync-protocol.md §9).
    const after = await until(async () => {
      const pulled = await staff.pull("staff", staffClient, before.json.cursor);
      return mine(pulled) ? pulled : null;
    }, { what: "the summary among the changes after the cursor" });
    const summaryAfter = mine(after);
    assert.equal(summaryAfter.applications.reduce((sum, s) => sum + s.count, 0), jobs + 1);
    // An unchanged space writes no new summary version.
    const unchanged = await staff.pull("staff", staffClient, after.json.cursor);
    assert.equal(mine(unchanged), undefined);

    assert.equal((await student.request("POST", "/api/v1/admin/summaries", { headers: { "content-length": "0" } })).status, 403);
    const rebuilt = await staff.request("POST", "/api/v1/admin/summaries", { headers: { "content-length": "0" } });
    assert.equal(rebuilt.status, 200, rebuilt.text);
    assert.ok(rebuilt.json.summaries >= 180);
  });

  test("a mentor invited at an organization gets a program profile there", async () => {
    const email = `${uniqueId("newmentor")}@example.tw`;
    const invite = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "Mentor Lin", role: "mentor", organization_id: "org-007" } });
    assert.equal(invite.status, 201, invite.text);
    const program = await staff.pull("program", uniqueId("p"));
    const profile = program.json.changes.find((c) => c.key.kind === "mentor_profile" && c.key.id === `mentor-${invite.json.user_id}`);
    assert.deepEqual(
      [profile.record.fields.user_id, profile.record.fields.organization_id, profile.record.fields.capacity, profile.record.fields.contact_email],
      [invite.json.user_id, "org-007", 2, email],
    );
  });

  test("staff invite a student into a cohort, list accounts, and deactivating ends the student's sessions", async () => {
    const email = `${uniqueId("joiner")}@example.edu`;
    assert.equal((await student.request("GET", "/api/v1/accounts")).status, 403);
    const badYear = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "Joiner", role: "student", cohort_year: 3000 } });
    assert.equal(badYear.status, 400);
    const invite = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "Joiner", role: "student", cohort_year: 2024 } });
    assert.equal(invite.status, 201, invite.text);
    const id = invite.json.user_id;
    const staffView = await staff.pull("staff", uniqueId("s"));
    const summary = staffView.json.changes.find((c) => c.key.kind === "student_summary" && c.key.id === id);
    assert.equal(summary.record.fields.cohort_year, 2024);
    assert.ok(staffView.json.changes.some((c) => c.key.kind === "enrollment" && c.record?.fields.student_id === id));
    const accepted = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invite.json.code, password: "joiner-password-1" } });
    assert.equal(accepted.status, 200, accepted.text);
    const joiner = new Api(worker.url, accepted.json.token);
    const own = await joiner.pull(`student:${id}`, uniqueId("c"));
    assert.ok(own.json.changes.some((c) => c.key.kind === "student_profile" && c.record.fields.cohort_year === 2024));

    const list = await staff.request("GET", "/api/v1/accounts");
    const row = list.json.find((a) => a.user.id === id);
    assert.deepEqual([row.active, row.invited, row.user.role], [true, false, "student"]);
    assert.equal((await staff.request("POST", `/api/v1/accounts/${DEMO.staff.id}/active`, { body: { active: false } })).status, 400, "staff cannot lock themselves out");
    assert.equal((await student.request("POST", `/api/v1/accounts/${id}/active`, { body: { active: false } })).status, 403);
    const off = await staff.request("POST", `/api/v1/accounts/${id}/active`, { body: { active: false } });
    assert.equal(off.status, 200, off.text);
    assert.equal((await joiner.pull(`student:${id}`, uniqueId("c"))).status, 401, "the session ended at once");
    assert.equal((await anon.request("POST", "/api/v1/auth/login", { body: { email, password: "joiner-password-1" } })).status, 401);
    await staff.request("POST", `/api/v1/accounts/${id}/active`, { body: { active: true } });
    assert.equal((await anon.request("POST", "/api/v1/auth/login", { body: { email, password: "joiner-password-1" } })).status, 200);
  });
});
