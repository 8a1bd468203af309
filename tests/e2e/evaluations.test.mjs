// End-to-end: evaluations and outcome surveys. The student's phone is set to the last weeks of
// their placement (counted from the day it really became active on the server, so the test
// never depends on today's date); offline, the inbox lists the self-assessment after the
// placement, what is typed survives a reload, its form refuses a missing required answer and keeps
// what was typed, the answers wait in the outbox through a reload, and once online they reach the server, the student's
// summary and staff's dashboard funnel, where the student's cohort counts one more student
// evaluated. Staff's template editor saves a new version that the mentor's form then asks.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO } from "../support/api.mjs";
import { axeViolations } from "../support/a11y.mjs";
import { pendingCount, signedInPage, waitForSynced } from "../support/app.mjs";
import { until } from "../support/worker.mjs";

const suite = seededSuite();
const SPACE = `student:${DEMO.student.id}`;
const DAY = 86_400_000;
const DESKTOP = { width: 1280, height: 900 };

/** The demo student's active placement, as the server holds it. */
async function placementOf(api) {
  const changes = await api.pullAll(SPACE);
  const placement = changes.find((c) => c.key.kind === "placement" && c.record && c.record.fields.state === "active");
  assert.ok(placement && placement.record.fields.started_at, "the demo student's placement is active");
  return placement;
}

/** The evaluated column of the funnel row of `cohort` on staff's dashboard. */
async function evaluatedIn(page, cohort) {
  const cell = page.locator(`[data-testid="funnel-cohort"] [data-testid="funnel-row"][data-group="${cohort}"] td[data-stage="evaluated"]`);
  await cell.waitFor();
  return Number(await cell.textContent());
}

describe("evaluations", { timeout: 900_000 }, () => {
  test("a self-assessment answered offline reaches the dashboard funnel", { timeout: 400_000 }, async () => {
    const studentApi = await new Api(suite.worker.url).login(DEMO.student.email);
    const placement = await placementOf(studentApi);
    const profile = (await studentApi.pullAll(SPACE)).find((c) => c.key.kind === "student_profile" && c.record);
    const cohort = String(profile.record.fields.cohort_year);
    // 175 days in: the closing evaluations opened at day 168 (two weeks before day 182).
    const late = new Date(Date.parse(placement.record.fields.started_at) + 175 * DAY);

    const staff = await signedInPage(suite.profiles, suite.worker.url, DEMO.staff.email, DESKTOP);
    const before = await evaluatedIn(staff.page, cohort);

    const student = await signedInPage(suite.profiles, suite.worker.url, DEMO.student.email, undefined, { at: late });
    await student.profile.context.setOffline(true);
    await student.page.waitForSelector('[data-testid="sync-status"][data-state="offline"]');
    await student.page.click('[data-testid="inbox-bell"]');
    const key = `evaluation:${DEMO.student.id}:ev-self_after-${placement.key.id}`;
    const item = student.page.locator(`[data-testid="inbox-item"][data-key="${key}"]`);
    await item.waitFor();
    await item.locator("a").click();
    await student.page.waitForSelector('[data-testid="evaluations-page"]');
    assert.equal(new URL(student.page.url()).pathname, "/evaluations");

    await student.page.click('[data-testid="evaluation-open-self_after"]');
    const form = student.page.locator('[data-testid="evaluation-form"]');
    await form.waitFor();
    assert.deepEqual(await axeViolations(student.page), []);
    // "What did you learn?" (required) left empty: refused where the person is, nothing queued.
    await form.locator('[data-testid="answer-goals_met"]').selectOption("4");
    await form.locator('[data-testid="answer-skills"]').selectOption("5");
    await form.locator('[data-testid="answer-stay"]').selectOption("yes");
    // A reload (offline) loses nothing typed: the form is open again with the answers.
    await student.page.reload();
    await form.waitFor();
    assert.equal(await form.locator('[data-testid="answer-skills"]').inputValue(), "5", "kept through a reload");
    await form.locator('[data-testid="evaluation-send"]').click();
    const refusal = student.page.locator('[data-testid="evaluation-form"] [data-testid="write-error"]');
    await refusal.waitFor();
    assert.match(await refusal.textContent(), /question 3/);
    assert.equal(await pendingCount(student.page), 0);
    assert.equal(await form.locator('[data-testid="answer-goals_met"]').inputValue(), "4", "the answers stay");

    const learned = "Reading a codebase I did not write, and asking early.";
    await form.locator('[data-testid="answer-learned"]').fill(learned);
    await form.locator('[data-testid="evaluation-send"]').click();
    await form.waitFor({ state: "detached" });
    const done = student.page.locator('[data-testid="evaluation-done-self_after"]');
    await done.waitFor();
    assert.ok((await done.textContent()).includes(learned));
    assert.equal(await pendingCount(student.page), 1, "waiting to sync");
    await student.page.reload();
    await student.page.locator('[data-testid="evaluation-done-self_after"]').waitFor();
    assert.ok(!(await student.page.isVisible('[data-testid="evaluation-open-self_after"]')), "no longer owed");

    // Online: it reaches the server with its author and the template it answered, then the
    // summary, then the dashboard.
    await student.profile.context.setOffline(false);
    await waitForSynced(student.page);
    const stored = (await studentApi.pullAll(SPACE)).find((c) => c.key.kind === "evaluation" && c.key.id === `ev-self_after-${placement.key.id}`);
    assert.ok(stored && stored.record, "the evaluation is on the server");
    assert.equal(stored.record.fields.author, DEMO.student.id);
    assert.equal(stored.record.fields.template_id, "evt-self_after-v1");
    assert.deepEqual(
      stored.record.fields.answers.map((a) => a.question),
      ["goals_met", "skills", "learned", "stay"],
    );
    const staffApi = await new Api(suite.worker.url).login(DEMO.staff.email);
    await until(async () => {
      const summary = (await staffApi.pullAll("staff")).find((c) => c.key.kind === "student_summary" && c.key.id === DEMO.student.id);
      return summary?.record?.fields.evaluations?.some((e) => e.kind === "self_after");
    }, { what: "the student's summary carries the evaluation" });
    await staff.page.reload();
    await waitForSynced(staff.page);
    assert.equal(await evaluatedIn(staff.page, cohort), before + 1, "one more student evaluated in their cohort");
    // Staff read the answers on the student's page.
    await staff.page.goto(`${suite.worker.url}/student?id=${DEMO.student.id}`);
    const answered = staff.page.locator('[data-testid="student-evaluations"] [data-testid="evaluation-done-self_after"]');
    await answered.waitFor();
    assert.ok((await answered.textContent()).includes(learned));
  });

  test("staff's new template version is what the mentor's form asks", { timeout: 300_000 }, async () => {
    const mentorApi = await new Api(suite.worker.url).login(DEMO.mentor.email);
    const placement = await placementOf(mentorApi);
    const staff = await signedInPage(suite.profiles, suite.worker.url, DEMO.staff.email, DESKTOP);
    await staff.page.goto(`${suite.worker.url}/evaluation-templates`);
    const card = staff.page.locator('[data-testid="template-mentor_midpoint"]');
    await card.waitFor();
    await card.locator('[data-testid="template-edit-mentor_midpoint"]').click();
    const form = staff.page.locator('[data-testid="template-form"]');
    await form.waitFor();
    const rows = await form.locator('[data-testid="template-question-form"]').count();
    await form.locator('[data-testid="template-add-question"]').click();
    await form.locator(`[data-testid="question-${rows}-id"]`).fill("teamwork");
    await form.locator(`[data-testid="question-${rows}-text"]`).fill("Works well with the team (1–5)");
    await form.locator(`[data-testid="question-${rows}-text-zh"]`).fill("團隊合作（1–5）");
    await form.locator(`[data-testid="question-${rows}-answer"]`).selectOption("scale");
    await form.locator('[data-testid="template-save"]').click();
    await form.waitFor({ state: "detached" });
    await waitForSynced(staff.page);
    const program = await mentorApi.pullAll("program");
    const v2 = program.find((c) => c.key.kind === "evaluation_template" && c.key.id === "evt-mentor_midpoint-v2");
    assert.ok(v2 && v2.record, "version 2 is in the program space");
    assert.equal(v2.record.fields.questions.at(-1).id, "teamwork");

    // The mentor, half way through the placement: the mid-point form asks version 2's questions.
    const middle = new Date(Date.parse(placement.record.fields.started_at) + 95 * DAY);
    const mentor = await signedInPage(suite.profiles, suite.worker.url, DEMO.mentor.email, undefined, { at: middle });
    await mentor.page.goto(`${suite.worker.url}/evaluations?mentee=${SPACE}`);
    await mentor.page.click('[data-testid="evaluation-open-mentor_midpoint"]');
    await mentor.page.locator('[data-testid="answer-teamwork"]').waitFor();
    assert.ok(!(await mentor.page.isVisible('[data-testid="evaluation-open-self_after"]')), "the student's own are not the mentor's to answer");
  });
});
