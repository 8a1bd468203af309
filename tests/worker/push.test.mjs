// Web Push reminders over HTTP against `wrangler dev`: the application server key, subscriptions
// (and what is refused), and the reminder run the Cron Trigger makes, driven by the test hook
// `POST /api/v1/test/reminders?at=` on a fixed clock. A local push service
// (tests/support/webpush.mjs) receives what the Worker sends; the tests check each push's
// headers and VAPID credentials and decrypt its body as the device would.
//
// The clock: AT is 2030-03-04 06:00 UTC, 14:00 in Asia/Taipei. The demo's records are dated from
// the day it is seeded; the demo student's tasks and visa step would be overdue at AT, so they
// are deleted first, and the student's inbox then holds only what these tests make: a mentoring
// session starting at AT + 2 h (and, for the last tests, tasks due the next day).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { fromB64url, newSubscriptionKeys, publicKeyFromPoint, startPushService, verifyVapid } from "../support/webpush.mjs";

const suite = seededSuite();

const AT = Date.parse("2030-03-04T06:00:00Z");
/** AT + `n` minutes as an RFC 3339 instant. */
const minutes = (n) => new Date(AT + n * 60_000).toISOString().replace(".000Z", "Z");
const studentSpace = `student:${DEMO.student.id}`;
const CATEGORIES = ["session", "feedback", "task", "visa", "ranking", "workshop", "concern"];
/** Quiet hours that do not cover AT (22:00–07:00 in Taipei; AT is 14:00 there). */
const NIGHT = { start: 22, end: 7, zone: "Asia/Taipei" };
const HAN = /\p{Script=Han}/u;

let service;
let anon;
let student;
let mentor;
let serverKey;
let sessionId;
let sessionKey;

/** A subscription body for the local push service's `path`. */
function subscriptionBody(path, keys, { lang = "en", categories = CATEGORIES, quiet = NIGHT } = {}) {
  return { endpoint: service.url(path), keys: { p256dh: keys.p256dh, auth: keys.auth }, lang, categories, quiet };
}

/** Subscribes `api`'s person at `path`; returns what the tests need to read its pushes. */
async function subscribe(path, options = {}, api = student) {
  const keys = options.keys ?? newSubscriptionKeys();
  const answer = await api.request("PUT", "/api/v1/push/subscription", { body: subscriptionBody(path, keys, options) });
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(answer.json, { ok: true });
  return { path, endpoint: service.url(path), keys };
}

/** The reminder run at `at`; its counts. */
async function run(at) {
  const answer = await anon.request("POST", `/api/v1/test/reminders?at=${encodeURIComponent(at)}`, { headers: { "content-length": "0" } });
  assert.equal(answer.status, 200, `reminder run at ${at}: ${answer.status} ${answer.text}`);
  for (const count of ["sent", "held", "removed", "failed"]) {
    assert.ok(Number.isInteger(answer.json?.[count]) && answer.json[count] >= 0, `${count} in ${answer.text}`);
  }
  return answer.json;
}

/** The requests the push service got at a subscription's path. */
const received = (subscription) => service.requests(subscription.path);

/**
 * Checks one request the Worker sent for a run at `at` as a push service and the device would:
 * the headers, the VAPID credentials (signed by the server key, for the service's origin, valid
 * for 12 h from `at`), then decrypts the body. Returns the declarative payload's notification.
 */
function open(subscription, request, at) {
  assert.equal(request.method, "POST");
  assert.equal(request.headers["content-encoding"], "aes128gcm");
  assert.match(request.headers.ttl ?? "", /^\d+$/, "TTL is whole seconds");
  assert.ok(Number(request.headers.ttl) > 0, "TTL above zero");
  assert.equal(request.headers.urgency, "normal");
  const vapid = verifyVapid(request.headers.authorization, subscription.endpoint, at);
  assert.equal(vapid.k, serverKey, "signed by the key GET /push/key gives");
  assert.equal(vapid.claims.aud, service.origin);
  assert.equal(vapid.claims.exp, Date.parse(at) / 1000 + 12 * 3600, "exp is the run's instant + 12 h");
  const payload = subscription.keys.decryptJson(request.body);
  assert.equal(payload.web_push, 8030, JSON.stringify(payload));
  const { notification } = payload;
  for (const field of ["title", "body", "navigate", "lang", "tag", "app_badge"]) {
    assert.equal(typeof notification?.[field], "string", `notification.${field} in ${JSON.stringify(payload)}`);
  }
  assert.ok(notification.title.trim().length > 0, "a title");
  assert.ok(notification.body.trim().length > 0, "a body");
  assert.match(notification.app_badge, /^\d+$/);
  return notification;
}

/** Asserts `notification` is the reminder of the test's session, in `lang`, with `badge`. */
function assertSessionReminder(notification, { lang = "en", badge = "1" } = {}) {
  assert.equal(notification.tag, sessionKey, JSON.stringify(notification));
  assert.equal(notification.navigate, `${suite.worker.url}/sessions`);
  assert.equal(notification.lang, lang);
  assert.equal(notification.app_badge, badge);
  const words = `${notification.title} ${notification.body}`;
  if (lang === "zh-TW") assert.match(words, HAN, `written in 繁體中文: ${words}`);
  else assert.doesNotMatch(words, HAN, `written in English: ${words}`);
}

// Node 20 runs root-level `before` hooks at once, side by side with the suite's own: the setup
// is a hook of this describe, which runs after the Worker is up.
describe("web push reminders", { timeout: 300_000 }, () => {
  before(async () => {
    service = await startPushService();
    anon = new Api(suite.worker.url);
    student = await anon.login(DEMO.student.email);
    mentor = await anon.login(DEMO.mentor.email);
    const key = await student.request("GET", "/api/v1/push/key");
    assert.equal(key.status, 200, key.text);
    serverKey = key.json.public_key;

    // The demo's date-relative records that would be in the student's inbox at AT (tasks due days
    // after seeding and a visa step due after graduation: overdue by 2030) go, so the inbox holds
    // only what the tests make.
    const cleared = await student.push(studentSpace, uniqueId("clear"), [
      { seq: 1, mutation: { type: "delete", kind: "task", id: "task-1" } },
      { seq: 2, mutation: { type: "delete", kind: "task", id: "task-2" } },
      { seq: 3, mutation: { type: "delete", kind: "visa_step", id: "visa-1" } },
    ]);
    assert.equal(cleared.status, 200, cleared.text);
    assert.deepEqual(cleared.json.verdicts.map((v) => v.verdict.status), ["ok", "ok", "ok"], cleared.text);

    // The one session of the tests: scheduled, starting at AT + 2 h (16:00 in Taipei).
    sessionId = uniqueId("session");
    sessionKey = `session:${DEMO.student.id}:${sessionId}`;
    const made = await student.push(studentSpace, uniqueId("c"), [{
      seq: 1,
      mutation: {
        type: "create",
        id: sessionId,
        record: { kind: "mentoring_session", fields: { starts_at: minutes(120), time_zone: "Asia/Taipei", duration_minutes: 60, format: "video", agenda: "CV review", state: "scheduled" } },
      },
    }]);
    assert.equal(made.status, 200, made.text);
    assert.deepEqual(made.json.verdicts[0].verdict, { status: "ok" }, made.text);
  }, { timeout: 60_000 });

  after(async () => {
    await service?.close();
  });

  describe("the application server key", () => {
    test("is an uncompressed P-256 point, base64url without padding, the same each time; only signed in", async () => {
      assert.match(serverKey, /^[A-Za-z0-9_-]+$/);
      const point = fromB64url(serverKey);
      assert.equal(point.length, 65);
      assert.equal(point[0], 0x04);
      publicKeyFromPoint(serverKey); // throws unless the point is on the curve
      const again = await mentor.request("GET", "/api/v1/push/key");
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.public_key, serverKey);
      const signedOut = await anon.request("GET", "/api/v1/push/key");
      assert.equal(signedOut.status, 401);
    });
  });

  describe("subscriptions refused", () => {
    test("each bad body is 400 (bad_request, or invalid_json when it does not read) and stores nothing; without a session 401", async () => {
      const keys = newSubscriptionKeys();
      const point = fromB64url(keys.p256dh);
      const offCurve = Buffer.from(point);
      offCurve[64] ^= 0x01;
      const b64 = (bytes) => Buffer.from(bytes).toString("base64url");
      // A valid body for a path of its own, changed in one way.
      const bad = [
        ["an http endpoint elsewhere", (body) => ({ ...body, endpoint: "http://example.com/x" })],
        ["an https endpoint not of a push service", (body) => ({ ...body, endpoint: "https://push.example.net/x" })],
        ["an https endpoint whose host only starts like a push service's", (body) => ({ ...body, endpoint: "https://fcm.googleapis.com.evil.example/x" })],
        ["an https endpoint with a push service's name as its user", (body) => ({ ...body, endpoint: "https://fcm.googleapis.com@evil.example/x" })],
        ["http to localhost (only 127.0.0.1 with the hooks)", (body) => ({ ...body, endpoint: body.endpoint.replace("127.0.0.1", "localhost") })],
        ["not a URL", (body) => ({ ...body, endpoint: "push me" })],
        ["no endpoint", ({ endpoint, ...body }) => body],
        ["p256dh a compressed point", (body) => ({ ...body, keys: { ...body.keys, p256dh: b64(Buffer.concat([Buffer.from([2 + (point[64] & 1)]), point.subarray(1, 33)])) } })],
        ["p256dh 64 octets", (body) => ({ ...body, keys: { ...body.keys, p256dh: b64(point.subarray(0, 64)) } })],
        ["p256dh 65 octets not on the curve", (body) => ({ ...body, keys: { ...body.keys, p256dh: b64(offCurve) } })],
        ["p256dh not base64url", (body) => ({ ...body, keys: { ...body.keys, p256dh: `${keys.p256dh.slice(0, -2)}!!` } })],
        ["auth 15 octets", (body) => ({ ...body, keys: { ...body.keys, auth: b64(Buffer.alloc(15, 7)) } })],
        ["auth 17 octets", (body) => ({ ...body, keys: { ...body.keys, auth: b64(Buffer.alloc(17, 7)) } })],
        ["no keys", ({ keys: _, ...body }) => body],
        ["lang fr", (body) => ({ ...body, lang: "fr" })],
        ["quiet start 24", (body) => ({ ...body, quiet: { ...body.quiet, start: 24 } })],
        ["quiet end 24", (body) => ({ ...body, quiet: { ...body.quiet, end: 24 } })],
        ["quiet start -1", (body) => ({ ...body, quiet: { ...body.quiet, start: -1 } })],
        ["quiet start 7.5", (body) => ({ ...body, quiet: { ...body.quiet, start: 7.5 } })],
        ["quiet zone unknown", (body) => ({ ...body, quiet: { ...body.quiet, zone: "Mars/Olympus_Mons" } })],
        ["quiet zone not a zone name", (body) => ({ ...body, quiet: { ...body.quiet, zone: "not a zone" } })],
        ["an unknown category", (body) => ({ ...body, categories: ["session", "weather"] })],
        ["categories not a list", (body) => ({ ...body, categories: "session" })],
      ];
      for (const [index, [what, change]] of bad.entries()) {
        const body = change(subscriptionBody(`/push/bad-${index}`, keys));
        const answer = await student.request("PUT", "/api/v1/push/subscription", { body });
        assert.equal(answer.status, 400, `${what}: ${answer.status} ${answer.text}`);
        assert.ok(["bad_request", "invalid_json"].includes(answer.json?.error), `${what}: ${answer.text}`);
        assert.equal(typeof answer.json.message, "string", what);
        assert.ok(answer.json.message.length > 0, what);
      }
      const notJson = await student.request("PUT", "/api/v1/push/subscription", { raw: "{ not json" });
      assert.equal(notJson.status, 400, notJson.text);
      assert.equal(notJson.json?.error, "invalid_json", notJson.text);
      // A good body without a session.
      const signedOut = await anon.request("PUT", "/api/v1/push/subscription", { body: subscriptionBody("/push/bad-signed-out", keys) });
      assert.equal(signedOut.status, 401, signedOut.text);

      // The student's inbox holds the session at AT; had any of these been stored, it would be
      // sent (or tried) now. Nobody else has subscribed yet, so the run does nothing at all.
      const counts = await run(minutes(0));
      assert.deepEqual(counts, { sent: 0, held: 0, removed: 0, failed: 0 });
      assert.deepEqual(service.requests().map((request) => request.path), []);
    });
  });

  describe("the reminder run", () => {
    let first;
    let visaOnly;
    let zh;

    test("sends the session starting within a day once, encrypted, with VAPID, in the subscription's language", async () => {
      first = await subscribe("/push/first");
      // A device that only wants visa reminders gets nothing about a session.
      visaOnly = await subscribe("/push/visa-only", { categories: ["visa"] });

      const counts = await run(minutes(0));
      assert.deepEqual(counts, { sent: 1, held: 0, removed: 0, failed: 0 });
      const requests = received(first);
      assert.equal(requests.length, 1, "one push to the subscription");
      assertSessionReminder(open(first, requests[0], minutes(0)));
      assert.equal(received(visaOnly).length, 0, "categories are respected");

      // A minute later the item is not new: nothing is sent again.
      assert.deepEqual(await run(minutes(1)), { sent: 0, held: 0, removed: 0, failed: 0 });
      assert.equal(received(first).length, 1, "sent once");
    });

    test("quiet hours in the subscription's zone hold the reminder until a run outside them", async () => {
      // 13:00–15:00 in Taipei covers AT (14:00 there); 06:00–07:00 in London covers AT (06:00
      // there, GMT in March): the zone decides, not UTC or the program's zone alone.
      const taipei = await subscribe("/push/quiet-taipei", { quiet: { start: 13, end: 15, zone: "Asia/Taipei" } });
      const london = await subscribe("/push/quiet-london", { quiet: { start: 6, end: 7, zone: "Europe/London" } });
      // Not quiet: 06:00–07:00 in Taipei is 22:00–23:00 UTC.
      const notQuiet = await subscribe("/push/quiet-elsewhen", { quiet: { start: 6, end: 7, zone: "Asia/Taipei" } });

      const held = await run(minutes(2));
      assert.equal(held.held, 2, JSON.stringify(held));
      assert.equal(held.sent, 1, JSON.stringify(held));
      assert.equal(received(taipei).length, 0, "held in Taipei's quiet hours");
      assert.equal(received(london).length, 0, "held in London's quiet hours");
      assert.equal(received(notQuiet).length, 1);
      assertSessionReminder(open(notQuiet, received(notQuiet)[0], minutes(2)));

      // Still quiet a little later: still held, not marked sent.
      const stillHeld = await run(minutes(30));
      assert.deepEqual(stillHeld, { sent: 0, held: 2, removed: 0, failed: 0 });
      assert.equal(received(taipei).length + received(london).length, 0);

      // 07:00 UTC: 15:00 in Taipei and 07:00 in London, the first hours after each quiet time (the
      // end hour is not quiet). Both go out now, once.
      const after = await run(minutes(60));
      assert.deepEqual(after, { sent: 2, held: 0, removed: 0, failed: 0 });
      assert.equal(received(taipei).length, 1);
      assert.equal(received(london).length, 1);
      assertSessionReminder(open(taipei, received(taipei)[0], minutes(60)));
      assertSessionReminder(open(london, received(london)[0], minutes(60)));
      assert.equal(received(first).length, 1, "the first device still got it once");
      assert.equal(received(notQuiet).length, 1);
    });

    test("a subscription the push service says is gone (410, 404) is removed and never sent to again", async () => {
      const gone = await subscribe("/push/gone");
      const missing = await subscribe("/push/missing");
      service.answer(gone.path, 410);
      service.answer(missing.path, 404);
      const counts = await run(minutes(61));
      assert.deepEqual(counts, { sent: 0, held: 0, removed: 2, failed: 0 });
      assert.equal(received(gone).length, 1);
      assert.equal(received(missing).length, 1);
      // What was tried was a proper push.
      assertSessionReminder(open(gone, received(gone)[0], minutes(61)));
      // Even if the service would take pushes again, the subscriptions are no more (the item was
      // not delivered, so a subscription still stored would be sent it now).
      service.answer(gone.path, 201);
      service.answer(missing.path, 201);
      const later = await run(minutes(62));
      assert.deepEqual(later, { sent: 0, held: 0, removed: 0, failed: 0 });
      assert.equal(received(gone).length, 1, "no request after removal");
      assert.equal(received(missing).length, 1, "no request after removal");
    });

    test("another failure (500) is counted as failed and retried on the next run", async () => {
      const flaky = await subscribe("/push/flaky");
      service.answer(flaky.path, 500);
      const failed = await run(minutes(63));
      assert.deepEqual(failed, { sent: 0, held: 0, removed: 0, failed: 1 });
      assert.equal(received(flaky).length, 1);
      service.answer(flaky.path, 201);
      const retried = await run(minutes(64));
      assert.deepEqual(retried, { sent: 1, held: 0, removed: 0, failed: 0 });
      assert.equal(received(flaky).length, 2);
      assertSessionReminder(open(flaky, received(flaky)[1], minutes(64)));
      await run(minutes(65));
      assert.equal(received(flaky).length, 2, "delivered once, then not again");
    });

    test("a zh-TW subscription gets the reminder in 繁體中文", async () => {
      zh = await subscribe("/push/zh", { lang: "zh-TW" });
      const counts = await run(minutes(66));
      assert.deepEqual(counts, { sent: 1, held: 0, removed: 0, failed: 0 });
      assert.equal(received(zh).length, 1);
      assertSessionReminder(open(zh, received(zh)[0], minutes(66)), { lang: "zh-TW" });
    });

    test("subscribing the same endpoint again replaces the subscription (new keys, new language)", async () => {
      const path = "/push/again";
      await subscribe(path, { lang: "zh-TW" });
      const replaced = await subscribe(path, { lang: "en" });
      const counts = await run(minutes(67));
      assert.deepEqual(counts, { sent: 1, held: 0, removed: 0, failed: 0 });
      assert.equal(received(replaced).length, 1, "one subscription per endpoint");
      assertSessionReminder(open(replaced, received(replaced)[0], minutes(67)), { lang: "en" });
    });

    test("the student's mentor gets the mentee's session", async () => {
      const device = await subscribe("/push/mentor", {}, mentor);
      assert.deepEqual(await run(minutes(68)), { sent: 1, held: 0, removed: 0, failed: 0 });
      assert.equal(received(device).length, 1);
      const notification = open(device, received(device)[0], minutes(68));
      assert.equal(notification.tag, sessionKey);
      assert.equal(notification.navigate, `${suite.worker.url}/sessions`);
      assert.equal(notification.lang, "en");
      // The run read the mentee's space as the mentor, who has not opened the app in these
      // tests: that is not them being active, so the space has no "last active" of theirs.
      const changes = await student.pullAll(studentSpace);
      assert.ok(changes.some((c) => c.key.kind === "activity" && c.key.id === DEMO.student.id), "the student's own pulls noted them");
      assert.equal(changes.find((c) => c.key.kind === "activity" && c.key.id === DEMO.mentor.id), undefined);
    });

    test("after DELETE a subscription gets nothing", async () => {
      const leaving = await subscribe("/push/leaving");
      const removed = await student.request("DELETE", "/api/v1/push/subscription", { body: { endpoint: leaving.endpoint } });
      assert.equal(removed.status, 200, removed.text);
      assert.deepEqual(removed.json, { ok: true });
      // The first device stops too; the tasks below would otherwise reach it.
      const firstGone = await student.request("DELETE", "/api/v1/push/subscription", { body: { endpoint: first.endpoint } });
      assert.equal(firstGone.status, 200, firstGone.text);
      const counts = await run(minutes(69));
      assert.deepEqual(counts, { sent: 0, held: 0, removed: 0, failed: 0 });
      assert.equal(received(leaving).length, 0);
    });

    test("signing out of the session that subscribed a device forgets it", async () => {
      // A second session of the student, on a phone someone else will use next.
      const phone = await anon.login(DEMO.student.email);
      const device = await subscribe("/push/shared-phone", {}, phone);
      const out = await phone.request("POST", "/api/v1/auth/logout", { body: {} });
      assert.equal(out.status, 200, out.text);
      // The session's reminder would be new to this device; it is not sent.
      const counts = await run(minutes(69));
      assert.deepEqual(counts, { sent: 0, held: 0, removed: 0, failed: 0 });
      assert.equal(received(device).length, 0, "nothing reaches the signed-out phone");
    });

    test("more than three new items make one summary; three go one by one", async () => {
      const tasks = async (n, title) => {
        const ids = Array.from({ length: n }, () => uniqueId("task"));
        const pushed = await student.push(studentSpace, uniqueId("c"), ids.map((id, index) => ({
          seq: index + 1,
          mutation: { type: "create", id, record: { kind: "task", fields: { title: `${title} ${index + 1}`, done: false, due_date: "2030-03-05" } } },
        })));
        assert.equal(pushed.status, 200, pushed.text);
        assert.ok(pushed.json.verdicts.every((v) => v.verdict.status === "ok"), pushed.text);
        return ids;
      };
      const itemKeys = (ids) => ids.map((id) => `task:${DEMO.student.id}:${id}`);

      // Four tasks due tomorrow: each device that had the session gets four new items at once.
      const four = await tasks(4, "Prepare the interview");
      const fresh = await subscribe("/push/fresh");
      const zhBefore = received(zh).length;
      await run(minutes(70));
      assert.equal(received(fresh).length, 1, "five new items (the session and four tasks): one push");
      const summary = open(fresh, received(fresh)[0], minutes(70));
      assert.ok(![sessionKey, ...itemKeys(four)].includes(summary.tag), `a summary, not one item: ${JSON.stringify(summary)}`);
      assert.equal(summary.app_badge, "5");
      assert.equal(summary.lang, "en");
      assert.equal(received(zh).length, zhBefore + 1, "four new tasks: one push");
      const zhSummary = open(zh, received(zh).at(-1), minutes(70));
      assert.ok(!itemKeys(four).includes(zhSummary.tag), JSON.stringify(zhSummary));
      assert.equal(zhSummary.lang, "zh-TW");
      assert.equal(received(first).length, 1, "an unsubscribed device gets nothing");
      assert.equal(received(visaOnly).length, 0, "tasks are not visa reminders");

      // Three more: three separate reminders, each with its task's key, opening the tasks.
      const three = await tasks(3, "Send the thank-you note");
      await run(minutes(71));
      const pushes = received(fresh).slice(1).map((request) => open(fresh, request, minutes(71)));
      assert.equal(pushes.length, 3, "three new items: three pushes");
      assert.deepEqual(pushes.map((n) => n.tag).sort(), itemKeys(three).sort());
      for (const notification of pushes) {
        assert.equal(notification.navigate, `${suite.worker.url}/tasks`);
        assert.equal(notification.app_badge, "8");
      }
    });
  });
});
