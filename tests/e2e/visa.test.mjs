// End-to-end: the visa route chooser on a phone. A student whose placement starts after
// graduation is offered job-seeking residence with the note that they may work without a permit
// during that stay (and warned that the student permit cannot be used), in both languages; the
// texts expected come from the app's own wording. The browser's clock is fixed, so the test does
// not depend on today's date. Each proposed step shows where its rules come from.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { WorkerProcess } from "../support/worker.mjs";
import { PHONE, Profiles } from "../support/browser.mjs";
import { DEMO } from "../support/api.mjs";
import { catalogueText, signIn, waitForSynced } from "../support/app.mjs";

let worker;
const profiles = new Profiles();

before(async () => {
  worker = await WorkerProcess.startSeeded();
}, { timeout: 240_000 });

after(async () => {
  await profiles.closeAll();
  await worker?.stop();
});

const TODAY = new Date("2027-03-01T09:00:00Z");

async function appText(page, fn, ...args) {
  return page.evaluate(async ({ fn, args }) => (await import("/pkg/imp_app.js"))[fn](...args), { fn, args });
}

async function setLanguage(page, tag) {
  await page.selectOption('[data-testid="language"] >> nth=0', tag);
  await page.waitForFunction((lang) => document.documentElement.lang === lang, tag);
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
    const profile = await profiles.open(PHONE);
    const page = await profile.context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.clock.setFixedTime(TODAY);
    await signIn(page, worker.url, DEMO.student.email);
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
});
