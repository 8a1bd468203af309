// End-to-end staff and concern flows: the dashboard's growth chart with the seeded numbers, the
// students CSV, and a concern a student raises offline reaching the staff inbox.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { DESKTOP, PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO } from "../support/api.mjs";
import { until } from "../support/worker.mjs";
import { catalogueText, signedInPage as openSignedIn, waitForSynced } from "../support/app.mjs";

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "..", "screenshots");
const suite = seededSuite();
const signedInPage = (email, viewport) => openSignedIn(suite.profiles, suite.worker.url, email, viewport);

/** A minimal RFC 4180 parser, to check the export as a spreadsheet would read it. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\r" && text[i + 1] === "\n") { row.push(field); rows.push(row); row = []; field = ""; i += 1; }
    else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

// Tests here change what others count (a matching round places students, an invite adds one, a
// new organization joins the program): figures that any of them can move are counted from the
// server's records when a test runs, so no test depends on which ran before it. The seed's own
// figures that no test changes are checked as they are.

/** Every live record of `space` as the server holds it now, by `"<kind> <id>"`. */
async function serverRecords(space) {
  const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
  const all = new Map();
  for (const change of await staff.pullAll(space)) {
    const key = `${change.key.kind} ${change.key.id}`;
    if (change.record) all.set(key, change.record.fields);
    else all.delete(key);
  }
  return all;
}

/** The fields of every record of `kind` in `records`. */
const ofKind = (records, kind) => [...records].filter(([key]) => key.startsWith(`${kind} `)).map(([, fields]) => fields);

/** Whether a student summary holds a placement that went ahead. */
const placed = (summary) => summary.placements.some((p) => ["confirmed", "active", "completed"].includes(p.state));

/** The current cohort's students still waiting for a placement, as the server has them now. */
async function waitingIn2024() {
  return ofKind(await serverRecords("staff"), "student_summary").filter((s) => s.cohort_year === 2024 && !placed(s)).length;
}

/** The browsers' fixed clock where a date matters (09:00 in Taipei). */
const TODAY = new Date("2025-03-03T01:00:00Z");

describe("staff", { timeout: 300_000 }, () => {
  test("the dashboard draws the program's growth from the seeded data", { timeout: 90_000 }, async () => {
    const { page } = await signedInPage(DEMO.staff.email);
    await page.waitForSelector('[data-testid="growth-chart"] g[data-year="2024"] rect');
    const bars = await page.$$eval('[data-testid="growth-chart"] g', (groups) =>
      groups.map((group) => [group.dataset.year, ...[...group.querySelectorAll("rect")].map((rect) => Number(rect.dataset.value))]));
    // 2024 as the server's records have it now (an invite or a new organization adds to it).
    const program = await serverRecords("program");
    const enrolled = ofKind(await serverRecords("staff"), "enrollment").map((e) => e.cohort_year);
    const now2024 = [
      ofKind(program, "organization").filter((o) => (o.cohort_years ?? []).includes(2024)).length,
      ofKind(program, "mentor_profile").filter((m) => (m.cohort_years ?? []).includes(2024)).length,
      enrolled.filter((year) => year <= 2024).length,
    ];
    assert.ok(now2024[0] >= 91 && now2024[1] >= 113 && now2024[2] >= 180, `the seed's 2024 is there: ${now2024}`);
    assert.deepEqual(bars, [["2022", 40, 51, 58], ["2023", 66, 82, 119], ["2024", ...now2024]]);
    const heights = await page.$$eval('[data-testid="growth-chart"] g[data-year="2024"] rect', (rects) => rects.map((rect) => Number(rect.getAttribute("height"))));
    assert.ok(heights[2] > heights[1] && heights[1] > heights[0], "bar heights follow the numbers");
    const box = await page.locator('[data-testid="growth-chart"]').boundingBox();
    assert.ok(box.width <= PHONE.viewport.width && box.width > 250, "the chart fits a phone");
  });

  test("the exports are RFC 4180 CSV with a BOM: students, placements, sessions, outcomes", { timeout: 90_000 }, async () => {
    const { page } = await signedInPage(DEMO.staff.email, DESKTOP);
    await page.waitForSelector('[data-testid="export-students"]');
    const exported = async (which) => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(`[data-testid="export-${which}"]`)]);
      assert.equal(download.suggestedFilename(), `imp-${which}.csv`);
      const text = readFileSync(await download.path(), "utf8");
      assert.equal(text.charCodeAt(0), 0xfeff, `${which} starts with a UTF-8 BOM`);
      const rows = parseCsv(text.slice(1));
      assert.ok(rows.slice(1).every((row) => row.length === rows[0].length), `${which}: every row has every column`);
      return rows;
    };
    // What the server holds when the exports are made: other tests may have invited or placed
    // students in the 2024 cohort.
    const summaries = ofKind(await serverRecords("staff"), "student_summary");
    const in2024 = summaries.filter((s) => s.cohort_year === 2024);
    assert.ok(in2024.length >= 61, `the seed's 61 students of 2024 (${in2024.length})`);
    const students = await exported("students");
    assert.deepEqual(students[0].slice(0, 4), ["student_id", "name", "cohort", "nationality"]);
    assert.equal(students.length, 1 + summaries.length);
    const cohorts = students.slice(1).reduce((counts, row) => ({ ...counts, [row[2]]: (counts[row[2]] ?? 0) + 1 }), {});
    assert.deepEqual(cohorts, { 2022: 58, 2023: 61, 2024: in2024.length });
    const me = students.find((row) => row[0] === DEMO.student.id);
    assert.equal(me[students[0].indexOf("placement_state")], "active");

    const placements = await exported("placements");
    assert.deepEqual(placements[0], ["student_id", "name", "cohort", "organization", "position", "mentor", "state"]);
    const held = summaries.flatMap((s) => s.placements);
    assert.equal(placements.length, 1 + held.length, "one row per placement");
    const states = placements.slice(1).reduce((counts, row) => ({ ...counts, [row[6]]: (counts[row[6]] ?? 0) + 1 }), {});
    // The seed's placements (no test here changes them), and whatever matching rounds added.
    const added = held.filter((p) => !["completed", "active"].includes(p.state))
      .reduce((counts, p) => ({ ...counts, [p.state]: (counts[p.state] ?? 0) + 1 }), {});
    assert.deepEqual(states, { completed: 119, active: 61 - 14, ...added });
    assert.ok(placements.some((row) => row[0] === DEMO.student.id && row[5] === "Chen Wei-Ting"));

    const sessions = await exported("sessions");
    assert.deepEqual(sessions[0], ["student_id", "name", "cohort", "month", "sessions_held"]);
    assert.ok(sessions.slice(1).every((row) => /^\d{4}-\d{2}$/.test(row[3]) && Number(row[4]) >= 1));

    const outcomes = await exported("outcomes");
    assert.deepEqual(outcomes[0], ["student_id", "name", "cohort", "employed", "in_taiwan", "visa_route"]);
    assert.equal(outcomes.length, 1 + 119, "the graduates of 2022 and 2023");
    assert.ok(outcomes.slice(1).every((row) => ["yes", "no"].includes(row[3]) && ["yes", "no"].includes(row[4])));
    assert.ok(outcomes.slice(1).every((row) => (row[4] === "yes") === (row[5] !== "")), "a route exactly for those who stayed");
  });

  test("the dashboard shows placements by state, sessions by month, attendance and outcomes", { timeout: 90_000 }, async () => {
    const { page } = await signedInPage(DEMO.staff.email);
    const value = async (testId, label) => Number(await page.getAttribute(`[data-testid="${testId}"][data-label="${label}"]`, "data-value"));
    await page.waitForSelector('[data-testid="placement-state"][data-label="Active"]');
    assert.equal(await value("placement-state", "Active"), 61 - 14);
    // 14 after the seed; a matching round or an invite elsewhere in this file changes it.
    assert.equal(await value("placement-state", "Waiting for a placement"), await waitingIn2024());
    assert.ok((await page.locator('[data-testid="sessions-month"]').count()) >= 2);
    const attendance = await page.$$eval('[data-testid="attendance"]', (rows) => rows.map((row) => Number(row.dataset.value)));
    assert.equal(attendance.length, 2, "the two past workshops");
    assert.ok(attendance.every((n) => n > 0));
    assert.equal(await page.textContent('[data-testid="graduates"]'), "119");
    const stayed = await page.$$eval('[data-testid="stayed-route"]', (rows) => rows.reduce((sum, row) => sum + Number(row.dataset.value), 0));
    assert.equal(String(stayed), await page.textContent('[data-testid="in-taiwan"]'));

    // The funnel: a row per cohort with every enrolled student of it, a row per route with every
    // student once; no stage counts more than the one before; its employed column adds up to the
    // outcomes card's count.
    const funnel = (table) => page.$$eval(`[data-testid="${table}"] [data-testid="funnel-row"]`, (rows) => rows.map((row) => ({
      group: row.dataset.group,
      reached: [...row.querySelectorAll("td")].map((cell) => ({ stage: cell.dataset.stage, n: Number(cell.textContent) })),
    })));
    const staffApi = await new Api(suite.worker.url).login(DEMO.staff.email);
    const cohorts = new Map();
    for (const change of (await staffApi.pullAll("staff")).filter((c) => c.key.kind === "student_summary" && c.record)) {
      const year = String(change.record.fields.cohort_year);
      cohorts.set(year, (cohorts.get(year) ?? 0) + 1);
    }
    const byCohort = await funnel("funnel-cohort");
    assert.deepEqual(byCohort.map((row) => row.group), [...cohorts.keys()].sort().reverse(), "the newest cohort first");
    for (const row of byCohort) {
      assert.deepEqual(row.reached.map((cell) => cell.stage), ["enrolled", "ranked", "matched", "started", "evaluated", "employed", "working_in_taiwan"]);
      assert.equal(row.reached[0].n, cohorts.get(row.group), `everyone of ${row.group}`);
      assert.ok(row.reached.every((cell, i) => i === 0 || cell.n <= row.reached[i - 1].n), JSON.stringify(row));
    }
    const byRoute = await funnel("funnel-route");
    const column = (rows, i) => rows.reduce((sum, row) => sum + row.reached[i].n, 0);
    assert.equal(column(byRoute, 0), column(byCohort, 0), "every student in one route row");
    assert.equal(String(column(byCohort, 5)), await page.textContent('[data-testid="employed"]'));
    assert.ok(column(byCohort, 3) > 0 && column(byCohort, 6) > 0, "the demo has started placements and graduates working in Taiwan");
    // Evaluated: at least every graduate whose mentor answered the final evaluation.
    const evaluated = (await staffApi.pullAll("staff"))
      .filter((c) => c.key.kind === "student_summary" && c.record)
      .filter((c) => c.record.fields.evaluations.some((e) => ["mentor_final", "self_after"].includes(e.kind))).length;
    assert.ok(evaluated > 0, "the demo's graduates have final evaluations");
    assert.ok(column(byCohort, 4) >= evaluated, "everyone evaluated counts at that stage");
  });

  test("a partner organization's one-page report: positions, mentors, the students placed there", { timeout: 120_000 }, async () => {
    const org = "org-001";
    const staffApi = await new Api(suite.worker.url).login(DEMO.staff.email);
    const program = (await staffApi.pullAll("program")).filter((c) => c.record);
    const positions = program.filter((c) => c.key.kind === "position" && c.record.fields.organization_id === org);
    const own = new Set(positions.map((c) => c.key.id));
    const open = positions.filter((c) => c.record.fields.open);
    const mentors = program.filter((c) => c.key.kind === "mentor_profile" && c.record.fields.organization_id === org);
    const placed = (await staffApi.pullAll("staff"))
      .filter((c) => c.key.kind === "student_summary" && c.record)
      .filter((c) => c.record.fields.placements.some((p) => own.has(p.position_id) && !["proposed", "withdrawn"].includes(p.state)))
      .map((c) => c.key.id);
    assert.ok(placed.length > 0, "the demo places students with its first organization");

    const { page } = await signedInPage(DEMO.staff.email, DESKTOP);
    await page.click('nav a[href="/program"]');
    const name = program.find((c) => c.key.kind === "organization" && c.key.id === org).record.fields.name;
    // The list pages: find it by name.
    await page.fill("#org-search", name);
    await page.locator('[data-testid="organization"]', { hasText: name }).locator('[data-testid="partner-report"]').click();
    await page.waitForSelector('[data-testid="partner-name"]');
    assert.equal(new URL(page.url()).search, `?id=${org}`);
    assert.equal((await page.textContent('[data-testid="partner-name"]')).trim(), name);
    const number = async (testId) => Number(await page.textContent(`[data-testid="${testId}"]`));
    assert.equal(await number("partner-positions"), positions.length);
    assert.equal(await number("partner-open"), open.length);
    assert.equal(await number("partner-places"), open.reduce((sum, c) => sum + c.record.fields.slots, 0));
    assert.equal(await number("partner-mentors"), mentors.length);
    assert.equal(await number("partner-placed"), placed.length);
    const listed = await page.$$eval('[data-testid="partner-student"]', (rows) => rows.map((row) => row.dataset.id));
    assert.deepEqual([...listed].sort(), [...placed].sort());
    // A student's name opens what staff know of them.
    await page.locator('[data-testid="partner-student"] a').first().click();
    await page.waitForSelector('[data-testid="student-name"]');
    assert.equal(new URL(page.url()).searchParams.get("id"), listed[0]);
  });

  test("a concern raised offline by a student reaches the staff inbox", { timeout: 120_000 }, async () => {
    const { profile, page } = await signedInPage(DEMO.student.email);
    await page.click('nav a[href="/settings"]');
    await page.click('[data-testid="open-concern"]');
    await page.waitForSelector('[data-testid="concern-form"]');
    await profile.context.setOffline(true);
    await page.click('[data-testid="send-concern"]');
    await page.waitForSelector("text=Describe the concern.");
    const text = `My lease ends before my ARC renewal ${Date.now().toString(36)}`;
    const sentAfter = new Date();
    await page.selectOption("#concern-topic", "housing");
    await page.selectOption("#concern-priority", "urgent");
    await page.fill("#concern-text", text);
    await page.click('[data-testid="send-concern"]');
    await page.waitForSelector('[data-testid="concern-sent"]');
    await page.waitForSelector('[data-testid="sync-status"][data-pending="1"]');
    // Waiting on the device, it says so with the same marker as every other waiting item, and
    // keeps the person's words in view.
    const waiting = page.locator('[data-testid="concern-waiting"]', { hasText: text });
    await waiting.locator('[data-testid="waiting"]').waitFor();
    await profile.context.setOffline(false);
    await waitForSynced(page);
    const syncedBy = new Date();
    await page.waitForSelector('[data-testid="concern-waiting"]', { state: "detached" });
    assert.equal(await page.textContent('[data-testid="concern-sent"]'), (await catalogueText(page, "Sent: program staff")).en);

    const { page: staffPage } = await signedInPage(DEMO.staff.email);
    // The navigation counts the open concerns and leads to them: urgent first, the newest first.
    await staffPage.waitForSelector('nav a[href="/concerns"] [data-testid="open-concerns"]');
    await staffPage.click('nav a[href="/concerns"]');
    const concern = staffPage.locator('[data-testid="concern"]', { hasText: text });
    await concern.waitFor();
    const order = await staffPage.$$eval('[data-testid="concern"][data-state="open"]', (items) =>
      items.map((item) => ({ priority: ["low", "normal", "urgent"].indexOf(item.dataset.priority), at: item.querySelector("time")?.getAttribute("datetime") ?? "" })));
    assert.equal(await staffPage.locator('[data-testid="concern"]').first().getAttribute("data-concern-id"), await concern.getAttribute("data-concern-id"));
    for (let i = 1; i < order.length; i += 1) {
      const [a, b] = [order[i - 1], order[i]];
      assert.ok(a.priority > b.priority || (a.priority === b.priority && a.at >= b.at), `concern ${i} is out of order: ${JSON.stringify(order)}`);
    }
    const raised = await concern.locator('[data-testid="concern-raised"]').getAttribute("datetime");
    // Stamped by the server's clock when the push reached it: after the form was sent offline,
    // by the time the phone had synced (a second of slack for the clocks' rounding).
    assert.ok(Date.parse(raised) >= sentAfter.getTime() - 1_000 && Date.parse(raised) <= syncedBy.getTime() + 1_000,
      `raised at ${raised}, sent offline after ${sentAfter.toISOString()}, synced by ${syncedBy.toISOString()}`);
    assert.match(await concern.locator('[data-testid="concern-raised"]').textContent(), /^Raised .+ \d{2}:\d{2}$/);
    assert.match(await concern.textContent(), /Amara Patel · Housing/);
    assert.match(await concern.textContent(), /Urgent/);
    assert.match(await concern.locator('[data-testid="assignee"]').textContent(), /nobody yet/);
    await concern.locator('[data-testid="take-concern"]').click();
    await concern.locator('[data-testid="assignee"]', { hasText: "you" }).waitFor();
    await concern.locator('[data-testid="concern-notes"]').fill("Called the landlord; meeting on Friday.");
    await concern.locator('[data-testid="concern-notes"]').press("Tab");
    await concern.locator('[data-testid="notes-saved"]').waitFor();
    await concern.locator('[data-testid="concern-state"]').selectOption("in_progress");
    await staffPage.waitForSelector(`[data-testid="concern"][data-state="in_progress"]`);
    await waitForSynced(staffPage);
    // Another staff device sees who handles it and the notes.
    const { page: otherDesk } = await signedInPage(DEMO.staff.email, DESKTOP);
    const same = otherDesk.locator('[data-testid="concern"]', { hasText: text });
    await same.waitFor();
    assert.equal(await same.locator('[data-testid="concern-notes"]').inputValue(), "Called the landlord; meeting on Friday.");
    assert.match(await same.locator('[data-testid="assignee"]').textContent(), /you/);
    assert.equal(await same.getAttribute("data-state"), "in_progress");
    // The student's name opens what staff know of them.
    await same.locator('[data-testid="concern-student"]').click();
    await otherDesk.waitForSelector('[data-testid="student-name"]');
    assert.equal((await otherDesk.textContent('[data-testid="student-name"]')).trim(), "Amara Patel");
    assert.match(await otherDesk.textContent('[data-testid="student-profile"]'), /National Taiwan University/);
    // The student's app synced: the summary carries the day they were last active (UTC), which
    // the page words with the app's formatter.
    const staffApi = await new Api(suite.worker.url).login(DEMO.staff.email);
    const lastActive = await until(async () => {
      const changes = (await staffApi.pull("staff", "last-active")).json.changes;
      return changes.find((c) => c.key.kind === "student_summary" && c.key.id === DEMO.student.id)?.record?.fields?.health?.last_active;
    }, { what: "the summary's last active day" });
    const dayText = await otherDesk.evaluate(async (iso) => (await import("/pkg/imp_app.js")).format_date_text("en", iso), lastActive.slice(0, 10));
    assert.ok(dayText.length > 0, lastActive);
    await otherDesk.locator('[data-testid="student-last-active"]', { hasText: dayText }).waitFor();
    await otherDesk.waitForSelector('[data-testid="student-placement"][data-state="active"]');
  });

  test("a matching round on the demo cohort: propose, swap one, confirm; the student and the mentor see the placement", { timeout: 240_000 }, async () => {
    // 14 wait after the seed (an invite elsewhere in this file adds one).
    const waiting = await waitingIn2024();
    assert.ok(waiting >= 14, `${waiting} waiting`);
    const { page } = await signedInPage(DEMO.staff.email, DESKTOP);
    await page.click('nav a[href="/matching"]');
    await page.waitForSelector(`[data-testid="unplaced"][data-count="${waiting}"]`);
    await page.click('[data-testid="propose"]');
    const result = page.locator('[data-testid="round-result"]');
    await result.waitFor();
    const count = Number(await result.getAttribute("data-proposed"));
    assert.equal(count + Number(await result.getAttribute("data-unmatched")), waiting, "every waiting student is proposed or explained");
    assert.ok(count >= 10, `${count} proposals`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="proposal"][data-state="draft"]').length === n, count);
    const proposals = page.locator('[data-testid="proposal"][data-state="draft"]:not([data-mentor=""])');
    const first = await proposals.nth(0).evaluate((el) => ({ ...el.dataset }));
    const second = await proposals.nth(1).evaluate((el) => ({ ...el.dataset }));
    assert.match(await proposals.nth(0).locator('[data-testid="explanation"]').textContent(), /(1st|2nd|3rd|\dth) choice; .*the position has \d+ places?/);
    // Whoever did not get their first choice is told what became of it.
    const reasons = await page.$$eval('[data-testid="proposal"] [data-testid="explanation"]', (items) => items.map((item) => item.textContent));
    for (const reason of reasons.filter((text) => !text.startsWith("1st choice"))) {
      assert.match(reason, /1st choice('s \d+ places? went to \d+ other students?| is closed or has no places)/, reason);
    }

    // Swap the first two: each takes the other's position and mentor.
    await proposals.nth(0).locator('[data-testid="swap-with"]').selectOption(second.proposalId);
    const byId = (id) => page.locator(`[data-testid="proposal"][data-proposal-id="${id}"]`);
    await page.waitForFunction(([a, b, posA, posB]) =>
      document.querySelector(`[data-proposal-id="${a}"]`)?.dataset.position === posB
      && document.querySelector(`[data-proposal-id="${b}"]`)?.dataset.position === posA,
    [first.proposalId, second.proposalId, first.position, second.position]);
    assert.equal(await byId(first.proposalId).getAttribute("data-mentor"), second.mentor);
    assert.match(await byId(first.proposalId).locator('[data-testid="explanation"]').textContent(), /swapped by staff/);
    // The explanations are worded in the reader's language.
    const third = proposals.nth(2);
    await page.selectOption('[data-testid="language"] >> nth=0', "zh-TW");
    assert.match(await third.locator('[data-testid="explanation"]').textContent(), /^第 \d 志願；.*職缺共 \d+ 個名額/);
    assert.match(await byId(first.proposalId).locator('[data-testid="explanation"]').textContent(), /計畫人員已與 .+ 交換/);
    await page.selectOption('[data-testid="language"] >> nth=0', "en");

    // Proposals without a mentor (the organization's mentors are full) wait for staff to find one.
    const withMentor = await page.$$eval('[data-testid="proposal"][data-state="draft"]', (items) => items.filter((item) => item.dataset.mentor !== "").length);
    assert.ok(withMentor >= 5, `${withMentor} proposals with a mentor`);
    await page.click('[data-testid="confirm-all"]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="proposal"][data-state="confirmed"]').length === n, withMentor);
    assert.equal(await page.locator('[data-testid="proposal"][data-state="draft"]:not([data-mentor=""])').count(), 0);

    // No dead end: staff choose a mentor from elsewhere for one of them, seeing the room each has.
    const lonely = page.locator('[data-testid="proposal"][data-state="draft"][data-mentor=""]').first();
    const lonelyId = await lonely.getAttribute("data-proposal-id");
    const picker = lonely.locator('[data-testid="pick-mentor"]');
    const offered = await picker.locator("option[value]:not([value=''])").evaluateAll((options) =>
      options.map((option) => ({ id: option.value, free: Number(option.dataset.free), text: option.textContent })));
    assert.ok(offered.length >= 1, "mentors with room are offered");
    assert.ok(offered.every((o) => o.free >= 1 && new RegExp(`· ${o.free} of \\d+ places free$`).test(o.text)), JSON.stringify(offered));
    await picker.selectOption(offered[0].id);
    const chosen = byId(lonelyId);
    await page.waitForSelector(`[data-proposal-id="${lonelyId}"][data-mentor="${offered[0].id}"] [data-testid="mentor-by-staff"]`);
    assert.match(await chosen.locator('[data-testid="explanation"]').textContent(), /choice; (mentor speaks|mentor shares no language)/);
    await chosen.locator('[data-testid="confirm-proposal"]').click();
    await page.waitForSelector(`[data-proposal-id="${lonelyId}"][data-state="confirmed"]`);
    await waitForSynced(page, 60_000);
    await page.locator('[data-testid="sync-status"]').click();
    await waitForSynced(page, 60_000);
    await page.click('nav a[href="/matching"]');
    await page.waitForSelector(`[data-testid="unplaced"][data-count="${waiting - withMentor - 1}"]`, { timeout: 30_000 });

    // The swapped student and their (new) mentor see the placement after they sync.
    const studentEmail = `student${first.student.slice(2)}@demo.imp`;
    const mentorEmail = second.mentor === "m-001" ? "mentor@demo.imp" : `mentor${second.mentor.slice(2)}@demo.imp`;
    const { page: studentPage } = await signedInPage(studentEmail);
    await studentPage.waitForSelector('[data-testid="my-placement"] [data-testid="placement-mentor"]');
    const studentName = (await studentPage.textContent('[data-testid="user-name"]')).trim();
    const { page: mentorPage } = await signedInPage(mentorEmail);
    await mentorPage.waitForSelector(`[data-testid="mentees"] li:has-text("${studentName}")`);
  });

  test("long lists on a phone say how many they show, page with 'Show more' and filter by role, cohort and organization", { timeout: 180_000 }, async () => {
    const staffApi = await new Api(suite.worker.url).login(DEMO.staff.email);
    const accounts = (await staffApi.request("GET", "/api/v1/accounts")).json;
    const students = accounts.filter((a) => a.user.role === "student").length;
    const summaries = (await staffApi.pull("staff", "lists-summaries")).json.changes.filter((c) => c.key.kind === "student_summary");
    const cohort2024 = summaries.filter((c) => c.record.fields.cohort_year === 2024).length;
    assert.ok(accounts.length > 100 && students > 25 && cohort2024 > 25, `${accounts.length} accounts, ${students} students`);
    const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

    const { page } = await signedInPage(DEMO.staff.email);
    await page.goto(`${suite.worker.url}/people`);
    const people = page.locator('[data-testid="people-count"]');
    await page.waitForSelector(`[data-testid="people-count"][data-all="${accounts.length}"]`);
    assert.equal(await people.textContent(), `Showing 25 of ${accounts.length}`);
    assert.equal(await page.locator('[data-testid="account"]').count(), 25);
    await page.selectOption('[data-testid="people-role"]', "student");
    await page.waitForSelector(`[data-testid="people-count"][data-matching="${students}"]`);
    assert.equal(await people.textContent(), `Showing 25 of ${students} matching · ${accounts.length} in all`);
    await page.click('[data-testid="show-more"]');
    await page.waitForSelector(`[data-testid="people-count"][data-shown="${Math.min(50, students)}"]`);
    const roles = await page.$$eval('[data-testid="account"] .item-meta', (metas) => metas.map((m) => m.textContent.split(" · ").pop()));
    assert.ok(roles.every((role) => role === "Student"), roles.join());
    await page.selectOption('[data-testid="people-cohort"]', "2024");
    await page.waitForSelector(`[data-testid="people-count"][data-matching="${cohort2024}"][data-shown="25"]`);
    assert.ok(await noSideways(page), "People fits the phone");
    await page.screenshot({ path: join(SCREENSHOTS, "staff-people-filtered-phone-en.png"), fullPage: true });

    // Program: the cohort's 91 positions, 25 at a time, narrowed by organization; a slot count
    // that is not allowed is explained, not dropped.
    await page.goto(`${suite.worker.url}/program`);
    const positions = page.locator('[data-testid="positions-count"]');
    await page.waitForSelector('[data-testid="positions-count"][data-all="91"]');
    assert.equal(await positions.textContent(), "Showing 25 of 91");
    for (const shown of [50, 75, 91]) {
      await page.locator('[data-testid="program-positions"] [data-testid="show-more"]').click();
      await page.waitForSelector(`[data-testid="positions-count"][data-shown="${shown}"]`);
    }
    assert.equal(await page.locator('[data-testid="admin-position"]').count(), 91);
    assert.equal(await page.locator('[data-testid="program-positions"] [data-testid="show-more"]').count(), 0);
    const org = await page.locator('#position-admin-org option').nth(1).getAttribute("value");
    await page.selectOption("#position-admin-org", org);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="positions-count"]').dataset.matching) < 91);
    const inOrg = Number(await positions.getAttribute("data-matching"));
    assert.equal(await page.locator('[data-testid="admin-position"]').count(), Math.min(inOrg, 25));
    const edited = page.locator('[data-testid="admin-position"]').first();
    await edited.locator('[data-testid="edit-position"]').click();
    await edited.locator('[data-testid="position-slots"]').fill("0");
    await edited.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-testid="program-positions"] >> text=Enter a number of places from 1 to 100.');
    await page.selectOption('[data-testid="language"] >> nth=0', "zh-TW");
    await page.selectOption("#position-admin-org", "");
    await page.waitForSelector('[data-testid="positions-count"][data-matching="91"]');
    assert.equal(await positions.textContent(), "顯示 25 / 91 筆");
    assert.ok(await noSideways(page), "Program fits the phone");
    await page.screenshot({ path: join(SCREENSHOTS, "staff-program-positions-phone-zh-TW.png"), fullPage: true });
    await page.selectOption('[data-testid="language"] >> nth=0', "en");
  });

  test("people: staff invite a student by link and QR code, the student joins the cohort, and deactivating stops them", { timeout: 180_000 }, async () => {
    const { page } = await signedInPage(DEMO.staff.email, DESKTOP);
    const waitingSelector = '[data-testid="placement-state"][data-label="Waiting for a placement"]';
    await page.waitForSelector(waitingSelector);
    const waitingBefore = Number(await page.getAttribute(waitingSelector, "data-value"));
    await page.click('nav a[href="/people"]');
    await page.waitForSelector('[data-testid="account"]');
    const email = `new.student.${Date.now().toString(36)}@example.edu`;
    await page.fill("#invite-name", "Lan Nguyen");
    await page.fill("#invite-email", email);
    await page.selectOption("#invite-role", "student");
    // A student needs a cohort: a clear error, nothing created.
    await page.click('[data-testid="send-invite"]');
    await page.waitForSelector("text=Enter the student's cohort year.");
    await page.fill("#invite-cohort", "2024");
    await page.click('[data-testid="send-invite"]');
    const result = page.locator('[data-testid="invite-result"]');
    await result.waitFor();
    await result.locator('[data-testid="qr"]').waitFor();
    const link = await result.getAttribute("data-link");
    assert.match(link, /\/invite\?code=[0-9a-f]{32}$/);
    await page.fill('[data-testid="people-search"]', email);
    await page.waitForSelector(`[data-testid="account"][data-email="${email}"]`);

    // The student opens the link on their phone and sets a password.
    const profile = await suite.profiles.open(PHONE);
    const phone = await profile.context.newPage();
    await phone.goto(link);
    await phone.fill("#new-password", "a-long-new-password");
    await phone.click("button[type=submit]");
    await phone.waitForSelector('[data-testid="home-title"]');
    await waitForSynced(phone);
    assert.equal((await phone.textContent('[data-testid="user-name"]')).trim(), "Lan Nguyen");

    // Staff see them in the cohort, waiting for a placement.
    await page.locator('[data-testid="sync-status"]').click();
    await waitForSynced(page);
    await page.click('nav a[href="/"]');
    await page.waitForSelector(`${waitingSelector}[data-value="${waitingBefore + 1}"]`);
    await page.click('nav a[href="/people"]');
    await page.fill('[data-testid="people-search"]', "Lan Nguyen");
    const row = page.locator(`[data-testid="account"][data-email="${email}"]`);
    await row.locator('[data-testid="toggle-active"]').click();
    await page.waitForSelector(`[data-testid="account"][data-email="${email}"][data-active="false"]`);

    // Their next sync is refused and the sign-in screen shows; signing in again fails.
    await phone.locator('[data-testid="sync-status"]').click();
    await phone.waitForSelector("#password", { timeout: 30_000 });
    const again = await new Api(suite.worker.url).request("POST", "/api/v1/auth/login", { body: { email, password: "a-long-new-password" } });
    assert.equal(again.status, 401);
  });

  test("mentor: each mentee at a glance; a concern about a mentee, raised offline, reaches staff only", { timeout: 180_000 }, async () => {
    // The student's app syncs first: the server notes them active (protocol §8.1).
    const studentSpace = `student:${DEMO.student.id}`;
    const studentApi = await new Api(suite.worker.url).login(DEMO.student.email);
    const activity = (await studentApi.pullAll(studentSpace)).find((c) => c.key.kind === "activity" && c.key.id === DEMO.student.id);
    assert.ok(activity, "the student's pull noted them active");
    const { profile, page } = await signedInPage(DEMO.mentor.email);
    const card = page.locator('[data-testid="mentee"][data-name="Amara Patel"]');
    await card.waitFor();
    // "Last active" is the day in the program's zone (Asia/Taipei, UTC+8 all year), worded by
    // the app's own formatter.
    const day = new Date(Date.parse(activity.record.fields.at) + 8 * 3600_000).toISOString().slice(0, 10);
    const dayText = await page.evaluate(async (iso) => (await import("/pkg/imp_app.js")).format_date_text("en", iso), day);
    assert.ok(dayText.length > 0, day);
    await page.waitForFunction(
      ([name, text]) => document.querySelector(`[data-testid="mentee"][data-name="${name}"] [data-testid="mentee-last-active"]`)?.textContent === text,
      ["Amara Patel", dayText],
      { timeout: 30_000 },
    );
    assert.match(await card.locator('[data-testid="mentee-placement"]').textContent(), / · /);
    assert.match(await card.locator('[data-testid="mentee-next-session"]').textContent(), /\d{4} \d{2}:\d{2}/);
    assert.match(await card.locator('[data-testid="mentee-last-session"]').textContent(), /\d{4} \d{2}:\d{2}/, "the session held last month");
    assert.ok(Number(await card.locator('[data-testid="mentee-open-tasks"]').textContent()) >= 1);
    assert.match(await card.locator('[data-testid="mentee-deadline"]').textContent(), /days?/);
    // Mentors never see other mentors' mentees.
    const names = await page.$$eval('[data-testid="mentee"]', (cards) => cards.map((c) => c.dataset.name));
    const staffApi = await new Api(suite.worker.url).login(DEMO.staff.email);
    const summaries = (await staffApi.pull("staff", "check-mentees")).json.changes
      .filter((c) => c.key.kind === "student_summary")
      .filter((c) => c.record.fields.placements.some((p) => p.mentor_id === DEMO.mentor.id && ["confirmed", "active"].includes(p.state)))
      .map((c) => c.record.fields.display_name);
    assert.deepEqual([...names].sort(), [...summaries].sort());

    await profile.context.setOffline(true);
    await card.locator('[data-testid="mentee-concern"]').click();
    await page.waitForSelector("#concern-text");
    const text = `Mentor worry ${Date.now().toString(36)}: missed two sessions`;
    await page.fill("#concern-text", text);
    await page.click('[data-testid="send-concern"]');
    await page.waitForSelector('[data-testid="sync-status"][data-pending="1"]');
    // Waiting on the device, it says so with the same marker as every other waiting item, and
    // keeps the person's words in view.
    const waiting = page.locator('[data-testid="concern-waiting"]', { hasText: text });
    await waiting.locator('[data-testid="waiting"]').waitFor();
    await profile.context.setOffline(false);
    await waitForSynced(page);
    await page.waitForSelector('[data-testid="concern-waiting"]', { state: "detached" });
    assert.equal(await page.textContent('[data-testid="concern-sent"]'), (await catalogueText(page, "Sent: program staff")).en);

    const { page: staffPage } = await signedInPage(DEMO.staff.email);
    const concern = staffPage.locator('[data-testid="concern"]', { hasText: text });
    await concern.waitFor();
    assert.match(await concern.textContent(), /Amara Patel/);
    assert.equal((await studentApi.pull("staff", "peek")).json.changes.length, 0, "students never read the staff space");
  });

  test("program data: staff add and approve an organization, close a position, move the ranking deadline; students see it after sync", { timeout: 180_000 }, async () => {
    // The browsers' clocks are fixed: the new deadline is four weeks after their today, so the
    // student's round is open whatever the real date.
    const atToday = async (email, viewport) => (await openSignedIn(suite.profiles, suite.worker.url, email, viewport, { at: TODAY })).page;
    const deadline = new Date(TODAY.getTime() + 28 * 86_400_000).toISOString().slice(0, 10);
    const page = await atToday(DEMO.staff.email, DESKTOP);
    await page.click('nav a[href="/program"]');
    await page.waitForSelector('[data-testid="cohort"]');
    const name = `Formosa Test Labs ${Date.now().toString(36)}`;
    await page.fill("#new-org-name", name);
    await page.fill("#new-org-industry", "Software testing");
    await page.click('[data-testid="add-organization"]');
    await page.fill('[data-testid="org-search"]', name);
    const org = page.locator(`[data-testid="organization"][data-name="${name}"]`);
    await org.waitFor();
    assert.equal(await org.getAttribute("data-approved"), "false", "new organizations wait for approval");
    await org.locator('[data-testid="org-approved"]').check();
    await page.waitForSelector(`[data-testid="organization"][data-name="${name}"][data-approved="true"]`);

    const position = page.locator('[data-testid="admin-position"][data-open="true"]').first();
    const positionId = await position.getAttribute("data-position-id");
    await position.locator('[data-testid="position-open"]').uncheck();
    await page.waitForSelector(`[data-testid="admin-position"][data-position-id="${positionId}"][data-open="false"]`);
    const cohort2024 = page.locator('[data-testid="cohort"][data-cohort-id="cohort-2024"]');
    await cohort2024.locator('[data-testid="edit-cohort"]').click();
    await cohort2024.locator('[data-testid="cohort-deadline"]').fill(deadline);
    await cohort2024.locator('button[type="submit"]').click();
    await page.waitForSelector(`[data-testid="cohort"][data-cohort-id="cohort-2024"][data-deadline="${deadline}"]`);
    await waitForSynced(page);

    const staffApi = await new Api(suite.worker.url).login(DEMO.staff.email);
    const program = (await staffApi.pull("program", "check-program")).json.changes;
    const cohort = program.find((c) => c.key.kind === "cohort" && c.key.id === "cohort-2024").record.fields;
    // 23:59 in Taipei on that day.
    assert.equal(Date.parse(cohort.ranking_deadline), Date.parse(`${deadline}T15:59:00Z`), cohort.ranking_deadline);
    assert.equal(program.find((c) => c.key.kind === "position" && c.key.id === positionId).record.fields.open, false);
    assert.equal(program.find((c) => c.key.kind === "organization" && c.record?.fields.name === name).record.fields.approved, true);

    const studentPage = await atToday(DEMO.student.email, PHONE);
    await studentPage.goto(`${suite.worker.url}/positions`);
    await studentPage.waitForSelector('[data-testid="position"]');
    assert.equal(await studentPage.locator(`[data-testid="position"][data-position-id="${positionId}"]`).count(), 0, "a closed position is not offered");
    const dayText = await studentPage.evaluate(async (iso) => (await import("/pkg/imp_app.js")).format_date_text("en", iso), deadline);
    const ranking = studentPage.locator('[data-testid="my-ranking"][data-closed="false"]');
    await ranking.waitFor();
    assert.ok((await ranking.textContent()).includes(`${dayText} 23:59`), `${await ranking.textContent()} names ${dayText} 23:59`);
  });
});
