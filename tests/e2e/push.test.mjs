// End-to-end, on a phone: a push reminder made by the running Worker (its Cron Trigger's run at a
// fixed instant, encrypted for a device and decrypted here by Node's own crypto) is delivered to
// the app's service worker through the DevTools protocol (`ServiceWorker.deliverPushMessage`,
// as a push service would), which shows it as a notification; a tap opens the reminder's screen
// in the open window. Chromium here has no push service of its own, so the Worker's message goes
// to a local one and is handed to the browser from there.
import { test } from "node:test";
import assert from "node:assert/strict";

import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { catalogueText, setLanguage, signedInPage, waitForServiceWorker } from "../support/app.mjs";
import { until } from "../support/worker.mjs";
import { newSubscriptionKeys, startPushService } from "../support/webpush.mjs";

const suite = seededSuite();
/** 14:00 in Taipei, a fixed instant far from the demo's own dates. */
const AT = "2031-05-06T06:00:00Z";

/** The reminder the Worker sends a device about a session two hours after `AT`. */
async function reminderFromWorker() {
  const mentor = await new Api(suite.worker.url).login(DEMO.mentor.email);
  const student = await new Api(suite.worker.url).login(DEMO.student.email);
  const sessionId = uniqueId("session");
  const created = await mentor.push(`student:${DEMO.student.id}`, uniqueId("mentor"), [{
    seq: 1,
    mutation: { type: "create", id: sessionId, record: { kind: "mentoring_session", fields: {
      starts_at: new Date(Date.parse(AT) + 2 * 3_600_000).toISOString(), time_zone: "Asia/Taipei",
      duration_minutes: 60, format: "video", location: "Google Meet", agenda: "Push e2e", state: "scheduled",
    } } },
  }]);
  assert.equal(created.json.verdicts[0].verdict.status, "ok", created.text);
  const service = await startPushService();
  try {
    const keys = newSubscriptionKeys();
    const subscribed = await student.request("PUT", "/api/v1/push/subscription", { body: {
      endpoint: service.url("/phone"), keys: { p256dh: keys.p256dh, auth: keys.auth }, lang: "en",
      categories: ["session"], quiet: { start: 22, end: 7, zone: "Asia/Taipei" },
    } });
    assert.equal(subscribed.status, 200, subscribed.text);
    const run = await student.request("POST", `/api/v1/test/reminders?at=${AT}`);
    assert.equal(run.status, 200, run.text);
    assert.equal(run.json.sent, 1, run.text);
    const [request] = service.requests("/phone");
    const text = keys.decrypt(request.body).toString("utf8");
    const message = JSON.parse(text);
    assert.equal(message.notification.tag, `session:${DEMO.student.id}:${sessionId}`);
    // The device is forgotten again, so later runs in this file send it nothing.
    await student.request("DELETE", "/api/v1/push/subscription", { body: { endpoint: service.url("/phone") } });
    return { text, message };
  } finally {
    await service.close();
  }
}

/** The student's phone with notifications allowed, and `deliver(data)`: a push message to the
 *  app's service worker, as the browser's push service would hand it over. */
async function phoneWithPush() {
  const { profile, page } = await signedInPage(suite.profiles, suite.worker.url, DEMO.student.email);
  await waitForServiceWorker(page);
  await profile.context.grantPermissions(["notifications"], { origin: suite.worker.url });
  const cdp = await profile.context.newCDPSession(page);
  const registrations = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations: list }) => registrations.push(...list));
  await cdp.send("ServiceWorker.enable");
  const registration = await until(
    () => registrations.find((entry) => !entry.isDeleted && entry.scopeURL.startsWith(suite.worker.url)),
    { what: "the app's service worker registration" },
  );
  const deliver = (data) => cdp.send("ServiceWorker.deliverPushMessage", {
    origin: suite.worker.url, registrationId: registration.registrationId, data,
  });
  return { profile, page, deliver };
}

test("a reminder from the Worker is shown by the service worker and a tap opens its screen", { timeout: 180_000 }, async () => {
  const { text, message } = await reminderFromWorker();
  assert.equal(message.web_push, 8030);
  assert.equal(message.notification.navigate, `${suite.worker.url}/sessions`);

  const { profile, page, deliver } = await phoneWithPush();
  await deliver(text);

  const worker = await until(() => profile.context.serviceWorkers()[0], { what: "the service worker" });
  const shown = await until(async () => {
    const list = await worker.evaluate(async () => (await self.registration.getNotifications())
      .map((n) => ({ title: n.title, body: n.body, tag: n.tag, lang: n.lang, data: n.data })));
    return list.length > 0 ? list : null;
  }, { what: "the notification" });
  assert.deepEqual(shown, [{
    title: message.notification.title,
    body: message.notification.body,
    tag: message.notification.tag,
    lang: "en",
    data: { navigate: message.notification.navigate },
  }]);
  assert.match(shown[0].body, /^Mentoring session /, "worded by the app's own words");

  // A tap: the open window goes to the reminder's screen, and the notification closes.
  await worker.evaluate(async (tag) => {
    const [notification] = await self.registration.getNotifications({ tag });
    self.dispatchEvent(new NotificationEvent("notificationclick", { notification }));
  }, message.notification.tag);
  await page.waitForURL(`${suite.worker.url}/sessions`);
  const sessions = await catalogueText(page, "Sessions");
  await until(async () => (await page.textContent("main h1"))?.trim() === sessions.en, { what: "the sessions screen" });
  const left = await worker.evaluate(async () => (await self.registration.getNotifications()).length);
  assert.equal(left, 0, "the tapped notification is closed");
});

test("a push that is not a reminder of this app shows nothing and opens no other site", { timeout: 120_000 }, async () => {
  const { profile, page, deliver } = await phoneWithPush();
  await deliver("not json");
  await deliver(JSON.stringify({ notification: { title: "no marker" } }));
  await deliver(JSON.stringify({ web_push: 8030, notification: {
    title: "Elsewhere", body: "x", navigate: "https://evil.example/phish", tag: "elsewhere",
  } }));
  const worker = await until(() => profile.context.serviceWorkers()[0], { what: "the service worker" });
  const shown = await until(async () => {
    const list = await worker.evaluate(async () => (await self.registration.getNotifications())
      .map((n) => ({ title: n.title, data: n.data })));
    return list.length > 0 ? list : null;
  }, { what: "the one notification in the app's format" });
  assert.deepEqual(shown, [{ title: "Elsewhere", data: { navigate: "/inbox" } }], "another site's link becomes the inbox");
  await worker.evaluate(async () => {
    const [notification] = await self.registration.getNotifications({ tag: "elsewhere" });
    self.dispatchEvent(new NotificationEvent("notificationclick", { notification }));
  });
  await page.waitForURL(`${suite.worker.url}/inbox`);
});

test("turning reminders on says why it could not, in the person's language, and can be tried again", { timeout: 120_000 }, async () => {
  const { profile, page } = await signedInPage(suite.profiles, suite.worker.url, DEMO.student.email);
  await waitForServiceWorker(page);
  await page.goto(`${suite.worker.url}/settings`);
  // The settings screen comes from a lazy piece: wait for its reminders (the app bar's language
  // switch is there before it).
  await page.waitForSelector('[data-local="device-reminders"] input[type=checkbox]');
  await setLanguage(page, "zh-TW");
  // A student chooses among their seven kinds of reminder, all ticked at first.
  const boxes = await page.$$eval('[data-local="device-reminders"] input[type=checkbox]', (inputs) =>
    inputs.map((input) => [input.dataset.testid, input.checked]));
  assert.deepEqual(boxes, ["session", "feedback", "task", "visa", "ranking", "workshop", "evaluation"].map((name) => [`reminder-${name}`, true]));
  assert.equal(await page.inputValue('[data-testid="quiet-from"]'), "22");
  assert.equal(await page.inputValue('[data-testid="quiet-until"]'), "7");

  // Notifications not allowed: said at once, under the section.
  await page.click('[data-testid="reminders-on"]');
  const blocked = await catalogueText(page, "Notifications are blocked");
  await until(async () => (await page.textContent('[data-testid="reminders-error"]'))?.trim() === blocked.zh, { what: "the blocked message" });
  assert.ok(await page.isEnabled('[data-testid="reminders-on"]'), "it can be tried again");

  // Allowed, but this Chromium has no push service: the wait ends with the reason.
  await profile.context.grantPermissions(["notifications"], { origin: suite.worker.url });
  await page.click('[data-testid="reminders-on"]');
  const failed = await catalogueText(page, "This browser's notification service did not answer");
  await until(async () => (await page.textContent('[data-testid="reminders-error"]'))?.trim() === failed.zh,
    { what: "the push service message", timeoutMs: 40_000 });
  assert.ok(await page.isEnabled('[data-testid="reminders-on"]'), "it can be tried again");
  assert.equal(await page.locator('[data-testid="reminders-off"]').count(), 0, "reminders did not turn on");
});
