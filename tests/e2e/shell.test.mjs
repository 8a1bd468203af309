// End-to-end: the app loads from the Worker in headless Chromium and Leptos renders the health answer.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { WorkerProcess } from "../support/worker.mjs";
import { PHONE, Profile } from "../support/browser.mjs";

let worker;
let profile;

before(async () => {
  worker = await WorkerProcess.start({ demo: false });
  profile = new Profile(PHONE);
  await profile.open();
}, { timeout: 120_000 });

after(async () => {
  await profile?.close();
  await worker?.stop();
});

test("the app mounts and shows the server's health", { timeout: 60_000 }, async () => {
  const page = await profile.context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const response = await page.goto(worker.url);
  assert.equal(response.status(), 200);
  await page.locator("h1", { hasText: "IMP Companion" }).waitFor();
  const status = page.locator('[data-testid="connection"][data-state="online"]');
  await status.waitFor({ timeout: 20_000 });
  const health = await (await fetch(`${worker.url}/api/v1/health`)).json();
  const text = await status.textContent();
  assert.ok(text.includes(health.version), `shows version ${health.version}: ${text}`);
  assert.ok(text.includes(`protocol ${health.protocol}`), text);
  assert.deepEqual(errors, []);
});

test("unknown app paths still load the app (single-page fallback), unknown API paths do not", { timeout: 30_000 }, async () => {
  const page = await profile.context.newPage();
  const response = await page.goto(`${worker.url}/some/deep/link`);
  assert.equal(response.status(), 200);
  await page.locator("h1", { hasText: "IMP Companion" }).waitFor();
  const api = await fetch(`${worker.url}/api/v1/some/deep/link`);
  assert.equal(api.status, 404);
  assert.equal((await api.json()).error, "not_found");
});
