// End-to-end student flows, continued: position rankings, the placement and mentor's contact,
// session feedback with its reveal rule, and workshop check-in with the QR code staff show.
// Each is done offline on a phone and checked after sync from another person's side.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { ROOT } from "../support/worker.mjs";
import { DESKTOP, PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { catalogueText, setLanguage, signedInPage as openSignedIn, waitForServiceWorker, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();
const signedInPage = (email, viewport) => openSignedIn(suite.profiles, suite.worker.url, email, viewport);
const STUDENT_SPACE = `student:${DEMO.student.id}`;
const SCREENSHOTS = join(ROOT, "tests", "screenshots");

/** The browsers' fixed clock in the check-in tests: an instant in the past, as the server refuses
 *  a check-in time ahead of its own clock. 09:30 in Taipei. */
const AT_THE_DOOR = new Date("2025-10-14T01:30:00Z");

before(() => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

/** The current record of `kind`/`id` in a space, read over the API as staff. */
async function staffRead(space, kind, id) {
  const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
  const pull = await staff.pull(space, uniqueId("check"));
  assert.equal(pull.status, 200, pull.text);
  return pull.json.changes.find((change) => change.key.kind === kind && change.key.id === id)?.record?.fields;
}

/** Taipei wall-clock date and time (YYYY-MM-DD, HH:MM) of `instant` (Taipei is UTC+8, no DST). */
function taipeiOf(instant) {
  const local = new Date(instant.getTime() + 8 * 3_600_000).toISOString();
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

/** Taipei wall-clock date and time `offsetMinutes` from the real now: for sessions whose feedback
 *  the server reveals by its own (real) clock, so the browser's clock cannot be fixed there. */
function taipei(offsetMinutes = 0) {
  return taipeiOf(new Date(Date.now() + offsetMinutes * 60_000));
}

/** A signed-in, synced page whose clock stands still at `instant`. */
const pageAt = (instant, email, viewport = PHONE) => openSignedIn(suite.profiles, suite.worker.url, email, viewport, { at: instant });

describe("student flows, continued", { timeout: 600_000 }, () => {
  test("rankings: ranked, explained and reordered offline; staff read them; after the deadline they are final", { timeout: 180_000 }, async () => {
    // A student of the cohort still waiting for a placement is asked to rank on Home.
    const staffApi = await new Api(suite.worker.url).login(DEMO.staff.email);
    const waiting = (await staffApi.pull("staff", uniqueId("waiting"))).json.changes.find((c) => c.key.kind === "student_summary"
      && c.record.fields.cohort_year === 2024
      && !c.record.fields.placements.some((p) => ["confirmed", "active", "completed"].includes(p.state)));
    const { page: waitingPage } = await signedInPage(`student${waiting.key.id.slice(2)}@demo.imp`);
    await waitingPage.waitForSelector('[data-testid="ranking-card"] [data-testid="open-positions"]');

    // The demo student is placed already: nobody asks them to rank, and the positions screen
    // says they need not (they may still browse, and rank).
    const { profile, page } = await signedInPage(DEMO.student.email);
    await waitForServiceWorker(page);
    await page.waitForSelector('[data-testid="my-placement"] [data-testid="placement-mentor"]');
    assert.equal(await page.locator('[data-testid="ranking-card"]').count(), 0);
    await page.goto(`${suite.worker.url}/positions`);
    await page.waitForSelector('[data-testid="already-placed"]');
    await page.waitForSelector('[data-testid="position"]');
    await profile.context.setOffline(true);

    // Filter and search narrow the list.
    const all = await page.locator('[data-testid="position"]').count();
    assert.ok(all > 20, `the 2024 cohort has many open positions (${all})`);
    await page.check('[data-testid="paid-only"]');
    const paid = await page.locator('[data-testid="position"]').count();
    assert.ok(paid < all && paid > 0, `paid only: ${paid} of ${all}`);
    await page.uncheck('[data-testid="paid-only"]');
    const firstTitle = (await page.locator('[data-testid="position"] .item-title').first().textContent()).trim();
    await page.fill('[data-testid="position-search"]', firstTitle);
    assert.ok((await page.locator('[data-testid="position"]').count()) < all);
    await page.fill('[data-testid="position-search"]', "");

    // Program data in both languages: in 繁體中文 the industry reads as the organization gives it
    // in 繁體中文 (and the industry filter offers those names), in English as in English.
    const program = await staffApi.pullAll("program");
    const firstId = await page.locator('[data-testid="position"]').first().getAttribute("data-position-id");
    const firstPosition = program.find((c) => c.key.kind === "position" && c.key.id === firstId);
    const organization = program.find((c) => c.key.kind === "organization" && c.key.id === firstPosition.record.fields.organization_id).record.fields;
    assert.ok(organization.industry_zh.length > 0, "the demo organizations name their industry in 繁體中文");
    const orgLine = page.locator('[data-testid="position"]').first().locator('[data-testid="position-org"]');
    assert.ok((await orgLine.textContent()).endsWith(organization.industry), await orgLine.textContent());
    await page.selectOption('[data-testid="language"] >> nth=0', "zh-TW");
    await page.waitForFunction(() => document.documentElement.lang === "zh-TW");
    assert.ok((await orgLine.textContent()).endsWith(organization.industry_zh), await orgLine.textContent());
    const industryOptions = await page.$$eval('[data-testid="position-industry"] option', (options) => options.map((o) => o.textContent));
    assert.ok(industryOptions.includes(organization.industry_zh), industryOptions.join(", "));
    await page.selectOption('[data-testid="language"] >> nth=0', "en");
    await page.waitForFunction(() => document.documentElement.lang === "en");

    // Rank five (the cohort's limit); a sixth cannot be added.
    const ids = await page.$$eval('[data-testid="position"]', (items) => items.slice(0, 6).map((item) => item.dataset.positionId));
    for (const id of ids.slice(0, 5)) {
      await page.click(`[data-testid="position"][data-position-id="${id}"] [data-testid="rank"]`);
      await page.waitForSelector(`[data-testid="ranked"][data-position-id="${id}"]`);
    }
    assert.equal(await page.locator(`[data-testid="position"][data-position-id="${ids[5]}"] [data-testid="rank"]`).isDisabled(), true);
    // Reasons, a reorder and a removal.
    await page.locator(`[data-testid="ranked"][data-position-id="${ids[1]}"] [data-testid="reason"]`).fill("My thesis is on this industry");
    await page.locator(`[data-testid="ranked"][data-position-id="${ids[1]}"] [data-testid="reason"]`).press("Tab");
    await page.click(`[data-testid="ranked"][data-position-id="${ids[1]}"] [data-testid="move-up"]`);
    await page.click(`[data-testid="ranked"][data-position-id="${ids[4]}"] [data-testid="remove-choice"]`);
    const order = async () => page.$$eval('[data-testid="ranked"]', (items) => items.map((item) => item.dataset.positionId));
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ranked"]').length === n, 4);
    const expected = [ids[1], ids[0], ids[2], ids[3]];
    assert.deepEqual(await order(), expected);

    // Kept across an offline reload.
    await page.reload();
    await page.waitForSelector('[data-testid="ranked"]');
    assert.deepEqual(await order(), expected);
    assert.equal(await page.locator(`[data-testid="ranked"][data-position-id="${ids[1]}"] [data-testid="reason"]`).inputValue(), "My thesis is on this industry");

    await profile.context.setOffline(false);
    await waitForSynced(page);
    const ranking = await staffRead(STUDENT_SPACE, "ranking", "cohort-2024");
    assert.deepEqual(ranking.choices.map((choice) => choice.position_id), expected);
    assert.equal(ranking.choices[0].reason, "My thesis is on this industry");
    // Staff see the choices, in order and with the reason, on the student's page.
    const { page: staffPage } = await signedInPage(DEMO.staff.email);
    await staffPage.goto(`${suite.worker.url}/student?id=${DEMO.student.id}`);
    const listed = staffPage.locator('[data-testid="student-rankings"] li');
    await staffPage.waitForFunction(() => document.querySelectorAll('[data-testid="student-rankings"] li').length === 4);
    assert.match(await listed.first().textContent(), /My thesis is on this industry/);

    // Staff close the round: the student's list becomes read-only, and the server refuses a late change.
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const closed = await staff.push("program", uniqueId("staff"), [{
      seq: 1,
      mutation: { type: "update", id: "cohort-2024", patch: { kind: "cohort", fields: { ranking_deadline: new Date(Date.now() - 60_000).toISOString() } } },
    }]);
    assert.equal(closed.status, 200, closed.text);
    await page.locator('[data-testid="sync-status"]').click();
    await page.goto(`${suite.worker.url}/positions`);
    await page.waitForSelector('[data-testid="my-ranking"][data-closed="true"]');
    assert.equal(await page.locator('[data-testid="move-up"]').count(), 0);
    assert.equal(await page.locator('[data-testid="reason"]').first().isDisabled(), true);
    const student = await new Api(suite.worker.url).login(DEMO.student.email);
    const late = await student.push(STUDENT_SPACE, uniqueId("late"), [{
      seq: 1,
      mutation: { type: "set_rankings", id: "cohort-2024", choices: [{ position_id: ids[3], reason: "" }] },
    }]);
    assert.equal(late.json.verdicts[0].verdict.status, "rejected", JSON.stringify(late.json));
    assert.match(JSON.stringify(late.json.verdicts[0]), /deadline/);
    assert.deepEqual((await staffRead(STUDENT_SPACE, "ranking", "cohort-2024")).choices.map((c) => c.position_id), expected);
  });

  test("placement: the organization, position and mentor with contact show on Home, offline too", { timeout: 90_000 }, async () => {
    const { profile, page } = await signedInPage(DEMO.student.email);
    await waitForServiceWorker(page);
    await profile.context.setOffline(true);
    await page.reload();
    const card = page.locator('[data-testid="my-placement"]');
    await card.waitFor();
    assert.ok((await card.locator('[data-testid="placement-organization"]').textContent()).trim().length > 0);
    assert.match(await card.locator('[data-testid="placement-mentor"]').textContent(), /Chen Wei-Ting$/);
    assert.equal(await card.locator('[data-testid="mentor-contact"]').getAttribute("href"), "mailto:mentor@demo.imp");
    assert.match(await card.textContent(), /Expertise/);
  });

  test("feedback: given offline after a session; hidden from the mentor until both answered, then both see both", { timeout: 180_000 }, async () => {
    const { profile, page } = await signedInPage(DEMO.student.email);
    await page.click('nav a[href="/sessions"]');
    await page.waitForSelector('[data-testid="schedule-form"]');
    await profile.context.setOffline(true);
    const agenda = `Feedback check ${Date.now().toString(36)}`;
    const yesterday = taipei(-24 * 60);
    await page.fill("#session-date", yesterday.date);
    await page.fill("#session-time", "10:00");
    await page.fill("#session-agenda", agenda);
    // Yesterday has passed: the form logs a past session, with what happened.
    await page.fill('[data-testid="past-notes"]', "Went through my CV line by line.");
    await page.click('[data-testid="schedule"]');
    const session = page.locator(`[data-testid="session"][data-agenda="${agenda}"]`);
    await session.waitFor();
    // A rating is required.
    await session.locator('[data-testid="save-feedback"]').click();
    await session.locator("text=Choose a rating from 1 to 5.").waitFor();
    await session.locator('[data-testid="rate-4"]').check({ force: true });
    await session.locator('[data-testid="feedback-text"]').fill("Clear advice on my CV.");
    await session.locator('[data-testid="save-feedback"]').click();
    await session.locator('[data-testid="my-feedback"][data-rating="4"] [data-testid="waiting"]').waitFor();
    // The hint names the day the week ends, in the app's own date wording.
    const hidden = session.locator('[data-testid="feedback-hidden"]');
    const revealDay = await hidden.getAttribute("data-reveal");
    const dayText = await page.evaluate(async (iso) => (await import("/pkg/imp_app.js")).format_date_text("en", iso), revealDay);
    assert.ok((await hidden.textContent()).includes(dayText), `${await hidden.textContent()} names ${dayText}`);
    await profile.context.setOffline(false);
    await waitForSynced(page);
    await session.locator('[data-testid="my-feedback"] [data-testid="waiting"]').waitFor({ state: "detached" });

    // A session whose week has passed with no answer from the other side says so, not "shows once…".
    const old = `Long ago ${Date.now().toString(36)}`;
    await page.fill("#session-date", taipei(-10 * 24 * 60).date);
    await page.fill("#session-time", "10:00");
    await page.fill("#session-agenda", old);
    await page.fill('[data-testid="past-notes"]', "Talked about the internship interview.");
    await page.click('[data-testid="schedule"]');
    const none = page.locator(`[data-testid="session"][data-agenda="${old}"] [data-testid="feedback-none"]`);
    await none.waitFor();
    const noneText = await catalogueText(page, "The week for feedback has passed");
    assert.equal((await none.textContent()).trim(), noneText.en);
    await page.selectOption('[data-testid="language"] >> nth=0', "zh-TW");
    await page.waitForFunction(() => document.documentElement.lang === "zh-TW");
    assert.equal((await none.textContent()).trim(), noneText.zh);
    await page.selectOption('[data-testid="language"] >> nth=0', "en");
    await page.waitForFunction(() => document.documentElement.lang === "en");

    const { page: mentorPage } = await signedInPage(DEMO.mentor.email);
    await mentorPage.click('nav a[href="/sessions"]');
    const mentorSession = mentorPage.locator(`[data-testid="session"][data-agenda="${agenda}"]`);
    await mentorSession.waitFor();
    assert.equal(await mentorSession.locator('[data-testid="their-feedback"]').count(), 0, "the student's answer stays hidden");
    await mentorSession.locator('[data-testid="feedback-hidden"]').waitFor();
    await mentorSession.locator('[data-testid="rate-5"]').check({ force: true });
    await mentorSession.locator('[data-testid="feedback-text"]').fill("Well prepared.");
    await mentorSession.locator('[data-testid="save-feedback"]').click();
    await mentorSession.locator('[data-testid="my-feedback"][data-rating="5"]').waitFor();
    await waitForSynced(mentorPage);
    // Syncing again brings the student's answer, now revealed.
    await mentorPage.locator('[data-testid="sync-status"]').click();
    await waitForSynced(mentorPage);
    await mentorPage.click('nav a[href="/sessions"]');
    await mentorSession.locator('[data-testid="their-feedback"][data-rating="4"]').waitFor({ timeout: 30_000 });
    assert.match(await mentorSession.locator('[data-testid="their-feedback"]').textContent(), /Clear advice on my CV\./);

    await page.locator('[data-testid="sync-status"]').click();
    await waitForSynced(page);
    await page.click('nav a[href="/sessions"]');
    await session.locator('[data-testid="their-feedback"][data-rating="5"]').waitFor({ timeout: 30_000 });
    assert.match(await session.locator('[data-testid="their-feedback"]').textContent(), /Well prepared\./);
  });

  test("workshop check-in: staff show a QR code; the student's phone opens it offline; attendance syncs later", { timeout: 180_000 }, async () => {
    // Staff create a workshop that started ten minutes before the fixed clock, and show its QR
    // code. (A laptop at the door: on a phone the tab bar would cover part of the code in a
    // screenshot.)
    const { page: staffPage } = await pageAt(AT_THE_DOOR, DEMO.staff.email, DESKTOP);
    await staffPage.click('nav a[href="/workshops"]');
    await staffPage.waitForSelector('[data-testid="workshop-form"]');
    const title = `Networking night ${uniqueId("qr")}`;
    const start = taipeiOf(new Date(AT_THE_DOOR.getTime() - 10 * 60_000));
    await staffPage.fill("#workshop-title", title);
    await staffPage.fill("#workshop-date", start.date);
    await staffPage.fill("#workshop-time", start.time);
    await staffPage.fill("#workshop-place", "NTU Global Lounge");
    await staffPage.click('[data-testid="create-workshop"]');
    const item = staffPage.locator('[data-testid="admin-workshop"]', { hasText: title });
    await item.waitFor();
    const workshopId = await item.getAttribute("data-workshop-id");
    await item.locator('[data-testid="show-qr"]').click();
    const qr = item.locator('[data-testid="qr"]');
    await qr.waitFor();
    await waitForSynced(staffPage);

    // Decode the QR code from its pixels, as a phone camera would.
    const shot = await qr.screenshot({ path: join(SCREENSHOTS, "staff-checkin-qr-desktop-en.png") });
    const png = PNG.sync.read(shot);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(decoded, "the QR code decodes");
    const link = new URL(decoded.data);
    assert.equal(link.pathname, "/checkin");
    assert.equal(link.searchParams.get("w"), workshopId);
    const code = link.searchParams.get("c");
    assert.equal(code, (await item.locator('[data-testid="qr-code-text"]').textContent()).trim());

    // The student's phone (same clock) has synced the workshop, then loses the network before
    // scanning.
    const { profile, page } = await pageAt(AT_THE_DOOR, DEMO.student.email);
    await waitForServiceWorker(page);
    await page.waitForSelector(`[data-testid="workshop"][data-workshop-id="${workshopId}"] [data-testid="checkin-link"]`);
    const attended = Number(await page.getAttribute('[data-testid="milestones"]', "data-attended"));
    await profile.context.setOffline(true);
    await page.goto(`${suite.worker.url}${link.pathname}${link.search}`);
    await page.waitForSelector('[data-testid="checkin-result"][data-outcome="done"]');
    await page.waitForSelector(`[data-testid="checkin"][data-checked-in="true"]`);
    // Opening the link again does not check in twice.
    await page.reload();
    await page.waitForSelector('[data-testid="checkin-result"][data-outcome="already"]');
    await page.goto(suite.worker.url);
    await page.waitForSelector(`[data-testid="milestones"][data-attended="${attended + 1}"]`);
    assert.equal(await page.getAttribute('[data-testid="sync-status"]', "data-pending"), "1");

    await profile.context.setOffline(false);
    await waitForSynced(page);
    const attendance = await staffRead(STUDENT_SPACE, "attendance", workshopId);
    assert.ok(attendance?.checked_in_at, JSON.stringify(attendance));
    assert.equal(Date.parse(attendance.checked_in_at), AT_THE_DOOR.getTime(), "checked in when the phone scanned the code");
    // Staff see the student on the workshop's attendance list after their next sync.
    await staffPage.locator('[data-testid="sync-status"]').click();
    await waitForSynced(staffPage);
    await staffPage.click('nav a[href="/workshops"]');
    const list = staffPage.locator(`[data-testid="admin-workshop"][data-workshop-id="${workshopId}"] [data-testid="attendance-list"]`);
    await staffPage.waitForSelector(`[data-testid="admin-workshop"][data-workshop-id="${workshopId}"] [data-testid="attendance-list"][data-count="1"]`);
    await list.locator("summary").click();
    await list.locator(`[data-testid="attendee"][data-student="${DEMO.student.id}"]`).waitFor();
  });

  test("wrong check-in code is refused: inside the workshop's check-in time a wrong code is refused with the app's reason, the right one accepted", { timeout: 180_000 }, async () => {
    // A workshop starting 30 minutes after the fixed clock: its check-in is open (from two hours
    // before it starts), so only the code can make the difference. Its code is set by staff.
    const student = { email: "student179@demo.imp", id: "s-179" };
    const space = `student:${student.id}`;
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const workshopId = uniqueId("workshop");
    const title = `CV clinic ${workshopId}`;
    const RIGHT = "K7PQ2MXA";
    const WRONG = "Z9Z9Z9Z9";
    const created = await staff.push("program", uniqueId("staff"), [{ seq: 1, mutation: { type: "create", id: workshopId, record: { kind: "workshop", fields: {
      title, starts_at: new Date(AT_THE_DOOR.getTime() + 30 * 60_000).toISOString(), duration_minutes: 90, place: "NTU Global Lounge", capacity: 40,
    } } } }]);
    assert.equal(created.json?.verdicts[0].verdict.status, "ok", created.text);
    const coded = await staff.push("staff", uniqueId("staff"), [{ seq: 1, mutation: { type: "create", id: workshopId, record: { kind: "checkin_code", fields: { code: RIGHT } } } }]);
    assert.equal(coded.json?.verdicts[0].verdict.status, "ok", coded.text);

    const { page } = await pageAt(AT_THE_DOOR, student.email);
    const status = page.locator('[data-testid="sync-status"]');
    // On the device the check-in is open by its clock, and the device cannot know the code: the
    // wrong code is taken, and waits for the server.
    await page.goto(`${suite.worker.url}/checkin?w=${workshopId}&c=${WRONG}`);
    await page.waitForSelector('[data-testid="checkin-result"][data-outcome="done"]');
    // Once the server has answered (nothing waits, nothing syncing), it has refused the check-in.
    await page.waitForSelector('[data-testid="sync-status"][data-pending="0"]:is([data-state="rejected"], [data-state="synced"])', { timeout: 30_000 });
    assert.equal(await status.getAttribute("data-rejected"), "1", "the server refused the check-in with the wrong code");
    assert.equal(await staffRead(space, "attendance", workshopId), undefined, "no attendance on the server");

    // Changes gives the app's reason: the code, not the time.
    await status.click();
    const refused = page.locator('[data-testid="rejected"]');
    await refused.waitFor();
    assert.equal(await refused.count(), 1);
    const wording = (lang, reason) => page.evaluate(async ([lang, reason]) => (await import("/pkg/imp_app.js")).refusal_text(lang, JSON.stringify(reason)), [lang, reason]);
    const wrongCode = { code: "rule", rule: "wrong_check_in_code" };
    const closed = { code: "rule", rule: { check_in_closed: { workshop: title } } };
    for (const lang of ["en", "zh-TW"]) {
      await setLanguage(page, lang);
      const expected = await wording(lang, wrongCode);
      assert.ok(expected.length > 0, `the app words the wrong-code refusal in ${lang}`);
      assert.notEqual(expected, await wording(lang, closed));
      assert.equal((await refused.locator('[data-testid="rejected-reason"]').textContent()).trim(), expected);
    }
    await setLanguage(page, "en");
    await refused.locator('[data-testid="dismiss-refused"]').click();
    await page.waitForSelector('[data-testid="sync-status"][data-rejected="0"]');

    // Same workshop, same moment: the right code, typed into the card, is accepted.
    await page.goto(`${suite.worker.url}/checkin?w=${workshopId}`);
    const card = page.locator(`[data-testid="checkin"][data-workshop-id="${workshopId}"][data-checked-in="false"]`);
    await card.waitFor();
    await card.locator('[data-testid="checkin-code"]').fill(RIGHT);
    await card.locator('[data-testid="checkin-submit"]').click();
    await page.waitForSelector('[data-testid="checkin-result"][data-outcome="done"]');
    await waitForSynced(page);
    assert.equal(await status.getAttribute("data-rejected"), "0", "the right code is not refused");
    const attendance = await staffRead(space, "attendance", workshopId);
    assert.equal(Date.parse(attendance?.checked_in_at), AT_THE_DOOR.getTime(), JSON.stringify(attendance));
    await page.waitForSelector(`[data-testid="checkin"][data-workshop-id="${workshopId}"][data-checked-in="true"]`);
  });
});
