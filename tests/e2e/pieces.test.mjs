// End-to-end: the app ships in wasm pieces (scripts/build.sh, app/src/pieces.rs). After one
// online visit every screen of every role opens with the network off, each from a fresh offline
// load of its address (the service worker serves every piece of the build); a student's first
// screen loads no lazy piece at all.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { DEMO } from "../support/api.mjs";
import { signIn, waitForServiceWorker, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();

// Every screen each role can reach, with what shows that its own content (not only the shell)
// is there.
const SCREENS = {
  student: [
    ["/", '[data-testid="home-title"]'],
    ["/tasks", '[data-testid="task-title"]'],
    ["/sessions", "main h1"],
    ["/jobs", "main h1"],
    ["/visa", "main h1"],
    ["/positions", "main h1"],
    ["/profile", "main h1"],
    ["/concern", "main h1"],
    ["/checkin", "main h1"],
    ["/changes", "main h1"],
    ["/inbox", "main h1"],
    ["/settings", '[data-testid="sign-out"]'],
  ],
  mentor: [
    ["/", '[data-testid="mentees"]'],
    ["/tasks", '[data-testid="task-title"]'],
    ["/sessions", "main h1"],
    ["/jobs", "main h1"],
    ["/visa", "main h1"],
    ["/hiring", "main h1"],
    ["/changes", "main h1"],
    ["/inbox", "main h1"],
    ["/settings", '[data-testid="sign-out"]'],
  ],
  staff: [
    ["/", '[data-testid="program-stats"]'],
    ["/people", "main h1"],
    ["/program", "main h1"],
    ["/matching", "main h1"],
    ["/workshops", "main h1"],
    ["/concerns", "main h1"],
    [`/student?id=${DEMO.student.id}`, "main h1"],
    ["/visa-routes", "main h1"],
    ["/hiring", "main h1"],
    ["/changes", "main h1"],
    ["/inbox", "main h1"],
    ["/settings", '[data-testid="sign-out"]'],
  ],
};

const lazyPieces = (page) =>
  page.evaluate(() => performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname)
    .filter((path) => /^\/pkg\/[0-9a-f]{12}\//.test(path)));

describe("the app in pieces", { timeout: 600_000 }, () => {
  for (const [role, screens] of Object.entries(SCREENS)) {
    test(`every ${role} screen opens offline after one online visit`, { timeout: 240_000 }, async () => {
      const profile = await suite.profiles.open(PHONE);
      const page = await profile.context.newPage();
      const errors = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await signIn(page, suite.worker.url, DEMO[role].email);
      await waitForServiceWorker(page);
      await waitForSynced(page);
      if (role === "student") {
        assert.deepEqual(await lazyPieces(page), [], "a student's first screen needs no lazy piece");
      }
      await profile.context.setOffline(true);
      for (const [path, shown] of screens) {
        await page.goto(`${suite.worker.url}${path}`);
        await page.waitForSelector(shown, { timeout: 20_000 });
        assert.equal(await page.locator('[data-testid="screen-not-loaded"]').count(), 0, `${path} loaded`);
        assert.equal(await page.locator('[data-testid="screen-loading"]').count(), 0, `${path} not still loading`);
        assert.equal(await page.locator("#email").count(), 0, `${path} kept the person signed in`);
      }
      assert.deepEqual(errors, []);
      await profile.context.setOffline(false);
    });
  }

  test("a piece that cannot be fetched says so in place, and retry opens the screen", { timeout: 120_000 }, async () => {
    // No service worker here, so the page itself fetches the piece and the test can refuse it.
    const profile = await suite.profiles.open({ ...PHONE, serviceWorkers: "block" });
    const page = await profile.context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    await page.route(/\/pkg\/[0-9a-f]{12}\/.*\.wasm$/, (route) => route.abort("internetdisconnected"));
    await page.click('nav a[href="/tasks"]');
    await page.waitForSelector('[data-testid="screen-not-loaded"] [role="alert"]');
    assert.equal(await page.locator("header.app-bar").count(), 1, "the app keeps running");
    await page.unroute(/\/pkg\/[0-9a-f]{12}\/.*\.wasm$/);
    await page.click('[data-testid="screen-not-loaded"] button');
    await page.waitForSelector('[data-testid="task-title"]');
    assert.equal(await page.locator('[data-testid="screen-not-loaded"]').count(), 0);
    assert.deepEqual(errors, []);
  });
});
