// End-to-end, with the pages' clocks fixed at Wednesday 10 March 2027, 09:00 in Taipei: staff
// handle a pair-health flag on their device and the mentor's card follows after sync. A visa step
// left overdue flags the pair; staff take it (the mentor's card says staff are on it), a
// resolution without a note is refused in place, and resolved with a note it leaves staff's
// queue at once and the mentor's card after sync. Students and mentors cannot write reviews.
import { test } from "node:test";
import assert from "node:assert/strict";

import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { catalogueText, signedInPage } from "../support/app.mjs";
import { until } from "../support/worker.mjs";

const suite = seededSuite();
const NOW = new Date("2027-03-10T01:00:00Z");
const SPACE = `student:${DEMO.student.id}`;

test("staff take and resolve a flag on one device; the mentor's card follows after sync", { timeout: 300_000 }, async () => {
  const student = await new Api(suite.worker.url).login(DEMO.student.email);
  const pushed = await student.push(SPACE, uniqueId("setup"), [{ seq: 1, mutation: {
    type: "create", id: uniqueId("overdue"),
    record: { kind: "visa_step", fields: { route: "work", title: "Renew the residence card", authority: "NIA", due_date: "2027-03-01", documents: [], state: "todo" } },
  } }]);
  assert.equal(pushed.json.verdicts[0].verdict.status, "ok", pushed.text);

  // Nobody but staff writes a review.
  for (const [who, email] of [["student", DEMO.student.email], ["mentor", DEMO.mentor.email]]) {
    const api = await new Api(suite.worker.url).login(email);
    const refused = await api.push(SPACE, uniqueId(who), [{ seq: 1, mutation: {
      type: "create", id: "visa_overdue",
      record: { kind: "flag_review", fields: { occurrence: "visa_overdue@1", state: "resolved", note: "mine" } },
    } }]);
    const verdict = refused.json.verdicts[0].verdict;
    assert.equal(verdict.status, "rejected", `${who}: ${refused.text}`);
    assert.equal(verdict.code, "forbidden", `${who}: ${refused.text}`);
  }

  const mentor = await signedInPage(suite.profiles, suite.worker.url, DEMO.mentor.email, undefined, { at: NOW });
  const card = mentor.page.locator('[data-testid="mentee"][data-name="Amara Patel"]');
  const mentorFlag = card.locator('[data-testid="pair-flag"][data-rule="visa_overdue"]');
  await mentorFlag.waitFor();
  assert.equal(await mentorFlag.locator('[data-testid="flag-taken"]').count(), 0, "nobody is on it yet");

  const staff = await signedInPage(suite.profiles, suite.worker.url, DEMO.staff.email, undefined, { at: NOW });
  const pair = staff.page.locator(`[data-testid="pairs-queue"] [data-testid="pair"][data-student="${DEMO.student.id}"]`);
  const staffFlag = pair.locator('[data-testid="pair-flag"][data-rule="visa_overdue"]');
  await staffFlag.waitFor({ timeout: 60_000 });

  // Staff take it: their queue says so at once, the mentor's card after sync.
  await staffFlag.locator('[data-testid="flag-handling"] summary').click();
  await staffFlag.locator('[data-testid="flag-take"]').click();
  const youHandle = await catalogueText(staff.page, "you are on it");
  await until(async () => (await staffFlag.locator('[data-testid="flag-taken"]').textContent())?.includes(youHandle.en), { what: "staff's own mark" });
  const staffOnIt = await catalogueText(mentor.page, "program staff are on it");
  await until(async () => {
    const taken = mentorFlag.locator('[data-testid="flag-taken"]');
    return (await taken.count()) > 0 && (await taken.textContent()).includes(staffOnIt.en);
  }, { timeoutMs: 60_000, what: "the mentor's card to say staff are on it" });

  // A resolution without a note is refused where staff are, and nothing changes.
  const staffFlagAgain = pair.locator('[data-testid="pair-flag"][data-rule="visa_overdue"]');
  const handling = staffFlagAgain.locator('[data-testid="flag-handling"]');
  if (!(await handling.evaluate((details) => details.open))) await handling.locator("summary").click();
  await handling.locator('[data-testid="flag-resolve"]').click();
  const needsNote = await catalogueText(staff.page, "Say what was done before resolving.");
  await until(async () => (await handling.locator('[data-testid="write-error"]').textContent())?.trim() === needsNote.en, { what: "the refusal" });
  assert.equal(await staffFlagAgain.count(), 1, "the flag stays");

  // Resolved with a note: gone from staff's queue at once, from the mentor's card after sync.
  await handling.locator('[data-testid="flag-note"]').fill("Called Amara: the card renewal is booked for 14 March.");
  await handling.locator('[data-testid="flag-resolve"]').click();
  await until(async () => (await staff.page.locator(`[data-testid="pair"][data-student="${DEMO.student.id}"] [data-testid="pair-flag"][data-rule="visa_overdue"]`).count()) === 0,
    { what: "the flag to leave staff's queue" });
  await until(async () => (await mentorFlag.count()) === 0, { timeoutMs: 60_000, what: "the flag to leave the mentor's card" });

  // The review is in the student's space as the server has it.
  const reviews = (await student.pullAll(SPACE)).filter((change) => change.key.kind === "flag_review" && change.record);
  assert.equal(reviews.length, 1, JSON.stringify(reviews));
  assert.equal(reviews[0].key.id, "visa_overdue");
  assert.equal(reviews[0].record.fields.state, "resolved");
  assert.equal(reviews[0].record.fields.note, "Called Amara: the card renewal is booked for 14 March.");
  assert.equal(reviews[0].record.fields.assignee, DEMO.staff.id);
});

test("a mentor ends the placement early with a reason, and staff read it on the student's page", { timeout: 300_000 }, async () => {
  const mentor = await signedInPage(suite.profiles, suite.worker.url, DEMO.mentor.email, undefined, { at: NOW });
  const card = mentor.page.locator('[data-testid="mentee"][data-name="Amara Patel"]');
  const end = card.locator('[data-testid="end-placement"]');
  await end.waitFor();
  await end.locator("summary").click();
  // Without a reason: refused in place, nothing written.
  await end.locator('[data-testid="end-placement-confirm"]').click();
  const needsReason = await catalogueText(mentor.page, "Say why the placement ends.");
  await until(async () => (await end.locator('[data-testid="write-error"]').textContent())?.trim() === needsReason.en, { what: "the refusal" });
  const reason = "The company moved the team to Hsinchu; Amara stays in Taipei.";
  await end.locator("textarea").fill(reason);
  await end.locator('[data-testid="end-placement-confirm"]').click();

  const student = await new Api(suite.worker.url).login(DEMO.student.email);
  const placement = await until(async () => {
    const changes = await student.pullAll(SPACE);
    return changes.find((change) => change.key.kind === "placement" && change.record?.fields.state === "ended_early");
  }, { timeoutMs: 60_000, what: "the placement to end on the server" });
  assert.equal(placement.record.fields.end_reason, reason);
  assert.equal(placement.record.fields.ended_by, DEMO.mentor.id);

  const staff = await signedInPage(suite.profiles, suite.worker.url, DEMO.staff.email, undefined, { at: NOW });
  await staff.page.goto(`${suite.worker.url}/student?id=${DEMO.student.id}`);
  const shown = staff.page.locator('[data-testid="student-placement"][data-state="ended_early"] [data-testid="placement-end-reason"]');
  await shown.waitFor({ timeout: 60_000 });
  assert.ok((await shown.textContent()).includes(reason), await shown.textContent());
});
