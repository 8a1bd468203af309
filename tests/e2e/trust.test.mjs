// End-to-end, on a phone: the app tells the truth about sync and never loses a word.
// - two idle tabs of one student stay quiet (only the leader tab syncs on the period), and a write
//   in one tab shows in the other within a second;
// - with the server failing, the badge says so (in both languages) within one attempt, and
//   recovers by itself;
// - a change refused on the device keeps the typed text in the form with the reason in 繁體中文;
//   a change the server refuses later keeps what the person typed in Changes, with its reason.
// Expected texts come from the app itself (its catalogue and wording), never from the host.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { ROOT, until } from "../support/worker.mjs";
import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { catalogueText, openTasks, setLanguage, signIn, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();
const SCREENSHOTS = join(ROOT, "tests", "screenshots");

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

/** How the app words a refusal (a verdict's `reason`) in a language. */
async function refusalText(page, lang, reason) {
  return page.evaluate(async ([lang, reason]) => (await import("/pkg/imp_app.js")).refusal_text(lang, JSON.stringify(reason)), [lang, reason]);
}

describe("sync tells the truth and keeps every word", { timeout: 400_000 }, () => {
  test("two idle tabs stay quiet; a write in one shows in the other within a second", { timeout: 120_000 }, async () => {
    const student = await suite.profiles.open(PHONE);
    const first = await student.context.newPage();
    await signIn(first, suite.worker.url, DEMO.student.email);
    await waitForSynced(first);
    const second = await student.context.newPage();
    await second.goto(suite.worker.url);
    await waitForSynced(second);
    await openTasks(first);
    await openTasks(second);

    const calls = [];
    student.context.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/api/")) calls.push(request.url());
    });
    // The measuring window itself: what two idle tabs send in 30 s (the period is 30 s).
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    assert.ok(calls.length <= 6, `two idle tabs made ${calls.length} API calls in 30 s:\n${calls.join("\n")}`);

    const title = `Written in one tab ${uniqueId("tab")}`;
    await first.fill('[data-testid="task-title"]', title);
    await first.click('[data-testid="add-task"]');
    await first.waitForSelector(`[data-testid="task"][data-title="${title}"]`);
    await second.waitForSelector(`[data-testid="task"][data-title="${title}"]`, { timeout: 1_000 });
  });

  test("a failing server shows on the badge in both languages within one attempt, and sync recovers", { timeout: 120_000 }, async () => {
    const student = await suite.profiles.open(PHONE);
    const page = await student.context.newPage();
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    const problem = await catalogueText(page, "The server has a problem");

    let answered = 0;
    await page.route("**/api/v1/spaces/**", (route) => {
      answered += 1;
      return route.fulfill({ status: answered % 2 ? 503 : 500, contentType: "application/json", body: '{"error":"unavailable","message":"down"}' });
    });
    // One attempt: tapping the badge syncs now (and opens Changes).
    await page.click('[data-testid="sync-status"]');
    await page.waitForSelector('[data-testid="sync-status"][data-state="server-error"]', { timeout: 10_000 });
    assert.ok(answered >= 1 && answered <= 2, `the badge changed after the first failed attempt (${answered} requests)`);
    const badge = page.locator('[data-testid="sync-status"]');
    assert.ok((await badge.textContent()).includes(problem.en), await badge.textContent());
    assert.ok(!(await badge.textContent()).includes("Up to date"));
    await page.waitForSelector('[data-testid="sync-problem"]');
    await setLanguage(page, "zh-TW");
    assert.ok((await badge.textContent()).includes(problem.zh), await badge.textContent());
    assert.equal(await page.textContent('[data-testid="sync-problem"]'), problem.zh);
    // Read in full on a phone: the badge wraps instead of cutting the sentence.
    const clipped = await badge.evaluate((element) => [...element.querySelectorAll("span")].some((span) => span.scrollWidth > span.clientWidth + 1));
    assert.equal(clipped, false, "the status is not cut off");
    await page.screenshot({ path: join(SCREENSHOTS, "sync-server-problem-phone-zh-TW.png") });

    // A second attempt fails too (500), and the badge still says so.
    const seen = answered;
    await page.click('[data-testid="retry-sync"]');
    await until(() => answered > seen, { what: "a retry" });
    await page.waitForSelector('[data-testid="sync-status"][data-state="server-error"]');

    // The server comes back: the backoff retries by itself.
    await page.unroute("**/api/v1/spaces/**");
    await page.waitForSelector('[data-testid="sync-status"][data-state="synced"]', { timeout: 30_000 });
    assert.equal(await page.locator('[data-testid="sync-problem"]').count(), 0);
    await setLanguage(page, "en");
  });

  test("a change refused on the device keeps the typed text, with the reason in 繁體中文", { timeout: 90_000 }, async () => {
    const student = await suite.profiles.open(PHONE);
    const page = await student.context.newPage();
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    await openTasks(page);
    await setLanguage(page, "zh-TW");
    const before = await page.locator('[data-testid="task"]').count();
    // A pasted text longer than a title may be (set as a script would, past the maxlength).
    const long = `Pasted ${"x".repeat(243)}`;
    await page.$eval('[data-testid="task-title"]', (input, value) => {
      input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }, long);
    await page.click('[data-testid="add-task"]');
    const expected = await refusalText(page, "zh-TW", { code: "invalid", field: "title", problem: { too_long: { length: 250, max: 200 } } });
    assert.ok(expected.length > 0 && !/[A-Za-z]{3}/.test(expected), expected);
    await page.waitForFunction((text) => [...document.querySelectorAll('[data-testid="write-error"]')].some((line) => line.textContent === text), expected);
    assert.equal(await page.inputValue('[data-testid="task-title"]'), long, "the form keeps the text");
    assert.equal(await page.locator('[data-testid="task"]').count(), before, "nothing was written");
    await setLanguage(page, "en");
  });

  test("a mentor sees only the controls the rules allow on a student's own task, and who can change it", { timeout: 90_000 }, async () => {
    const student = await new Api(suite.worker.url).login(DEMO.student.email);
    const space = `student:${DEMO.student.id}`;
    const title = `Student's own task ${uniqueId("own")}`;
    const pushed = await student.push(space, uniqueId("student"), [{ seq: 1, mutation: { type: "create", id: uniqueId("task"), record: { kind: "task", fields: { title, done: false } } } }]);
    assert.equal(pushed.json.verdicts[0].verdict.status, "ok", pushed.text);
    const pulled = await student.pull(space, uniqueId("check"));
    const name = pulled.json.changes.find((change) => change.key.kind === "student_profile").record.fields.display_name;

    const profile = await suite.profiles.open(PHONE);
    const page = await profile.context.newPage();
    await signIn(page, suite.worker.url, DEMO.mentor.email);
    await waitForSynced(page);
    await page.goto(`${suite.worker.url}/tasks?mentee=${encodeURIComponent(space)}`);
    const theirs = page.locator(`[data-testid="task"][data-title="${title}"]`);
    await theirs.waitFor();
    assert.equal(await theirs.locator('[data-testid="edit-task"]').count(), 0, "no Edit");
    assert.equal(await theirs.locator('[data-testid="delete-task"]').count(), 0, "no Delete");
    assert.ok(await theirs.locator('input[type="checkbox"]').isDisabled(), "no tick");
    assert.ok((await theirs.locator('[data-testid="read-only"]').textContent()).includes(name));
    await setLanguage(page, "zh-TW");
    const zh = await theirs.locator('[data-testid="read-only"]').textContent();
    assert.ok(zh.includes(name) && !/[A-Za-z]{3}/.test(zh.replace(name, "")), zh);
    await setLanguage(page, "en");

    // The mentor's own task keeps its controls, and they work.
    const mine = `From the mentor ${uniqueId("mine")}`;
    await page.fill('[data-testid="task-title"]', mine);
    await page.click('[data-testid="add-task"]');
    const own = page.locator(`[data-testid="task"][data-title="${mine}"]`);
    await own.waitFor();
    assert.equal(await own.locator('[data-testid="read-only"]').count(), 0);
    await own.locator('[data-testid="delete-task"]').click();
    assert.match(await page.textContent(".dialog"), /Delete this task\?/);
    await page.click('.dialog [data-testid="confirm"]');
    await page.waitForFunction((t) => !document.querySelector(`[data-testid="task"][data-title="${t}"]`), mine);
  });

  test("a change the server refuses later keeps what the person typed, with the reason in 繁體中文", { timeout: 120_000 }, async () => {
    // The mentor schedules a session that started an hour ago.
    const mentor = await new Api(suite.worker.url).login(DEMO.mentor.email);
    const space = `student:${DEMO.student.id}`;
    const sessionId = uniqueId("session");
    const agenda = `Refused log ${sessionId}`;
    const mentorClient = uniqueId("mentor");
    const created = await mentor.push(space, mentorClient, [{
      seq: 1,
      mutation: { type: "create", id: sessionId, record: { kind: "mentoring_session", fields: {
        starts_at: new Date(Date.now() - 3_600_000).toISOString(), time_zone: "Asia/Taipei", duration_minutes: 60,
        format: "video", location: "Google Meet", agenda, state: "scheduled",
      } } },
    }]);
    assert.equal(created.json.verdicts[0].verdict.status, "ok", created.text);

    const student = await suite.profiles.open(PHONE);
    const page = await student.context.newPage();
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    await page.click('nav a[href="/sessions"]');
    const session = page.locator(`[data-testid="session"][data-agenda="${agenda}"]`);
    await session.waitFor();

    // Offline, the student logs what happened; meanwhile the mentor cancels the session.
    await student.context.setOffline(true);
    const notes = `We practised the interview answers ${sessionId}`;
    await session.locator('[data-testid="log-session"]').click();
    await session.locator('[data-testid="session-notes"]').fill(notes);
    await session.locator('[data-testid="session-next-steps"]').fill("Send the CV on Friday.");
    await session.locator('[data-testid="save-log"]').click();
    await page.waitForSelector(`[data-testid="session"][data-agenda="${agenda}"][data-state="completed"]`);
    const cancelled = await mentor.push(space, mentorClient, [{ seq: 2, mutation: { type: "cancel_session", id: sessionId } }]);
    assert.equal(cancelled.json.verdicts[0].verdict.status, "ok", cancelled.text);

    await student.context.setOffline(false);
    await page.waitForSelector('[data-testid="sync-status"][data-rejected="1"]', { timeout: 30_000 });
    await setLanguage(page, "zh-TW");
    await page.click('[data-testid="sync-status"]');
    const refused = page.locator('[data-testid="rejected"]').last();
    await refused.waitFor();
    const expected = await refusalText(page, "zh-TW", { code: "illegal_transition", from: "cancelled", to: "completed" });
    assert.equal(await refused.locator('[data-testid="rejected-reason"]').textContent(), expected);
    assert.ok(!/[A-Za-z]{3}/.test(expected), expected);
    const what = await refused.locator('[data-testid="rejected-what"]').textContent();
    assert.ok(!/log_session|mentoring_session|session-/.test(what), `no wire names or ids: ${what}`);
    const typed = await refused.locator('[data-testid="typed-text"]').allTextContents();
    assert.ok(typed.includes(notes), `the notes are kept: ${typed}`);
    assert.ok(typed.includes("Send the CV on Friday."));
    // The notes go on a new session like the cancelled one, and reach the server.
    await refused.locator('[data-testid="redo-refused"]').click();
    await page.waitForSelector('[data-testid="sync-status"][data-rejected="0"]');
    await page.click('nav a[href="/sessions"]');
    await page.waitForSelector(`[data-testid="session"][data-agenda="${agenda}"][data-state="cancelled"]`);
    await page.waitForSelector(`[data-testid="session"][data-agenda="${agenda}"][data-state="completed"]`);
    await waitForSynced(page);
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const pulled = await staff.pull(space, uniqueId("check"));
    const logged = pulled.json.changes.filter((change) => change.key.kind === "mentoring_session" && change.record?.fields.agenda === agenda);
    assert.deepEqual(logged.map((change) => change.record.fields.state).sort(), ["cancelled", "completed"]);
    assert.ok(logged.some((change) => change.record.fields.notes === notes), "the typed notes reached the server");
    await setLanguage(page, "en");
  });
});
