// End-to-end: the visa route chooser on a phone. A student whose placement starts after
// graduation is offered job-seeking residence with the note that they may work without a permit
// during that stay (and warned that the student permit cannot be used), in both languages; the
// texts expected come from the app's own wording. The browser's clock is fixed, so the test does
// not depend on today's date. Each proposed step shows where its rules come from.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO } from "../support/api.mjs";
import { catalogueText, signIn, waitForSynced, setLanguage } from "../support/app.mjs";

const suite = seededSuite();

const TODAY = new Date("2027-03-01T09:00:00Z");

async function appText(page, fn, ...args) {
  return page.evaluate(async ({ fn, args }) => (await import("/pkg/imp_app.js"))[fn](...args), { fn, args });
}

async function fillProfileDates(page, dates) {
  await page.click('nav a[href="/settings"]');
  await page.click('[data-testid="open-profile"]');
  await page.waitForSelector('[data-testid="profile-form"]');
  for (const [field, value] of Object.entries(dates)) {
    await page.fill(`[data-testid="${field}"]`, value);
  }
  await page.selectOption('[data-testid="degree-level"]', "master");
  await page.click('[data-testid="save-profile"]');
}

describe("visa route chooser", { timeout: 600_000 }, () => {
  test("a placement starting after graduation is offered job-seeking residence, permit-free, in both languages", { timeout: 180_000 }, async () => {
    const profile = await suite.profiles.open(PHONE);
    const page = await profile.context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.clock.setFixedTime(TODAY);
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);

    // A placement that ends before it starts is refused in place and nothing is saved.
    await fillProfileDates(page, { graduation: "2027-06-20", "placement-start": "2027-09-01", "placement-end": "2027-08-01" });
    const endBeforeStart = await catalogueText(page, "The end date is before the start date.");
    await page.waitForSelector(`.form-error:has-text("${endBeforeStart.en}")`);
    assert.equal(await page.inputValue('[data-testid="placement-end"]'), "2027-08-01", "the typed date is kept");

    await page.fill('[data-testid="placement-start"]', "2027-07-15");
    await page.fill('[data-testid="placement-end"]', "2027-12-31");
    await page.click('[data-testid="save-profile"]');
    await page.waitForSelector('[data-testid="profile-saved"]');

    await page.click('nav a[href="/visa"]');
    await page.waitForSelector('[data-testid="visa-advice"]');
    const proposals = () => page.$$eval('[data-testid="visa-proposal"]', (items) => items.map((item) => item.dataset.route));
    assert.deepEqual(await proposals(), ["job-seeking-residence"]);
    const why = JSON.stringify({ why: "work_after_graduation", graduation: "2027-06-20", stay_until: "2029-06-19" });
    for (const lang of ["en", "zh-TW"]) {
      await setLanguage(page, lang);
      const expected = await appText(page, "visa_why_text", lang, why);
      assert.ok(expected.length > 0);
      const shown = page.locator('[data-testid="visa-proposal"][data-route="job-seeking-residence"] [data-testid="visa-why"]');
      assert.equal((await shown.textContent()).trim(), expected, lang);
      const graduation = await appText(page, "format_date_text", lang, "2027-06-20");
      const start = await appText(page, "format_date_text", lang, "2027-07-15");
      const warning = (await page.textContent('[data-testid="visa-warning"]')).trim();
      assert.ok(warning.includes(graduation) && warning.includes(start), `${lang}: the timing trap is named: ${warning}`);
    }
    await setLanguage(page, "en");

    // Adding the proposed route puts its steps, with their sources, on the checklist.
    await page.click('[data-testid="visa-proposal"][data-route="job-seeking-residence"] [data-testid="add-proposed-route"]');
    const apply = page.locator('[data-testid="visa-step"][data-step-id="visa-job-seeking-residence-apply"]');
    await apply.waitFor();
    const checkedOn = await catalogueText(page, "Checked on");
    assert.ok((await apply.locator('[data-testid="step-sources"]').textContent()).includes(checkedOn.en));
    const hrefs = await apply.locator('[data-testid="step-source"]').evaluateAll((links) => links.map((a) => a.href));
    assert.ok(hrefs.length > 0 && hrefs.every((href) => href.startsWith("https://")), `official sources: ${hrefs}`);
    await page.waitForSelector('[data-testid="visa-proposal"][data-route="job-seeking-residence"] .pill');
    await waitForSynced(page);
    assert.deepEqual(errors, []);
  });

  test("staff correct a fee offline; after sync the student is offered the new version and keeps their progress", { timeout: 240_000 }, async () => {
    const student = await suite.profiles.open(PHONE);
    const page = await student.context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    await page.click('nav a[href="/visa"]');
    await page.click('[data-testid="visa-route"][data-route="graduate-points-work-permit"] [data-testid="add-route"]');
    const employerStep = page.locator('[data-testid="visa-step"][data-step-id="visa-graduate-points-work-permit-employer-applies"]');
    await employerStep.waitFor();
    assert.equal((await employerStep.locator('[data-testid="step-fee"]').textContent()).trim().endsWith("NT$500"), true);
    await employerStep.locator('[data-testid="step-state"]').selectOption("in_progress");
    await page.waitForSelector('[data-testid="visa-step"][data-step-id="visa-graduate-points-work-permit-employer-applies"][data-state="in_progress"]');
    await waitForSynced(page);

    // Staff correct the employer's fee with the network off, then come back online.
    const staffProfile = await suite.profiles.open(PHONE);
    const staffPage = await staffProfile.context.newPage();
    staffPage.on("pageerror", (error) => errors.push(error.message));
    await signIn(staffPage, suite.worker.url, DEMO.staff.email);
    await waitForSynced(staffPage);
    await staffPage.click('nav a[href="/program"]');
    await staffPage.click('[data-testid="open-visa-routes"]');
    await staffPage.click('[data-route="graduate-points-work-permit"] [data-testid="edit-route"]');
    await staffProfile.context.setOffline(true);
    await staffPage.fill('[data-testid="route-step"][data-step="employer-applies"] [data-testid="step-fee"]', "600");
    await staffPage.fill('[data-testid="route-changes"]', "The employer's fee is NT$600.");
    await staffPage.fill('[data-testid="route-changes-zh"]', "雇主規費為新臺幣 600 元。");
    await staffPage.click('[data-testid="save-route"]');
    await staffPage.waitForSelector('[data-testid="route-saved"]');
    await staffProfile.context.setOffline(false);
    await waitForSynced(staffPage);

    // The student's app learns of it at its next sync: the new version is offered with what changed.
    await page.reload();
    await page.waitForSelector('[data-testid="route-update"][data-route="graduate-points-work-permit"]');
    assert.equal((await page.textContent('[data-testid="route-update"] [data-testid="route-changes-shown"]')).trim(), "The employer's fee is NT$600.");
    await setLanguage(page, "zh-TW");
    await page.waitForFunction(() => document.querySelector('[data-testid="route-changes-shown"]')?.textContent.trim() === "雇主規費為新臺幣 600 元。");
    await setLanguage(page, "en");
    await page.click('[data-testid="route-update"] [data-testid="move-to-version"]');
    await page.waitForFunction(() => !document.querySelector('[data-testid="route-update"]'));
    await page.waitForFunction(() => document.querySelector('[data-testid="visa-step"][data-step-id="visa-graduate-points-work-permit-employer-applies"] [data-testid="step-fee"]')?.textContent.trim().endsWith("NT$600"));
    assert.equal(await employerStep.getAttribute("data-state"), "in_progress", "the student's progress is kept");
    await waitForSynced(page);
    assert.deepEqual(errors, []);
  });

  test("a mentor reads what a company must do to hire a graduate on each route, in both languages", { timeout: 120_000 }, async () => {
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const routes = (await staff.pullAll("program"))
      .filter((change) => change.key.kind === "visa_route" && change.record)
      .map((change) => change.record.fields.template);
    const points = routes.find((route) => route.id === "graduate-points-work-permit");
    const employerStep = points.steps.find((step) => step.id === "employer-applies");

    const profile = await suite.profiles.open(PHONE);
    const page = await profile.context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await signIn(page, suite.worker.url, DEMO.mentor.email);
    await waitForSynced(page);
    await page.click('nav a[href="/visa"]');
    await page.click('[data-testid="open-hiring"]');
    await page.waitForSelector('[data-testid="hiring-route"][data-route="graduate-points-work-permit"]');
    const step = page.locator('[data-testid="hiring-route"][data-route="graduate-points-work-permit"] [data-testid="hiring-step"][data-step="employer-applies"]');
    for (const lang of ["en", "zh-TW"]) {
      await setLanguage(page, lang);
      const title = lang === "en" ? employerStep.title : employerStep.title_zh;
      assert.equal((await step.locator(".item-title").textContent()).trim(), title, lang);
      assert.ok((await step.locator('[data-testid="hiring-due"]').textContent()).includes(`NT$${employerStep.fee_twd}`));
      // The graduate handles job-seeking residence alone: the company applies for nothing.
      await page.waitForSelector('[data-testid="hiring-route"][data-route="job-seeking-residence"] [data-testid="company-nothing"]');
    }
    await setLanguage(page, "en");
    assert.deepEqual(errors, []);
  });
});
