// End-to-end, on a phone: the calendar subscription on the settings screen. The student makes a
// link; the URL it shows returns a valid calendar with their session (fetched with no session, as
// a calendar app does); a new link replaces it; stopping it makes it stop working; in 繁體中文
// the calendar is named in Chinese. Texts come from the app's catalogue.
import { test } from "node:test";
import assert from "node:assert/strict";

import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { catalogueText, setLanguage, signedInPage } from "../support/app.mjs";
import { until } from "../support/worker.mjs";

const suite = seededSuite();

/** Content lines of a calendar, unfolded (RFC 5545 §3.1). */
function unfolded(text) {
  return text.replace(/\r\n[ \t]/g, "").split("\r\n");
}

test("the calendar link on settings follows the person's sessions and stops when asked", { timeout: 180_000 }, async () => {
  const mentor = await new Api(suite.worker.url).login(DEMO.mentor.email);
  const sessionId = uniqueId("session");
  const created = await mentor.push(`student:${DEMO.student.id}`, uniqueId("mentor"), [{
    seq: 1,
    mutation: { type: "create", id: sessionId, record: { kind: "mentoring_session", fields: {
      starts_at: "2031-05-06T08:00:00Z", time_zone: "Asia/Taipei", duration_minutes: 45,
      format: "in_person", location: "Room 7", agenda: "Feed e2e", state: "scheduled",
    } } },
  }]);
  assert.equal(created.json.verdicts[0].verdict.status, "ok", created.text);

  const { page } = await signedInPage(suite.profiles, suite.worker.url, DEMO.student.email);
  await page.goto(`${suite.worker.url}/settings`);
  const create = await catalogueText(page, "Create a calendar link");
  assert.equal((await page.textContent('[data-testid="calendar-feed-create"]')).trim(), create.en);
  await page.click('[data-testid="calendar-feed-create"]');
  const url = await until(async () => {
    const field = page.locator('[data-testid="calendar-feed-url"]');
    return (await field.count()) > 0 ? field.inputValue() : null;
  }, { what: "the calendar link" });
  assert.match(url, new RegExp(`^${suite.worker.url}/api/v1/calendar/[0-9a-f]{64}\\.ics$`));
  const open = await page.getAttribute('[data-testid="calendar-feed-open"]', "href");
  assert.equal(open, url.replace(/^https?:\/\//, "webcal://"), "the calendar app opens it as webcal");

  const first = await fetch(url);
  assert.equal(first.status, 200);
  assert.match(first.headers.get("content-type"), /^text\/calendar/);
  const body = await first.text();
  assert.ok(body.startsWith("BEGIN:VCALENDAR\r\n") && body.endsWith("END:VCALENDAR\r\n"), body.slice(0, 80));
  const lines = unfolded(body);
  assert.ok(lines.includes("X-WR-CALNAME:IMP Companion"), lines.slice(0, 8).join("\n"));
  assert.ok(lines.some((line) => line.startsWith("UID:") && line.includes(sessionId)), `the session is in the feed`);
  assert.ok(lines.includes("DTSTART:20310506T080000Z"), "at its time, in UTC");

  // The link survives a reload of the screen (kept on this device).
  await page.reload();
  assert.equal(await page.inputValue('[data-testid="calendar-feed-url"]'), url);

  // In 繁體中文 a new link replaces the old one, and the calendar is named in Chinese.
  await setLanguage(page, "zh-TW");
  const replace = await catalogueText(page, "Replace with a new link");
  assert.equal((await page.textContent('[data-testid="calendar-feed-create"]')).trim(), replace.zh);
  await page.click('[data-testid="calendar-feed-create"]');
  const second = await until(async () => {
    const value = await page.inputValue('[data-testid="calendar-feed-url"]');
    return value !== url ? value : null;
  }, { what: "a new link" });
  assert.equal((await fetch(url)).status, 404, "the replaced link stops working");
  const chinese = unfolded(await (await fetch(second)).text());
  assert.ok(chinese.some((line) => line.startsWith("X-WR-CALNAME:IMP Companion 行事曆")), chinese.slice(0, 8).join("\n"));

  // Stopping it: the link is gone from the screen and from the server.
  await page.click('[data-testid="calendar-feed-stop"]');
  const stopped = await catalogueText(page, "The link no longer works.");
  await until(async () => (await page.textContent('[data-testid="calendar-feed-status"]'))?.trim() === stopped.zh, { what: "the stopped message" });
  assert.equal(await page.locator('[data-testid="calendar-feed-url"]').count(), 0);
  assert.equal((await fetch(second)).status, 404, "a stopped link stops working");
});

test("making a calendar link offline is refused where the person is, in their language", { timeout: 120_000 }, async () => {
  const { profile, page } = await signedInPage(suite.profiles, suite.worker.url, DEMO.mentor.email);
  await page.goto(`${suite.worker.url}/settings`);
  await setLanguage(page, "zh-TW");
  await profile.context.setOffline(true);
  await page.click('[data-testid="calendar-feed-create"]');
  const offline = await catalogueText(page, "This needs a connection.");
  await until(async () => (await page.textContent('[data-testid="calendar-feed-error"]'))?.trim() === offline.zh, { what: "the refusal" });
  assert.equal(await page.locator('[data-testid="calendar-feed-url"]').count(), 0, "no link was made");
  await profile.context.setOffline(false);
});
