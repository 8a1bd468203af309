// `GET /api/v1/auth/invite?code=…` against a real `wrangler dev` (workerd, local D1): whom a live
// invite code is for, its role and the password rule accept-invite applies; used, unknown and
// missing codes are refused with 400; look-ups count against the client address's budget (shared
// with sign-in and accept-invite), and a live code gives its attempt back.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { WorkerProcess } from "../support/worker.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";

const INVALID = "this invite code is unknown, used or expired";

let worker;
let anon;
let staff;

before(async () => {
  worker = await WorkerProcess.startSeeded();
  anon = new Api(worker.url);
  staff = await anon.login(DEMO.staff.email);
}, { timeout: 240_000 });

after(async () => {
  await worker?.stop();
});

/** Staff invite someone new; returns the invite's answer and what was asked for. */
async function invite(role, displayName) {
  const email = `${uniqueId(role)}@demo.imp`;
  const answer = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: displayName, role } });
  assert.equal(answer.status, 201, answer.text);
  return { email, displayName, role, ...answer.json };
}

/** The look-up, from a client address of its own unless one is given. */
function lookUp(code, address = uniqueId("address")) {
  const query = code === undefined ? "" : `?code=${encodeURIComponent(code)}`;
  return anon.request("GET", `/api/v1/auth/invite${query}`, { headers: { "x-imp-test-client-address": address } });
}

describe("GET /api/v1/auth/invite", () => {
  test("a live staff invite shows whom it is for, its role and the password rule that accept-invite applies", async () => {
    const invited = await invite("staff", "Office Helper Chen");
    const answer = await lookUp(invited.code);
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.headers.get("content-type"), /application\/json/);
    assert.equal(answer.headers.get("cache-control"), "no-store");
    const { expires_at: expiresAt, ...rest } = answer.json;
    assert.deepEqual(rest, {
      email: invited.email,
      display_name: "Office Helper Chen",
      role: "staff",
      password_min_chars: 10,
      password_max_chars: 200,
    });
    // The code's own expiry (D1 keeps it to the second), not a time the test makes up.
    assert.equal(Date.parse(expiresAt), Math.floor(Date.parse(invited.expires_at) / 1000) * 1000);

    // The rule is the one accept-invite applies: one character short is refused, the minimum works.
    const min = answer.json.password_min_chars;
    const short = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invited.code, password: "p".repeat(min - 1) } });
    assert.equal(short.status, 400, short.text);
    const long = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invited.code, password: "p".repeat(answer.json.password_max_chars + 1) } });
    assert.equal(long.status, 400, long.text);
    const accepted = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: invited.code, password: "p".repeat(min) } });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.json.user.role, "staff");

    // Used now: refused like accept-invite refuses it.
    const used = await lookUp(invited.code);
    assert.equal(used.status, 400, used.text);
    assert.deepEqual(used.json, { error: "bad_request", message: INVALID });
  });

  test("student and mentor invites say their role; the code may carry spaces around it", async () => {
    const student = await invite("student", "Lan Nguyen");
    const mentor = await invite("mentor", "Mentor Lin");
    const forStudent = await lookUp(` ${student.code} `);
    assert.equal(forStudent.status, 200, forStudent.text);
    assert.deepEqual([forStudent.json.email, forStudent.json.display_name, forStudent.json.role], [student.email, "Lan Nguyen", "student"]);
    const forMentor = await lookUp(mentor.code);
    assert.equal(forMentor.status, 200, forMentor.text);
    assert.deepEqual([forMentor.json.email, forMentor.json.display_name, forMentor.json.role], [mentor.email, "Mentor Lin", "mentor"]);
    // Looking a code up does not use it.
    const accepted = await anon.request("POST", "/api/v1/auth/accept-invite", { body: { code: mentor.code, password: "mentor-password-1" } });
    assert.equal(accepted.status, 200, accepted.text);
  });

  test("unknown, missing, empty and over-long codes get 400; other methods 405", async () => {
    const unknown = await lookUp("0".repeat(32));
    assert.equal(unknown.status, 400, unknown.text);
    assert.deepEqual(unknown.json, { error: "bad_request", message: INVALID });
    for (const code of [undefined, "", "   ", "a".repeat(101)]) {
      const answer = await lookUp(code);
      assert.equal(answer.status, 400, `${JSON.stringify(code)}: ${answer.text}`);
      assert.equal(answer.json.error, "bad_request");
    }
    const other = await anon.request("GET", "/api/v1/auth/invite?other=1");
    assert.equal(other.status, 400, other.text);
    const post = await anon.request("POST", "/api/v1/auth/invite?code=x", { headers: { "content-length": "0" } });
    assert.equal(post.status, 405, post.text);
    assert.equal(post.json.error, "method_not_allowed");
  });

  test("look-ups share the address's budget with accept-invite; a live code gives its attempt back", async () => {
    // 30 free attempts per address; the 31st must wait (429 with Retry-After), and so must an
    // invite acceptance from that address.
    const guesser = uniqueId("guesser");
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const answer = await lookUp(uniqueId("guess"), guesser);
      assert.equal(answer.status, 400, `attempt ${attempt + 1}: ${answer.text}`);
    }
    const waiting = await lookUp(uniqueId("guess"), guesser);
    assert.equal(waiting.status, 429, waiting.text);
    assert.equal(waiting.json.error, "rate_limited");
    assert.ok(Number(waiting.headers.get("retry-after")) > 0, "Retry-After says when");
    const invited = await invite("student", "Budget Student");
    const accept = await anon.request("POST", "/api/v1/auth/accept-invite", {
      body: { code: invited.code, password: "budget-password-1" },
      headers: { "x-imp-test-client-address": guesser },
    });
    assert.equal(accept.status, 429, accept.text);

    // Many people behind one address looking up live codes never run out.
    const campus = uniqueId("campus");
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const answer = await lookUp(invited.code, campus);
      assert.equal(answer.status, 200, `look-up ${attempt + 1}: ${answer.text}`);
    }
  });
});
