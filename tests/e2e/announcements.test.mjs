// End-to-end, on phones: staff announcements and staff notes, the two record kinds that had no
// screen. Staff publish news offline — a title left empty is refused in place and nothing is
// written — one to everyone and one to another cohort; after sync the student sees the news to
// everyone on their home screen and not the other cohort's, in both languages. Staff keep notes
// about a student on the student's page: added offline, corrected in place, and never readable by
// the student. Expected texts come from the app's own catalogue; axe checks both screens.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO } from "../support/api.mjs";
import { axeViolations } from "../support/a11y.mjs";
import { catalogueText, pendingCount, setLanguage, signIn, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();

/** A signed-in, synced phone page for `email`. */
async function phonePage(email) {
  const profile = await suite.profiles.open(PHONE);
  const page = await profile.context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await signIn(page, suite.worker.url, email);
  await waitForSynced(page);
  return { profile, page, errors };
}

/** The student's cohort year, as the server holds their profile. */
async function studentCohort() {
  const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
  const changes = await staff.pullAll(`student:${DEMO.student.id}`);
  const profile = changes.find((change) => change.key.kind === "student_profile");
  assert.ok(profile, "the demo student has a profile");
  return profile.record.fields.cohort_year;
}

describe("announcements and staff notes", { timeout: 600_000 }, () => {
  test("staff publish news offline; the student reads what is for them, in both languages", { timeout: 300_000 }, async () => {
    const cohort = await studentCohort();
    const { profile, page, errors } = await phonePage(DEMO.staff.email);
    await page.click('nav a[href="/announcements"]');
    await page.waitForSelector('[data-testid="announcement-form"]');

    // Offline, a title left empty is refused where the person is, and nothing is written.
    await profile.context.setOffline(true);
    await page.waitForSelector('[data-testid="sync-status"][data-state="offline"]');
    const body = "The visa clinic moves to Room 204 on Friday.";
    await page.fill('[data-testid="announcement-body"]', body);
    await page.click('[data-testid="publish-announcement"]');
    const required = await catalogueText(page, "Give the announcement a title.");
    const errorLine = page.locator('[data-testid="write-error"]').first();
    await errorLine.filter({ hasText: required.en }).waitFor();
    assert.equal(await pendingCount(page), 0, "nothing written");
    assert.equal(await page.inputValue('[data-testid="announcement-body"]'), body, "the message is kept");
    assert.equal(await page.getAttribute('[data-testid="announcement-title"]', "aria-invalid"), "true");

    // To everyone: published offline, listed at once and waiting to sync; the form clears.
    const title = "Visa clinic moves";
    await page.fill('[data-testid="announcement-title"]', title);
    await page.click('[data-testid="publish-announcement"]');
    const item = page.locator('[data-testid="announcement"]').filter({ hasText: title });
    await item.waitFor();
    assert.equal(await page.inputValue('[data-testid="announcement-title"]'), "", "the form clears once written");
    assert.equal(await errorLine.textContent(), "");
    const everyone = await catalogueText(page, "Everyone in the program");
    assert.ok((await item.locator('[data-testid="announcement-meta"]').textContent()).includes(everyone.en));

    // To another cohort's students only.
    const other = await page.$$eval('[data-testid="announcement-for"] option', (options, year) =>
      options.map((option) => option.value).find((value) => value !== "" && value !== String(year)), cohort);
    assert.ok(other, "another cohort to write to");
    const otherTitle = "Ranking opens for the next cohort";
    await page.fill('[data-testid="announcement-title"]', otherTitle);
    await page.selectOption('[data-testid="announcement-for"]', other);
    await page.click('[data-testid="publish-announcement"]');
    await page.locator('[data-testid="announcement"]').filter({ hasText: otherTitle }).waitFor();
    assert.ok(await pendingCount(page) >= 2, "both wait to sync");

    // Corrected in place before it syncs: Edit, change the title, Save.
    // (By its id: while the edit is open the row shows fields, not its title.)
    const row = page.locator(`[data-testid="announcement"][data-id="${await item.getAttribute("data-id")}"]`);
    await row.locator('[data-testid="edit-announcement"]').click();
    const corrected = "Visa clinic moves to Room 204";
    await row.locator('[data-testid="edit-announcement-title"]').fill(corrected);
    await row.getByRole("button", { name: /^(Save|儲存)$/ }).click();
    await page.locator('[data-testid="announcement-title"]', { hasText: corrected }).first().waitFor();

    assert.deepEqual(await axeViolations(page), [], "the announcements screen is accessible");
    await setLanguage(page, "zh-TW");
    const heading = await catalogueText(page, "New announcement");
    assert.equal((await page.locator("main section.card h2.card-title").first().textContent()).trim(), heading.zh);
    assert.deepEqual(await axeViolations(page), [], "the announcements screen is accessible (zh-TW)");
    await setLanguage(page, "en");

    await profile.context.setOffline(false);
    await waitForSynced(page, 60_000);

    // The student sees the news to everyone on their home screen, not the other cohort's.
    const student = await phonePage(DEMO.student.email);
    const latest = student.page.locator('[data-testid="latest-announcements"]');
    await latest.waitFor();
    const shown = await latest.locator('[data-testid="home-announcement"] .item-title').allTextContents();
    assert.ok(shown.includes(corrected), `the corrected news is shown (${shown})`);
    assert.ok(!shown.includes(otherTitle), "another cohort's news is not");
    const fromProgram = await catalogueText(student.page, "From the program");
    assert.equal((await latest.locator("h2").textContent()).trim(), fromProgram.en);
    await setLanguage(student.page, "zh-TW");
    assert.equal((await latest.locator("h2").textContent()).trim(), fromProgram.zh);
    assert.deepEqual(await axeViolations(student.page), [], "the home screen is accessible with news");
    assert.deepEqual(errors, []);
    assert.deepEqual(student.errors, []);
  });

  test("staff keep notes about a student that only staff read", { timeout: 300_000 }, async () => {
    const { profile, page, errors } = await phonePage(DEMO.staff.email);
    await page.goto(`${suite.worker.url}/student?id=${DEMO.student.id}`);
    const notes = page.locator('[data-testid="staff-notes"]');
    await notes.waitFor();
    const help = await catalogueText(page, "Only staff see these notes");
    assert.ok((await notes.textContent()).includes(help.en), "the card says who reads it");

    await profile.context.setOffline(true);
    await page.waitForSelector('[data-testid="sync-status"][data-state="offline"]');
    await page.click('[data-testid="add-staff-note"]');
    const required = await catalogueText(page, "Write something first.");
    await notes.locator('[data-testid="write-error"]').filter({ hasText: required.en }).waitFor();
    assert.equal(await pendingCount(page), 0, "an empty note writes nothing");

    const text = "Called about the missing transcript; sending it Monday.";
    await page.fill('[data-testid="staff-note-text"]', text);
    await page.click('[data-testid="add-staff-note"]');
    const note = page.locator('[data-testid="staff-note"]').filter({ hasText: text });
    await note.waitFor();
    assert.equal(await page.inputValue('[data-testid="staff-note-text"]'), "");

    // Corrected in place; an emptied note is refused and keeps the edit open.
    const noteRow = page.locator(`[data-testid="staff-note"][data-id="${await note.getAttribute("data-id")}"]`);
    await noteRow.locator('[data-testid="edit-staff-note"]').click();
    const edit = page.locator('[data-testid="edit-staff-note-text"]');
    await edit.fill("   ");
    await page.locator('[data-testid="staff-note"]').getByRole("button", { name: /^(Save|儲存)$/ }).click();
    await page.locator('[data-testid="staff-note"] [data-testid="write-error"]').filter({ hasText: required.en }).waitFor();
    assert.ok(await edit.isVisible(), "the edit stays open");
    const corrected = "Called about the missing transcript; it arrived.";
    await edit.fill(corrected);
    await page.locator('[data-testid="staff-note"]').getByRole("button", { name: /^(Save|儲存)$/ }).click();
    await page.locator('[data-testid="staff-note-text-shown"]', { hasText: corrected }).waitFor();
    assert.deepEqual(await axeViolations(page), [], "the student page with notes is accessible");

    await profile.context.setOffline(false);
    await waitForSynced(page, 60_000);
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const stored = (await staff.pullAll("staff")).filter((change) => change.key.kind === "staff_note" && change.record);
    assert.ok(stored.some((change) => change.record.fields.text === corrected && change.record.fields.student_id === DEMO.student.id));

    // The student's pull of the staff space holds no notes.
    const student = await new Api(suite.worker.url).login(DEMO.student.email);
    const seen = (await student.pullAll("staff")).filter((change) => change.key.kind === "staff_note");
    assert.deepEqual(seen, [], "students never receive staff notes");
    assert.deepEqual(errors, []);
  });
});
