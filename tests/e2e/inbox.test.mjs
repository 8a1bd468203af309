// End-to-end, on a phone with the page's clock fixed at Wednesday 10 March 2027, 09:00 in Taipei:
// the inbox is worked out on the device from what it synced, so it works offline. A student's
// task due in two days and a visa step due in three appear (with the app's own date formatting in
// both languages), the app bar's bell counts them, an item opens its screen, and an item
// dismissed offline stays dismissed after a reload while the others stay, and once synced on the
// student's other phone too (the mentor never receives it). axe checks the screen.
// Pair health: a visa step left overdue flags the pair, worked out on each device at the moment it
// is shown: on the mentor's card for that mentee (offline) and in staff's queue (from the
// student's summary).
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, taskCreate, uniqueId } from "../support/api.mjs";
import { axeViolations } from "../support/a11y.mjs";
import { catalogueText, setLanguage, signedInPage, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();
const NOW = new Date("2027-03-10T01:00:00Z");
const SPACE = `student:${DEMO.student.id}`;

/** The app's own wording of a date (never the host's locale data). */
function dateText(page, lang, iso) {
  return page.evaluate(async ([lang, iso]) => (await import("/pkg/imp_app.js")).format_date_text(lang, iso), [lang, iso]);
}

async function inboxKeys(page) {
  return page.$$eval('[data-testid="inbox-item"]', (rows) => rows.map((row) => row.dataset.key));
}

describe("the inbox", { timeout: 600_000 }, () => {
  test("a student's inbox works offline: counted, worded in both languages, linked, dismissed", { timeout: 300_000 }, async () => {
    const student = await new Api(suite.worker.url).login(DEMO.student.email);
    const taskId = uniqueId("task");
    const stepId = uniqueId("step");
    const title = "Send the signed offer letter";
    const step = {
      type: "create", id: stepId,
      record: { kind: "visa_step", fields: { route: "work", title: "Apply for the work permit", title_zh: "申請工作許可", authority: "WDA", due_date: "2027-03-13", documents: [], state: "todo" } },
    };
    const pushed = await student.push(SPACE, uniqueId("setup"), [
      { seq: 1, mutation: taskCreate(taskId, title, { due_date: "2027-03-12" }) },
      { seq: 2, mutation: step },
    ]);
    assert.deepEqual(pushed.json.verdicts.map((v) => v.verdict.status), ["ok", "ok"], pushed.text);

    const { profile, page } = await signedInPage(suite.profiles, suite.worker.url, DEMO.student.email, undefined, { at: NOW });
    const taskKey = `task:${DEMO.student.id}:${taskId}`;
    const stepKey = `visa:${DEMO.student.id}:${stepId}:3`;
    await profile.context.setOffline(true);
    await page.waitForSelector('[data-testid="sync-status"][data-state="offline"]');

    await page.click('[data-testid="inbox-bell"]');
    await page.waitForSelector('[data-testid="inbox-item"]');
    const keys = await inboxKeys(page);
    assert.ok(keys.includes(taskKey) && keys.includes(stepKey), JSON.stringify(keys));
    assert.ok(keys.indexOf(taskKey) < keys.indexOf(stepKey), "due first, listed first");
    assert.equal(await page.getAttribute('[data-testid="inbox-bell"]', "data-count"), String(keys.length), "the bell counts the items");

    const row = (key) => page.locator(`[data-testid="inbox-item"][data-key="${key}"]`);
    const taskDay = await dateText(page, "en", "2027-03-12");
    assert.equal(await row(taskKey).locator("a").textContent(), `Task due ${taskDay}: ${title}`);
    const stepDay = await dateText(page, "en", "2027-03-13");
    assert.equal(await row(stepKey).locator("a").textContent(), `Visa step due in 3 days (${stepDay}): Apply for the work permit`);
    await setLanguage(page, "zh-TW");
    const stepDayZh = await dateText(page, "zh-TW", "2027-03-13");
    assert.equal(await row(stepKey).locator("a").textContent(), `簽證步驟 3 天後到期（${stepDayZh}）：申請工作許可`);
    assert.deepEqual(await axeViolations(page), []);
    await setLanguage(page, "en");

    // Dismissed offline: gone from the list and the count, and still gone after a reload offline.
    await row(stepKey).locator('[data-testid="inbox-dismiss"]').click();
    await row(stepKey).waitFor({ state: "detached" });
    assert.equal(await page.getAttribute('[data-testid="inbox-bell"]', "data-count"), String(keys.length - 1));
    await page.reload();
    await page.waitForSelector(`[data-testid="inbox-item"][data-key="${taskKey}"]`);
    assert.ok(!(await inboxKeys(page)).includes(stepKey), "still dismissed after a reload");

    // Back online the dismissal syncs: the student's other phone does not show the item either,
    // and the server gives the record to no one else (the mentor reads the same space).
    await profile.context.setOffline(false);
    await waitForSynced(page);
    const { page: otherPhone } = await signedInPage(suite.profiles, suite.worker.url, DEMO.student.email, undefined, { at: NOW });
    await otherPhone.click('[data-testid="inbox-bell"]');
    await otherPhone.waitForSelector(`[data-testid="inbox-item"][data-key="${taskKey}"]`);
    assert.ok(!(await inboxKeys(otherPhone)).includes(stepKey), "dismissed on the other phone too");
    const dismissals = (changes) => changes.filter((c) => c.key.kind === "inbox_dismissal" && c.record).map((c) => c.record.fields);
    assert.deepEqual(dismissals(await student.pullAll(SPACE)), [{ user_id: DEMO.student.id, item: stepKey }]);
    const mentor = await new Api(suite.worker.url).login(DEMO.mentor.email);
    assert.deepEqual(dismissals(await mentor.pullAll(SPACE)), [], "the mentor does not see the student's dismissals");
    await profile.context.setOffline(true);

    // An item opens the screen that deals with it.
    await row(taskKey).locator("a").click();
    await page.waitForSelector(`[data-testid="task"][data-title="${title}"]`);
    assert.equal(new URL(page.url()).pathname, "/tasks");

    // Shown again on request, and on the other phone once both have synced.
    await page.click('[data-testid="inbox-bell"]');
    await page.click('[data-testid="inbox-restore"]');
    await row(stepKey).waitFor();
    await profile.context.setOffline(false);
    await waitForSynced(page);
    // Tapping the status syncs at once (and opens the changes screen): back to the inbox.
    await otherPhone.locator('[data-testid="sync-status"]').click();
    await otherPhone.click('[data-testid="inbox-bell"]');
    await otherPhone.locator(`[data-testid="inbox-item"][data-key="${stepKey}"]`).waitFor();
  });

  test("an overdue visa step flags the pair on the mentor's card, offline, and in staff's queue", { timeout: 300_000 }, async () => {
    const student = await new Api(suite.worker.url).login(DEMO.student.email);
    const stepId = uniqueId("overdue");
    const step = {
      type: "create", id: stepId,
      record: { kind: "visa_step", fields: { route: "work", title: "Renew the residence card", authority: "NIA", due_date: "2027-03-01", documents: [], state: "todo" } },
    };
    const pushed = await student.push(SPACE, uniqueId("setup"), [{ seq: 1, mutation: step }]);
    assert.equal(pushed.json.verdicts[0].verdict.status, "ok", pushed.text);

    const mentor = await signedInPage(suite.profiles, suite.worker.url, DEMO.mentor.email, undefined, { at: NOW });
    await mentor.profile.context.setOffline(true);
    await mentor.page.waitForSelector('[data-testid="sync-status"][data-state="offline"]');
    const card = mentor.page.locator('[data-testid="mentee"][data-name="Amara Patel"]');
    const flag = card.locator('[data-testid="pair-flag"][data-rule="visa_overdue"]');
    await flag.waitFor();
    const actNow = await catalogueText(mentor.page, "Act now");
    assert.ok((await flag.textContent()).startsWith(actNow.en), await flag.textContent());

    const staff = await signedInPage(suite.profiles, suite.worker.url, DEMO.staff.email, undefined, { at: NOW });
    const pair = staff.page.locator(`[data-testid="pairs-queue"] [data-testid="pair"][data-student="${DEMO.student.id}"]`);
    await pair.locator('[data-testid="pair-flag"][data-rule="visa_overdue"]').waitFor({ timeout: 60_000 });
    assert.deepEqual(await axeViolations(staff.page), []);
  });
});
