// End-to-end student flows, each done offline on a phone and then checked from the mentor's
// browser after sync.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { readFileSync } from "node:fs";
import { catalogueText, signedInPage as openSignedIn, pendingCount, waitForServiceWorker, waitForSynced } from "../support/app.mjs";
import { until } from "../support/worker.mjs";

const suite = seededSuite();
const signedInPage = (email, viewport, options) => openSignedIn(suite.profiles, suite.worker.url, email, viewport, options);

/** The student's clock in the sessions test: fixed at 09:00 in Taipei, in the past (the server
 *  lets a session be logged only once it has started by its own clock). */
const TODAY = new Date("2025-03-03T01:00:00Z");

describe("student flows, offline first", { timeout: 300_000 }, () => {
  test("mentoring sessions: schedule, log and cancel offline; the mentor sees them", { timeout: 150_000 }, async () => {
    const { profile, page } = await signedInPage(DEMO.student.email, undefined, { at: TODAY });
    await waitForServiceWorker(page);
    await page.click('nav a[href="/sessions"]');
    await page.waitForSelector('[data-testid="schedule-form"]');
    await profile.context.setOffline(true);

    const stamp = Date.now().toString(36);
    const schedule = async (agenda, date, time) => {
      await page.fill("#session-date", date);
      await page.fill("#session-time", time);
      await page.selectOption("#session-format", "video");
      await page.fill("#session-location", "Google Meet");
      await page.fill("#session-agenda", agenda);
      await page.click('[data-testid="schedule"]');
      await page.waitForSelector(`[data-testid="session"][data-agenda="${agenda}"]`);
    };
    // Empty date: a clear error, nothing written.
    const before = await page.locator('[data-testid="session"]').count();
    await page.fill("#session-date", "");
    await page.click('[data-testid="schedule"]');
    await page.waitForSelector("text=Choose a date.");
    assert.equal(await page.locator('[data-testid="session"]').count(), before);

    // Dates relative to the phone's fixed today, in Taipei: a session next week, and one two days ago.
    const taipei = (days) => new Date(TODAY.getTime() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    await schedule(`Visa paperwork ${stamp}`, taipei(8), "09:00");
    const upcoming = page.locator(`[data-testid="session"][data-agenda="Visa paperwork ${stamp}"]`);
    assert.equal(await upcoming.locator('[data-testid="log-session"]').count(), 0, "a session that has not happened cannot be logged");
    // The soonest coming session first, then the past ones, the latest first.
    const starts = await page.$$eval('[data-testid="session"]', (items) => items.map((item) => Date.parse(item.dataset.starts)));
    const now = TODAY.getTime();
    const coming = starts.filter((t) => t >= now);
    const past = starts.filter((t) => t < now);
    assert.deepEqual(starts, [...[...coming].sort((a, b) => a - b), ...[...past].sort((a, b) => b - a)]);

    // A time that has passed logs a past session, and needs what happened.
    await page.fill("#session-date", taipei(-2));
    await page.fill("#session-time", "14:30");
    await page.selectOption("#session-format", "video");
    await page.fill("#session-agenda", `Mock interview ${stamp}`);
    await page.waitForSelector('[data-testid="past-session-hint"]');
    await page.click('[data-testid="schedule"]');
    await page.waitForSelector("text=Write what happened in the session.");
    assert.equal(await page.locator(`[data-testid="session"][data-agenda="Mock interview ${stamp}"]`).count(), 0);
    await page.fill('[data-testid="past-notes"]', "Practised self-introduction in Mandarin.");
    await page.fill('[data-testid="past-next-steps"]', "Send CV to two companies.");
    await page.click('[data-testid="schedule"]');
    const held = page.locator(`[data-testid="session"][data-agenda="Mock interview ${stamp}"]`);
    await page.waitForSelector(`[data-testid="session"][data-agenda="Mock interview ${stamp}"][data-state="completed"]`);
    const cancelled = page.locator(`[data-testid="session"][data-agenda="Visa paperwork ${stamp}"]`);
    // Cancelling asks first; "Keep it" changes nothing.
    await cancelled.locator('[data-testid="cancel-session"]').click();
    await page.click('.dialog >> text=Keep it');
    assert.equal(await cancelled.getAttribute("data-state"), "scheduled");
    await cancelled.locator('[data-testid="cancel-session"]').click();
    assert.match(await page.textContent(".dialog"), /Cancel this session\?/);
    await page.click('.dialog [data-testid="confirm"]');
    await page.waitForSelector(`[data-testid="session"][data-agenda="Visa paperwork ${stamp}"][data-state="cancelled"]`);
    const heldDate = await page.evaluate(async (iso) => (await import("/pkg/imp_app.js")).format_date_text("en", iso), taipei(-2));
    assert.ok((await held.textContent()).includes(`${heldDate} 14:30`), await held.textContent());
    await page.waitForSelector('[data-testid="sync-status"][data-pending="3"]');

    await profile.context.setOffline(false);
    await waitForSynced(page);

    const { page: mentorPage } = await signedInPage(DEMO.mentor.email);
    await mentorPage.click('nav a[href="/sessions"]');
    const mentorHeld = mentorPage.locator(`[data-testid="session"][data-agenda="Mock interview ${stamp}"]`);
    await mentorHeld.waitFor();
    assert.equal(await mentorHeld.getAttribute("data-state"), "completed");
    assert.match(await mentorHeld.textContent(), /Practised self-introduction in Mandarin\./);
    assert.match(await mentorHeld.textContent(), /Send CV to two companies\./);
    assert.equal(await mentorPage.getAttribute(`[data-testid="session"][data-agenda="Visa paperwork ${stamp}"]`, "data-state"), "cancelled");
  });

  test("job applications: add and move cards offline; the mentor sees the board", { timeout: 150_000 }, async () => {
    const { profile, page } = await signedInPage(DEMO.student.email);
    await page.click('nav a[href="/jobs"]');
    await page.waitForSelector('[data-testid="job-board"]');
    await profile.context.setOffline(true);
    const stamp = Date.now().toString(36);
    const add = async (company, role) => {
      await page.fill("#job-company", company);
      await page.fill("#job-role", role);
      await page.click('[data-testid="add-application"]');
      await page.waitForSelector(`[data-testid="job"][data-company="${company}"]`);
    };
    await page.click('[data-testid="add-application"]');
    await page.waitForSelector("text=Enter the company and the role.");
    await add(`Formosa Chips ${stamp}`, "Process engineer");
    await add(`Harbor Logistics ${stamp}`, "Analyst");
    const card = (company) => page.locator(`[data-testid="job"][data-company="${company}"]`);
    await card(`Formosa Chips ${stamp}`).locator('[data-testid="move-interview"]').click();
    await page.waitForSelector(`[data-stage="interview"] [data-testid="job"][data-company="Formosa Chips ${stamp}"]`);
    await card(`Formosa Chips ${stamp}`).locator('[data-testid="move-offer"]').click();
    await page.waitForSelector(`[data-stage="offer"] [data-testid="job"][data-company="Formosa Chips ${stamp}"]`);
    await card(`Harbor Logistics ${stamp}`).locator('[data-testid="move-withdrawn"]').click();
    await page.waitForSelector(`[data-stage="withdrawn"] [data-testid="job"][data-company="Harbor Logistics ${stamp}"]`);
    assert.equal(await card(`Harbor Logistics ${stamp}`).locator("button").count(), 0, "a withdrawn card cannot move");
    await profile.context.setOffline(false);
    await waitForSynced(page);

    const { page: mentorPage } = await signedInPage(DEMO.mentor.email);
    await mentorPage.click('nav a[href="/jobs"]');
    await mentorPage.waitForSelector(`[data-stage="offer"] [data-testid="job"][data-company="Formosa Chips ${stamp}"]`);
    await mentorPage.waitForSelector(`[data-stage="withdrawn"] [data-testid="job"][data-company="Harbor Logistics ${stamp}"]`);
    assert.equal(await mentorPage.locator('[data-testid="add-application"]').count(), 0, "mentors read the board");
  });

  test("visa: a route picked offline becomes a dated checklist, the mentor sees progress, the calendar exports", { timeout: 150_000 }, async () => {
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const pulled = await staff.pull(`student:${DEMO.student.id}`, uniqueId("check"));
    const profile = pulled.json.changes.find((change) => change.key.kind === "student_profile").record.fields;
    // The due date is computed in UTC from ISO text, and written by the app's own formatter:
    // never the host's locale data (Node writes September as "Sept", the app "Sep").
    const dueIso = new Date(Date.parse(`${profile.graduation_date}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10);

    const { profile: browser, page } = await signedInPage(DEMO.student.email);
    const dueText = await page.evaluate(async (iso) => (await import("/pkg/imp_app.js")).format_date_text("en", iso), dueIso);
    assert.match(dueText, /^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}$/, `the app formats ${dueIso} as ${dueText}`);
    await page.click('nav a[href="/visa"]');
    await page.waitForSelector('[data-testid="visa-route"]');
    await browser.context.setOffline(true);
    await page.click('[data-testid="visa-route"][data-route="job-seeking-residence"] [data-testid="add-route"]');
    const apply = page.locator('[data-testid="visa-step"][data-step-id="visa-job-seeking-residence-apply"]');
    await apply.waitFor();
    assert.ok((await apply.textContent()).includes(dueText), `due ${dueText}: ${await apply.textContent()}`);
    await apply.locator('[data-testid="step-state"]').selectOption("in_progress");
    await page.waitForSelector('[data-testid="visa-step"][data-step-id="visa-job-seeking-residence-apply"][data-state="in_progress"]');

    // The calendar export works offline too: sessions, workshops and visa deadlines.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="export-calendar"]')]);
    assert.equal(download.suggestedFilename(), "imp-companion.ics");
    const ics = readFileSync(await download.path(), "utf8");
    assert.ok(ics.startsWith("BEGIN:VCALENDAR\r\n") && ics.trimEnd().endsWith("END:VCALENDAR"));
    assert.ok(!/[^\r]\n/.test(ics), "every line ends with CRLF");
    for (const line of ics.split("\r\n")) assert.ok(Buffer.byteLength(line) <= 75, `folded at 75 octets: ${line}`);
    const unfolded = ics.replace(/\r\n /g, "");
    assert.match(unfolded, /SUMMARY:Apply for job-seeking residence/i);
    assert.match(unfolded, /DTSTART;VALUE=DATE:\d{8}/);
    assert.ok((unfolded.match(/BEGIN:VEVENT/g) ?? []).length >= 4 + 1, "workshops and the visa deadlines are in it");
    assert.match(unfolded, /SUMMARY:Job search in Taiwan: where to start/);

    await browser.context.setOffline(false);
    await waitForSynced(page);
    await page.click('nav a[href="/"]');
    await page.waitForSelector('[data-testid="visa-deadlines"]');

    const { page: mentorPage } = await signedInPage(DEMO.mentor.email);
    await mentorPage.click('nav a[href="/visa"]');
    await mentorPage.waitForSelector('[data-testid="visa-step"][data-step-id="visa-job-seeking-residence-apply"][data-state="in_progress"]');
    assert.ok(await mentorPage.isDisabled('[data-testid="visa-step"][data-step-id="visa-job-seeking-residence-apply"] [data-testid="step-state"]'), "mentors read the checklist");

    // In 繁體中文 the phone shows the route's and the step's Chinese texts from the program's data.
    const programChanges = await staff.pullAll("program");
    const template = programChanges.find((change) => change.key.kind === "visa_route" && change.key.id === "job-seeking-residence").record.fields.template;
    const stepZh = template.steps.find((step) => step.id === "apply").title_zh;
    assert.ok(/\p{Script=Han}/u.test(template.name_zh) && /\p{Script=Han}/u.test(stepZh), `zh texts in the data: ${template.name_zh} / ${stepZh}`);
    await page.click('nav a[href="/visa"]');
    await page.waitForSelector('[data-testid="visa-route"]');
    await page.selectOption('[data-testid="language"] >> nth=0', "zh-TW");
    await page.waitForFunction(() => document.documentElement.lang === "zh-TW");
    const routeName = page.locator('[data-testid="visa-route"][data-route="job-seeking-residence"] [data-testid="route-name"]');
    assert.equal((await routeName.textContent()).trim(), template.name_zh);
    assert.equal((await apply.locator('[data-testid="step-title"]').textContent()).trim(), stepZh);
    await page.selectOption('[data-testid="language"] >> nth=0', "en");
    await page.waitForFunction(() => document.documentElement.lang === "en");
    assert.equal((await routeName.textContent()).trim(), template.name);
  });

  test("profile: fields edited offline merge with another person's edit of a different field", { timeout: 120_000 }, async () => {
    const { profile: browser, page } = await signedInPage(DEMO.student.email);
    await page.click('nav a[href="/settings"]');
    await page.click('[data-testid="open-profile"]');
    await page.waitForSelector('[data-testid="profile-form"]');
    await browser.context.setOffline(true);
    // A level out of range is explained in words, and nothing is saved or cleared.
    await page.fill('[data-testid="mandarin"]', "9");
    await page.click('[data-testid="save-profile"]');
    await page.waitForSelector("text=Enter a Mandarin level from 0 to 6 (TOCFL), or leave it empty.");
    assert.equal(await page.inputValue('[data-testid="mandarin"]'), "9", "the typed level stays");
    assert.equal(await pendingCount(page), 0);
    await page.fill('[data-testid="mandarin"]', "2");
    await page.fill('[data-testid="arc"]', "2027-08-31");
    await page.click('[data-testid="save-profile"]');
    await page.waitForSelector('[data-testid="profile-saved"]');
    await page.waitForSelector('[data-testid="sync-status"][data-pending="1"]');
    // Waiting to sync, like every other change.
    await page.waitForSelector('.card h2 [data-testid="waiting"]');
    // Meanwhile staff correct the department (a different field) from their own device.
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const fixed = await staff.push(`student:${DEMO.student.id}`, uniqueId("staff"), [
      { seq: 1, mutation: { type: "update", id: DEMO.student.id, patch: { kind: "student_profile", fields: { department: "Graduate Institute of Networking" } } } },
    ]);
    assert.equal(fixed.json.verdicts[0].verdict.status, "ok");
    await browser.context.setOffline(false);
    await waitForSynced(page);
    assert.equal(await page.inputValue('[data-testid="department"]'), "Graduate Institute of Networking");

    const { page: mentorPage } = await signedInPage(DEMO.mentor.email);
    await mentorPage.goto(`${suite.worker.url}/profile`);
    await mentorPage.waitForSelector('[data-testid="profile-form"]');
    assert.equal(await mentorPage.inputValue('[data-testid="mandarin"]'), "2");
    assert.equal(await mentorPage.inputValue('[data-testid="arc"]'), "2027-08-31");
    assert.equal(await mentorPage.inputValue('[data-testid="department"]'), "Graduate Institute of Networking");
    assert.ok(await mentorPage.isDisabled('[data-testid="mandarin"]'), "mentors read the profile");
  });

  test("goals: a goal and its task made offline show progress; the mentor adds a task under it", { timeout: 150_000 }, async () => {
    const { profile: browser, page } = await signedInPage(DEMO.student.email);
    await page.click('nav a[href="/tasks"]');
    await page.waitForSelector('[data-testid="goal-form"]');
    await browser.context.setOffline(true);
    const goal = `Pass TOCFL level 4 ${Date.now().toString(36)}`;
    await page.click('[data-testid="add-goal"]');
    await page.waitForSelector("text=Give the goal a title.");
    await page.fill("#goal-title", goal);
    await page.fill("#goal-target", "2027-03-31");
    await page.fill("#goal-criteria", "Certificate in hand");
    await page.click('[data-testid="add-goal"]');
    await page.waitForSelector(`[data-testid="goal"][data-title="${goal}"][data-total="0"]`);
    const goalId = await page.$eval("#task-goal", (select, title) => [...select.options].find((o) => o.textContent === title).value, goal);
    await page.selectOption("#task-goal", goalId);
    await page.fill('[data-testid="task-title"]', `Mock exam for ${goal}`);
    await page.click('[data-testid="add-task"]');
    await page.locator(`[data-testid="task"][data-title="Mock exam for ${goal}"] input[type=checkbox]`).click();
    await page.waitForSelector(`[data-testid="goal"][data-title="${goal}"][data-done="1"][data-total="1"]`);
    await browser.context.setOffline(false);
    await waitForSynced(page);

    const { page: mentorPage } = await signedInPage(DEMO.mentor.email);
    await mentorPage.click('nav a[href="/tasks"]');
    await mentorPage.waitForSelector(`[data-testid="goal"][data-title="${goal}"][data-done="1"][data-total="1"]`);
    assert.equal(await mentorPage.locator('[data-testid="goal-form"]').count(), 0, "goals are the student's to set");
    await mentorPage.selectOption("#task-goal", goalId);
    await mentorPage.fill('[data-testid="task-title"]', `Vocabulary list for ${goal}`);
    await mentorPage.click('[data-testid="add-task"]');
    await mentorPage.waitForSelector(`[data-testid="goal"][data-title="${goal}"][data-done="1"][data-total="2"]`);
    await waitForSynced(mentorPage);

    await page.locator('[data-testid="sync-status"]').click();
    await page.click('nav a[href="/tasks"]');
    await page.waitForSelector(`[data-testid="goal"][data-title="${goal}"][data-done="1"][data-total="2"]`, { timeout: 30_000 });
  });

  test("workshops: an RSVP given offline reaches the server; taking it back works too", { timeout: 120_000 }, async () => {
    const { profile: browser, page } = await signedInPage(DEMO.student.email);
    // The first workshop the student has not answered (another test here may have answered one).
    const first = page.locator('[data-testid="workshop"][data-going="false"]').first();
    await first.waitFor();
    const workshopId = await first.getAttribute("data-workshop-id");
    const card = page.locator(`[data-testid="workshop"][data-workshop-id="${workshopId}"]`);
    await browser.context.setOffline(true);
    await card.locator('[data-testid="rsvp"]').click();
    await page.waitForSelector(`[data-testid="workshop"][data-workshop-id="${workshopId}"][data-going="true"]`);
    // Marked as waiting like every other change that has not reached the server.
    await card.locator('[data-testid="waiting"]').waitFor();
    await browser.context.setOffline(false);
    await waitForSynced(page);
    await card.locator('[data-testid="waiting"]').waitFor({ state: "detached" });
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const rsvp = async () => (await staff.pull(`student:${DEMO.student.id}`, uniqueId("check"))).json.changes
      .find((change) => change.key.kind === "rsvp" && change.key.id === workshopId)?.record?.fields;
    assert.deepEqual(await rsvp(), { going: true });
    await card.locator('[data-testid="rsvp"]').click();
    await page.waitForSelector(`[data-testid="workshop"][data-workshop-id="${workshopId}"][data-going="false"]`);
    await waitForSynced(page);
    assert.deepEqual(await rsvp(), { going: false });
  });

  test("workshops: a student sees the seats left drop by one as they say they come (offline too); staff see Going N / capacity", { timeout: 120_000 }, async () => {
    const { profile: browser, page } = await signedInPage(DEMO.student.email);
    // The second workshop coming up: the demo student has not answered it.
    const second = page.locator('[data-testid="workshop"][data-going="false"]').nth(1);
    await second.waitFor();
    const workshopId = await second.getAttribute("data-workshop-id");
    const card = `[data-testid="workshop"][data-workshop-id="${workshopId}"]`;
    const seats = page.locator(`${card} [data-testid="seats-left"]`);
    const before = Number(await seats.getAttribute("data-seats"));
    const capacity = Number(await seats.getAttribute("data-capacity"));
    assert.ok(before > 0 && before <= capacity, `${before} of ${capacity}`);

    // Worded from the app's own catalogue, in the page's language.
    const lang = await page.evaluate(() => document.documentElement.lang);
    const zh = lang.startsWith("zh");
    const seatsLeft = await catalogueText(page, "Seats left");
    const seatsText = (n) => (zh ? `${seatsLeft.zh}：${n}` : `${seatsLeft.en}: ${n}`);
    assert.equal((await seats.textContent()).trim(), seatsText(before));

    // Offline, the student's own answer counts at once.
    await browser.context.setOffline(true);
    await page.locator(`${card} [data-testid="rsvp"]`).click();
    await page.waitForSelector(`${card}[data-going="true"] [data-testid="seats-left"][data-seats="${before - 1}"]`);
    assert.equal((await page.locator(`${card} [data-testid="seats-left"]`).textContent()).trim(), seatsText(before - 1));

    // Online: the server counts the answer into the workshop, and the number stays where it is.
    await browser.context.setOffline(false);
    await waitForSynced(page);
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const going = capacity - (before - 1);
    const pulledGoing = async () => {
      // The whole program space, following its pages.
      const client = uniqueId("going");
      let found;
      let cursor = 0;
      let snapshot = false;
      for (;;) {
        const pull = await staff.pull("program", client, cursor, 0, snapshot ? { snapshot: "true" } : {});
        assert.equal(pull.status, 200, pull.text);
        if (pull.json.reset) snapshot = true;
        const change = pull.json.changes.find((c) => c.key.kind === "workshop" && c.key.id === workshopId);
        if (change) found = change.record?.fields?.going;
        cursor = pull.json.cursor;
        if (!pull.json.more) return found;
      }
    };
    await until(async () => (await pulledGoing()) === going, { what: `workshop ${workshopId} going = ${going}`, intervalMs: 250 });
    await page.waitForSelector(`${card}[data-going="true"] [data-testid="seats-left"][data-seats="${before - 1}"]`);

    // Staff see how many are going, of the capacity.
    const { page: staffPage } = await signedInPage(DEMO.staff.email);
    await staffPage.click('nav a[href="/workshops"]');
    const line = staffPage.locator(`[data-testid="admin-workshop"][data-workshop-id="${workshopId}"] [data-testid="workshop-going"][data-going="${going}"][data-capacity="${capacity}"]`);
    await line.waitFor();
    const goingOf = await catalogueText(staffPage, "Going");
    const staffZh = (await staffPage.evaluate(() => document.documentElement.lang)).startsWith("zh");
    assert.equal((await line.textContent()).trim(), `${staffZh ? goingOf.zh : goingOf.en} ${going} / ${capacity}`);
  });
});
