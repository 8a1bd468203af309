// End-to-end: a second build makes the app offer "a new version is ready"; the new version takes
// over only when the person agrees, and then every piece comes from the new build: the main
// piece, the JS glue and the lazy wasm pieces (their paths name the build). The previous build's
// cache stays for tabs still running it; the one before that goes.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

import { ROOT, WorkerProcess } from "../support/worker.mjs";
import { PHONE, Profile } from "../support/browser.mjs";
import { DEMO } from "../support/api.mjs";
import { signIn, waitForServiceWorker, waitForSynced } from "../support/app.mjs";

let worker;
let profile;
let assets;

before(async () => {
  assets = mkdtempSync(join(tmpdir(), "imp-assets-"));
  cpSync(join(ROOT, "dist"), assets, { recursive: true });
  worker = await WorkerProcess.startSeeded({ assetsDir: assets });
  profile = new Profile(PHONE);
  await profile.open();
}, { timeout: 240_000 });

after(async () => {
  await profile?.close();
  await worker?.stop();
  if (assets) rmSync(assets, { recursive: true, force: true });
});

const cacheNames = (page) => page.evaluate(() => caches.keys());
const VERSIONED = /^[0-9a-f]{12}$/;
const buildOf = () => readdirSync(join(assets, "pkg")).find((name) => VERSIONED.test(name));

/** What a deploy of a new build changes: the lazy pieces move under the new build's name, and
 *  the files that name it (the pieces' loader, the service worker's version and list) follow. */
function deployNextBuild() {
  const old = buildOf();
  const next = randomBytes(6).toString("hex");
  renameSync(join(assets, "pkg", old), join(assets, "pkg", next));
  for (const file of ["pkg/__wasm_split.js", "sw.js"]) {
    const path = join(assets, file);
    writeFileSync(path, readFileSync(path, "utf8").replaceAll(old, next));
  }
  return next;
}

/** The lazy pieces the page has fetched (from the service worker or the network), by build. */
const piecesLoaded = (page) =>
  page.evaluate(() => performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname)
    .filter((path) => /^\/pkg\/[0-9a-f]{12}\//.test(path)).map((path) => path.split("/")[2]));

async function agreeToUpdate(page) {
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await page.waitForSelector('[data-testid="update-banner"]', { timeout: 30_000 });
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller.state), "activated",
    "the old version still controls the page while the new one waits");
  await Promise.all([
    page.waitForEvent("load", { timeout: 30_000 }),
    page.click('[data-testid="update-reload"]'),
  ]);
  // The reload stays on the screen the person was on.
  await page.waitForSelector('[data-testid="task-title"]');
  await waitForServiceWorker(page);
}

test("a new build waits for the person's agreement, then replaces every piece together", { timeout: 180_000 }, async () => {
  const page = await profile.context.newPage();
  await signIn(page, worker.url, DEMO.student.email);
  await waitForServiceWorker(page);
  await waitForSynced(page);
  const first = buildOf();
  assert.deepEqual(await cacheNames(page), [`imp-shell-${first}`]);
  assert.equal(await page.locator('[data-testid="update-banner"]').count(), 0, "no prompt without a new build");
  await page.click('nav a[href="/tasks"]');
  await page.waitForSelector('[data-testid="task-title"]');
  assert.deepEqual([...new Set(await piecesLoaded(page))], [first]);

  const second = deployNextBuild();
  await worker.restart();
  await agreeToUpdate(page);
  assert.deepEqual((await cacheNames(page)).sort(), [`imp-shell-${first}`, `imp-shell-${second}`].sort(),
    "the new build's cache, and the previous one kept for tabs still running it");
  const precached = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), `imp-shell-${second}`);
  const pieces = precached.filter((path) => path.startsWith("/pkg/") && path.split("/").length === 4);
  assert.ok(pieces.length >= 3, `every lazy piece precached: ${pieces}`);
  assert.ok(pieces.every((path) => path.split("/")[2] === second), `all from the new build: ${pieces}`);
  assert.deepEqual([...new Set(await piecesLoaded(page))], [second], "the new main piece loads only the new pieces");

  const third = deployNextBuild();
  await worker.restart();
  await agreeToUpdate(page);
  assert.deepEqual((await cacheNames(page)).sort(), [`imp-shell-${second}`, `imp-shell-${third}`].sort(), "older builds are deleted");
  assert.equal(await page.locator('[data-testid="update-banner"]').count(), 0);
});
