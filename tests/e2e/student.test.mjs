// End-to-end student flows, each done offline on a phone and then checked from the mentor's
// browser after sync.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { WorkerProcess } from "../support/worker.mjs";
import { PHONE, Profile } from "../support/browser.mjs";
import { DEMO } from "../support/api.mjs";
import { signIn, waitForServiceWorker, waitForSynced } from "../support/app.mjs";

let worker;
const profiles = [];

async function signedInPage(email) {
  const profile = new Profile(PHONE);
  await profile.open();
  profiles.push(profile);
  const page = await profile.context.newPage();
  await signIn(page, worker.url, email);
  await waitForSynced(page);
  return { profile, page };
}

before(async () => {
  worker = await WorkerProcess.start();
  const seeded = await fetch(`${worker.url}/api/v1/admin/seed`, { method: "POST", headers: { "content-length": "0" } });
  assert.equal(seeded.status, 200);
}, { timeout: 240_000 });

after(async () => {
  for (const profile of profiles) await profile.close();
  await worker?.stop();
});

describe("student flows, offline first", { timeout: 300_000 }, () => {
  test("mentoring sessions: schedule, log and cancel offline; the mentor sees them", { timeout: 150_000 }, async () => {
    const { profile, page } = await signedInPage(DEMO.student.email);
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

    await schedule(`Mock interview ${stamp}`, "2026-12-03", "14:30");
    await schedule(`Visa paperwork ${stamp}`, "2026-12-10", "09:00");
    const held = page.locator(`[data-testid="session"][data-agenda="Mock interview ${stamp}"]`);
    await held.locator('[data-testid="log-session"]').click();
    await held.locator('[data-testid="session-notes"]').fill("Practised self-introduction in Mandarin.");
    await held.locator('[data-testid="session-next-steps"]').fill("Send CV to two companies.");
    await held.locator('[data-testid="save-log"]').click();
    await page.waitForSelector(`[data-testid="session"][data-agenda="Mock interview ${stamp}"][data-state="completed"]`);
    const cancelled = page.locator(`[data-testid="session"][data-agenda="Visa paperwork ${stamp}"]`);
    await cancelled.locator('[data-testid="cancel-session"]').click();
    await page.waitForSelector(`[data-testid="session"][data-agenda="Visa paperwork ${stamp}"][data-state="cancelled"]`);
    assert.match(await held.textContent(), /Thu 3 Dec 2026 14:30/);
    await page.waitForSelector('[data-testid="sync-status"][data-pending="4"]');

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
});
