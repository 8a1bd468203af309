// Page helpers for end-to-end tests: sign in, wait for sync, work with tasks.
import { DEMO_PASSWORD } from "./api.mjs";
import { PHONE } from "./chromium.mjs";
import assert from "node:assert/strict";

/** The app's own catalogue pair `{ en, zh }` whose English text is `prefix`, or else starts with
 *  it (expected texts come from the app, never from the host). */
export async function catalogueText(page, prefix) {
  const pairs = await page.evaluate(async () => JSON.parse((await import("/pkg/imp_app.js")).catalogue()));
  const pair = pairs.find(([en]) => en === prefix) ?? pairs.find(([en]) => en.startsWith(prefix));
  assert.ok(pair, `no catalogue text starts with ${prefix}`);
  return { en: pair[0], zh: pair[1] };
}

export async function signIn(page, baseUrl, email, password = DEMO_PASSWORD) {
  // The form is what signing in needs: wait for it, not for the page's `load` (which once took
  // over 30 s in a CI run, failing a sign-in that waits for the form anyway).
  await page.goto(baseUrl, { waitUntil: "domcontentloaded" });
  await page.waitForSelector("#email", { timeout: 60_000 });
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForSelector('[data-testid="home-title"]', { timeout: 20_000 });
}

/** Waits until the badge says everything is synced and nothing waits. */
export async function waitForSynced(page, timeout = 30_000) {
  await page.waitForSelector('[data-testid="sync-status"][data-state="synced"][data-pending="0"]', { timeout });
}

export async function pendingCount(page) {
  return Number(await page.getAttribute('[data-testid="sync-status"]', "data-pending"));
}

export async function openTasks(page) {
  await page.click('nav a[href="/tasks"]');
  await page.waitForSelector('[data-testid="task-title"]');
}

export async function addTask(page, title) {
  await page.fill('[data-testid="task-title"]', title);
  await page.click('[data-testid="add-task"]');
  await page.waitForSelector(`[data-testid="task"][data-title="${title}"]`);
}

export async function taskTitles(page) {
  return page.$$eval('[data-testid="task"]', (items) => items.map((item) => item.dataset.title));
}

export async function renameTask(page, from, to) {
  const item = page.locator(`[data-testid="task"][data-title="${from}"]`);
  await item.getByRole("button", { name: /^(Edit|編輯)$/ }).click();
  await page.fill('[data-testid="edit-title"]', to);
  await page.locator('[data-testid="edit-title"]').press("Enter");
  await page.waitForSelector(`[data-testid="task"][data-title="${to}"]`);
}

export async function toggleTask(page, title) {
  await page.locator(`[data-testid="task"][data-title="${title}"] input[type=checkbox]`).click();
}

/** Waits until the app's service worker controls the page (offline reloads need it). */
export async function waitForServiceWorker(page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 20_000 });
}

/** A fresh browser profile from `profiles`, signed in as `email` and synced. With `at` (a Date),
 *  the page's clock stands still at that instant from its first load (`page.clock.setFixedTime`),
 *  for tests where the date matters. */
export async function signedInPage(profiles, baseUrl, email, viewport = PHONE, { at } = {}) {
  const profile = await profiles.open(viewport);
  const page = await profile.context.newPage();
  if (at) await page.clock.setFixedTime(at);
  await signIn(page, baseUrl, email);
  await waitForSynced(page);
  return { profile, page };
}

/** Switches the app's language (`en` / `zh-TW`) and waits until the page has it. */
export async function setLanguage(page, tag) {
  await page.selectOption('[data-testid="language"] >> nth=0', tag);
  await page.waitForFunction((lang) => document.documentElement.lang === lang, tag);
}
