// End-to-end, on a phone: staff correct a visa route in the app, offline. From Program data they
// open the visa routes, see that a route's sources are due for a check, and edit the points-based
// work permit: a save without a note to students on what changed is refused in place and writes
// nothing; offline, the employer's fee goes from NT$500 to NT$600 with the note in both languages
// and the day the sources were checked, and the form says it is saved on this device. Back online
// it syncs, and the server holds version 3 with the new fee. The editor reads in 繁體中文 too;
// every control on it says what it writes (or that it only opens or closes the editor), checked
// against the rules the server enforces; axe finds nothing to fix on it. The browser's clock is
// fixed, so the review warning does not depend on today's date. Expected texts come from the
// app's own catalogue.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO } from "../support/api.mjs";
import { axeViolations } from "../support/a11y.mjs";
import { catalogueText, pendingCount, signIn, waitForSynced, setLanguage } from "../support/app.mjs";

const suite = seededSuite();

// Seven months after the built-in routes' sources were checked (2026-12-03): all are due.
const TODAY = new Date("2027-07-01T09:00:00Z");
const ROUTE = "graduate-points-work-permit";
const STEP = "employer-applies";

/** The route's record as the server holds it. */
async function serverRoute(api) {
  const changes = (await api.pullAll("program")).filter((change) => change.key.kind === "visa_route" && change.key.id === ROUTE);
  assert.ok(changes.length > 0, "the program space holds the route");
  return changes.at(-1).record;
}

/** Catalogue texts (English) shown in `main` that are not translated, while the page is in zh-TW. */
function englishLeft(page) {
  return page.evaluate(async () => {
    const pairs = JSON.parse((await import("/pkg/imp_app.js")).catalogue());
    const shown = new Set();
    const main = document.querySelector("main");
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (text && node.parentElement?.checkVisibility()) shown.add(text);
    }
    return pairs.filter(([en, zh]) => en !== zh && /[A-Za-z]{3}/.test(en) && shown.has(en)).map(([en]) => en);
  });
}

/** The visible, enabled controls in `main`, each with what it says it writes or that it is local. */
function visibleControls(page) {
  return page.$$eval("main button, main input, main select, main textarea", (elements) => elements
    .filter((element) => element.type !== "hidden" && element.checkVisibility() && !element.matches(":disabled"))
    .map((element) => {
      const owner = element.closest("[data-write], [data-local]");
      return {
        control: element.dataset.testid || element.id || element.textContent.trim().slice(0, 40),
        write: owner?.hasAttribute("data-write") ? owner.getAttribute("data-write") : null,
        local: owner?.hasAttribute("data-local") ?? false,
      };
    }));
}

describe("staff edit the visa routes", { timeout: 600_000 }, () => {
  test("a fee is corrected offline as a new version, with what changed in both languages", { timeout: 240_000 }, async () => {
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const me = (await staff.request("GET", "/api/v1/me")).json;
    const seeded = await serverRoute(staff);
    assert.equal(seeded.fields.template.version, 2, "the seed holds version 2");
    assert.equal(seeded.fields.template.steps.find((step) => step.id === STEP).fee_twd, 500);

    const profile = await suite.profiles.open(PHONE);
    const page = await profile.context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.clock.setFixedTime(TODAY);
    await signIn(page, suite.worker.url, DEMO.staff.email);
    await waitForSynced(page);

    // From Program data to the routes: each says its version and when its sources were checked.
    await page.click('nav a[href="/program"]');
    await page.click('[data-testid="open-visa-routes"]');
    const item = page.locator(`[data-testid="visa-route-item"][data-route="${ROUTE}"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute("data-version"), "2");
    const checkedOn = await catalogueText(page, "Checked on");
    const checkedDay = await page.evaluate(async () => (await import("/pkg/imp_app.js")).format_date_text("en", "2026-12-03"));
    assert.ok((await item.locator('[data-testid="route-checked"]').textContent()).includes(`${checkedOn.en} ${checkedDay}`));
    const review = await catalogueText(page, "Not checked against its sources for 6 months");
    assert.equal((await item.locator('[data-testid="route-needs-review"]').textContent()).trim(), review.en);

    await page.click(`[data-testid="edit-route"][data-route="${ROUTE}"]`);
    const form = page.locator(`[data-testid="route-form"][data-route="${ROUTE}"]`);
    await form.waitFor();
    assert.equal(await page.locator('[data-testid="route-form"]').count(), 1, "one route at a time");
    const fee = form.locator(`[data-testid="route-step"][data-step="${STEP}"] [data-testid="step-fee"]`);
    assert.equal(await fee.inputValue(), "500");

    // Every control of the editor says what it writes, and the rules allow it.
    let writes = 0;
    for (const { control, write, local } of await visibleControls(page)) {
      assert.ok(write !== null || local, `"${control}" says what it writes or that it is local`);
      if (write === null) continue;
      writes += 1;
      assert.equal(write, `program visa_route change ${ROUTE}`, control);
      const verdict = await page.evaluate(
        async ([user, write, existing]) => (await import("/pkg/imp_app.js")).write_allowed("staff", user, false, write, existing),
        [me.user.id, write, JSON.stringify([seeded])],
      );
      assert.equal(verdict, "allowed", `${control}: ${write}`);
    }
    assert.ok(writes >= 20, `the editor's fields were checked (${writes})`);
    assert.deepEqual(await axeViolations(page), [], "the editor is accessible");

    // Without a note on what changed, nothing is written and the form says why.
    await fee.fill("600");
    await form.locator('[data-testid="save-route"]').click();
    const changesRequired = await catalogueText(page, "Say what changed");
    const errorLine = form.locator('[data-testid="write-error"]');
    await errorLine.filter({ hasText: changesRequired.en }).waitFor();
    assert.equal((await errorLine.textContent()).trim(), changesRequired.en);
    assert.equal(await pendingCount(page), 0, "nothing written");
    assert.equal(await item.getAttribute("data-version"), "2");
    assert.equal(await fee.inputValue(), "600", "the typed fee is kept");
    assert.equal(await page.locator('[data-testid="route-saved"]').count(), 0);

    // In 繁體中文 the editor's labels and the refusal read in Chinese.
    await setLanguage(page, "zh-TW");
    for (const [id, english] of [
      [`route-${ROUTE}-changes`, "What changed, for students (English)"],
      [`route-${ROUTE}-changes-zh`, "What changed, for students (繁體中文)"],
      [`route-${ROUTE}-${STEP}-fee`, "Fee in NT$"],
      [`route-${ROUTE}-${STEP}-due-rule`, "Due"],
    ]) {
      const expected = await catalogueText(page, english);
      assert.equal((await page.textContent(`label[for="${id}"]`)).trim(), expected.zh, english);
    }
    assert.equal((await errorLine.textContent()).trim(), changesRequired.zh);
    assert.equal((await item.locator('[data-testid="route-needs-review"]').textContent()).trim(), review.zh);
    assert.deepEqual(await englishLeft(page), [], "no English left on the editor");
    assert.deepEqual(await axeViolations(page), [], "the editor is accessible (zh-TW)");
    await setLanguage(page, "en");

    // Offline: the new fee, what changed in both languages and the day checked, saved as version 3.
    await profile.context.setOffline(true);
    await page.waitForSelector('[data-testid="sync-status"][data-state="offline"]');
    const changes = "The employer's fee for the work permit is now NT$600.";
    const changesZh = "雇主申請工作許可的規費調整為新臺幣 600 元。";
    await form.locator('[data-testid="route-changes"]').fill(changes);
    await form.locator('[data-testid="route-changes-zh"]').fill(changesZh);
    await form.locator('[data-testid="route-verified-on"]').fill("2027-07-01");
    await form.locator('[data-testid="save-route"]').click();
    const saved = form.locator('[data-testid="route-saved"]');
    await saved.waitFor();
    const savedText = await catalogueText(page, "Saved on this device");
    assert.ok((await saved.textContent()).includes(savedText.en), "saved on this device");
    assert.equal(await errorLine.textContent(), "");
    await page.waitForFunction((route) => document.querySelector(`[data-testid="visa-route-item"][data-route="${route}"]`)?.dataset.version === "3", ROUTE);
    assert.equal(await item.locator('[data-testid="route-needs-review"]').count(), 0, "checked today: no warning");
    assert.ok(await pendingCount(page) >= 1, "the change waits to sync");
    assert.equal(await form.locator('[data-testid="route-changes"]').inputValue(), "", "the next version needs its own note");
    const before = await form.locator('[data-testid="route-changes-before"]').textContent();
    assert.ok(before.includes(changes), "the note just saved is shown");

    // Back online it syncs; the server holds version 3 with the new fee and the note.
    await profile.context.setOffline(false);
    await waitForSynced(page, 60_000);
    const stored = (await serverRoute(staff)).fields.template;
    assert.equal(stored.version, 3);
    assert.equal(stored.steps.find((step) => step.id === STEP).fee_twd, 600);
    assert.equal(stored.changes, changes);
    assert.equal(stored.changes_zh, changesZh);
    assert.equal(stored.verified_on, "2027-07-01");
    assert.deepEqual(stored.steps.map((step) => step.id), seeded.fields.template.steps.map((step) => step.id), "the steps are kept");
    assert.deepEqual(errors, []);
  });
});
