// End-to-end: a second build makes the app offer "a new version is ready"; the new version takes
// over only when the person agrees, and the old cache is gone after the switch.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ROOT, WorkerProcess } from "../support/worker.mjs";
import { PHONE, Profile } from "../support/browser.mjs";
import { waitForServiceWorker } from "../support/app.mjs";

let worker;
let profile;
let assets;

before(async () => {
  assets = mkdtempSync(join(tmpdir(), "imp-assets-"));
  cpSync(join(ROOT, "dist"), assets, { recursive: true });
  worker = await WorkerProcess.start({ demo: false, assetsDir: assets });
  profile = new Profile(PHONE);
  await profile.open();
}, { timeout: 120_000 });

after(async () => {
  await profile?.close();
  await worker?.stop();
  if (assets) rmSync(assets, { recursive: true, force: true });
});

const cacheNames = (page) => page.evaluate(() => caches.keys());

test("a new build waits for the person's agreement, then replaces the old one", { timeout: 120_000 }, async () => {
  const page = await profile.context.newPage();
  await page.goto(worker.url);
  await page.waitForSelector("#email");
  await waitForServiceWorker(page);
  const before = await cacheNames(page);
  assert.equal(before.length, 1);
  assert.match(before[0], /^imp-shell-/);
  assert.equal(await page.locator('[data-testid="update-banner"]').count(), 0, "no prompt without a new build");

  // A second build: the service worker (and so its cache name) changes.
  const swPath = join(assets, "sw.js");
  const oldVersion = before[0].replace("imp-shell-", "");
  writeFileSync(swPath, readFileSync(swPath, "utf8").replace(oldVersion, `${oldVersion}next`));
  await worker.restart();

  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await page.waitForSelector('[data-testid="update-banner"]', { timeout: 30_000 });
  assert.deepEqual((await cacheNames(page)).sort(), [before[0], `imp-shell-${oldVersion}next`].sort(),
    "the new version is installed beside the old one, and waits");
  const controller = await page.evaluate(() => navigator.serviceWorker.controller.state);
  assert.equal(controller, "activated", "the old version still controls the page");

  await Promise.all([
    page.waitForEvent("load", { timeout: 30_000 }),
    page.click('[data-testid="update-reload"]'),
  ]);
  await page.waitForSelector("#email");
  await waitForServiceWorker(page);
  assert.deepEqual(await cacheNames(page), [`imp-shell-${oldVersion}next`], "only the new version's cache is left");
  assert.equal(await page.locator('[data-testid="update-banner"]').count(), 0);
});
