// The component gallery, on a phone: every shared component of the app (app/src/components/) as
// it appears on real screens, in English and 繁體中文, in the light and the dark theme. Each is
// photographed to tests/screenshots/components/<component>-<lang>-<theme>.png and the screen it
// is on is checked with axe (contrast included, so the dark theme is held to the same rules).
// The shapes are put in the states people meet: a form showing its refusal, a list empty and
// full, an inline edit open, the confirm dialog, a long list's footer after a search.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { DEMO } from "../support/api.mjs";
import { axeViolations } from "../support/a11y.mjs";
import { addTask, catalogueText, setLanguage, signIn, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();
const GALLERY = join(dirname(fileURLToPath(import.meta.url)), "..", "screenshots", "components");
const LANGS = ["en", "zh-TW"];
const THEMES = ["light", "dark"];

/** A signed-in, synced phone page for `email`, in `theme`. */
async function phonePage(email, theme) {
  const profile = await suite.profiles.open(PHONE);
  const page = await profile.context.newPage();
  await page.emulateMedia({ colorScheme: theme });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await signIn(page, suite.worker.url, email);
  await waitForSynced(page);
  return { page, errors };
}

/** Photographs `locator` as the gallery's `name` and checks the screen it is on with axe. */
async function shoot(page, locator, name, lang, theme) {
  await locator.first().waitFor();
  await locator.first().screenshot({ path: join(GALLERY, `${name}-${lang}-${theme}.png`) });
  assert.deepEqual(await axeViolations(page), [], `${name} (${lang}, ${theme}) is accessible`);
}

describe("component gallery", { timeout: 900_000 }, () => {
  mkdirSync(GALLERY, { recursive: true });

  for (const theme of THEMES) {
    test(`a student's components, both languages, ${theme} theme`, { timeout: 300_000 }, async () => {
      const { page, errors } = await phonePage(DEMO.student.email, theme);
      for (const lang of LANGS) {
        await setLanguage(page, lang);
        const key = lang === "en" ? "en" : "zh";
        await shoot(page, page.locator('[data-testid="sync-status"]'), "sync-badge", lang, theme);

        // A form that writes (Field, Select, WriteForm) showing its refusal, in the language.
        await page.click('nav a[href="/tasks"]');
        const form = page.locator('form[data-write*="task create"]');
        await form.waitFor();
        await page.fill('[data-testid="task-title"]', "");
        await page.click('[data-testid="add-task"]');
        const required = await catalogueText(page, "Give the task a title.");
        const refusal = page.locator('#task-title-error [data-testid="write-error"]');
        await refusal.filter({ hasText: required[key] }).waitFor();
        await shoot(page, page.locator("section.card", { has: form }), "write-form-refused", lang, theme);

        // A list card with rows, and one row's inline edit open.
        const title = `Gallery task ${lang} ${theme}`;
        await addTask(page, title);
        await shoot(page, page.locator("section.card", { has: page.locator('[data-testid="task-list"]') }), "list-card", lang, theme);
        const row = page.locator(`[data-testid="task"][data-title="${title}"]`);
        await row.locator('[data-testid="edit-task"]').click();
        await row.locator('[data-testid="edit-title"]').waitFor();
        await shoot(page, row, "inline-edit-open", lang, theme);
        await row.locator('[data-local="cancel-edit"]').click();
        await row.locator('[data-testid="edit-task"]').waitFor();

        // The confirm dialog, left with "Keep it".
        await row.locator('[data-testid="delete-task"]').click();
        const dialog = page.locator('[role="alertdialog"]');
        await shoot(page, dialog, "confirm-dialog", lang, theme);
        const keep = await catalogueText(page, "Keep it");
        await dialog.getByRole("button", { name: keep[key] }).click();
        await dialog.waitFor({ state: "detached" });

        // The profile: fields bound to drafts over the stored record.
        await page.goto(`${suite.worker.url}/profile`);
        await shoot(page, page.locator('[data-testid="profile-form"]'), "profile-fields", lang, theme);
        await page.goto(`${suite.worker.url}/`);
        await page.waitForSelector('[data-testid="home-title"]');
      }
      assert.deepEqual(errors, []);
    });

    test(`staff's components, both languages, ${theme} theme`, { timeout: 300_000 }, async () => {
      const { page, errors } = await phonePage(DEMO.staff.email, theme);
      for (const lang of LANGS) {
        await setLanguage(page, lang);
        // A long list: the search field and the "Showing N of M" footer.
        await page.click('nav a[href="/people"]');
        await page.locator('[data-testid="people-count"]').waitFor();
        await shoot(page, page.locator(".list-footer"), "list-footer", lang, theme);
        // An empty list card says so (a student's staff notes), and a text area in a form.
        await page.goto(`${suite.worker.url}/student?id=${DEMO.student.id}`);
        const notes = page.locator('[data-testid="staff-notes"]');
        await shoot(page, notes, "text-area-form", lang, theme);
        const empty = page.locator("section.card", { has: page.locator("p.empty") }).first();
        await shoot(page, empty, "list-card-empty", lang, theme);
        await page.goto(`${suite.worker.url}/`);
        await page.waitForSelector('[data-testid="home-title"]');
      }
      assert.deepEqual(errors, []);
    });
  }
});
