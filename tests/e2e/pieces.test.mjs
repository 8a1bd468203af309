// End-to-end: the app ships in wasm pieces (scripts/build.sh, app/src/pieces.rs). After one
// online visit every screen of every role opens with the network off, each from a fresh offline
// load of its address (the service worker serves every piece of the build); a student's first
// screen is whole before any lazy piece is asked for (the engine's piece comes right after it, the
// app bar's inbox bell from the everyday piece once the browser is idle); a piece that cannot be
// fetched is said in place, and without the engine's piece the records still show and a write
// keeps its text.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { DEMO } from "../support/api.mjs";
import { catalogueText, openTasks, signIn, waitForServiceWorker, waitForSynced } from "../support/app.mjs";

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
    ["/evaluations", '[data-testid="evaluations-due"]'],
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
    ["/evaluations", '[data-testid="evaluations-due"]'],
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
    ["/partner?id=org-001", '[data-testid="partner-name"]'],
    ["/visa-routes", "main h1"],
    ["/evaluation-templates", '[data-testid="template-self_before"]'],
    ["/hiring", "main h1"],
    ["/changes", "main h1"],
    ["/inbox", "main h1"],
    ["/settings", '[data-testid="sign-out"]'],
  ],
};

const EVERYDAY_PIECE = /\/pkg\/[0-9a-f]{12}\/split_imp_everyday\.wasm$/;
const CORE_PIECE = /\/pkg\/[0-9a-f]{12}\/split_imp_core\.wasm$/;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const lazyPieces = (page) =>
  page.evaluate(() => performance.getEntriesByType("resource")
    .filter((entry) => /^\/pkg\/[0-9a-f]{12}\//.test(new URL(entry.name).pathname))
    .map((entry) => ({ path: new URL(entry.name).pathname, started: entry.startTime })));

/** Runs in the page before its scripts: when the student's home first shows its records. */
function watchHome() {
  const observer = new MutationObserver(() => {
    if (window.__homeShown === undefined && document.querySelector('[data-testid="milestones"]')) {
      window.__homeShown = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

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
        // A fresh load of the first screen: it is whole before any piece is asked for.
        await page.addInitScript(watchHome);
        await page.reload();
        await page.waitForSelector('[data-testid="inbox-bell"]');
        const shown = await page.evaluate(() => window.__homeShown);
        assert.ok(typeof shown === "number", "the student's home showed its records");
        const early = (await lazyPieces(page)).filter((piece) => piece.started < shown);
        assert.deepEqual(early, [], "a student's first screen needs no lazy piece");
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
    // Refused from the start (the app bar's bell asks for the everyday piece once the home is up).
    await page.route(EVERYDAY_PIECE, (route) => route.abort("internetdisconnected"));
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    await page.click('nav a[href="/tasks"]');
    await page.waitForSelector('[data-testid="screen-not-loaded"] [role="alert"]');
    assert.equal(await page.locator("header.app-bar").count(), 1, "the app keeps running");
    await page.unroute(EVERYDAY_PIECE);
    await page.click('[data-testid="screen-not-loaded"] button');
    await page.waitForSelector('[data-testid="task-title"]');
    assert.equal(await page.locator('[data-testid="screen-not-loaded"]').count(), 0);
    assert.deepEqual(errors, []);
  });

  test("without the engine's piece the stored records show, a write keeps its text and says why, then saves", { timeout: 120_000 }, async () => {
    const profile = await suite.profiles.open({ ...PHONE, serviceWorkers: "block" });
    const page = await profile.context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    const notLoaded = await catalogueText(page, "This part of the app could not be loaded");
    const notSyncing = await catalogueText(page, "Not syncing: this device has not got");
    // The engine's piece (sync, writes) cannot be fetched from the next load on.
    await page.route(CORE_PIECE, (route) => route.abort("internetdisconnected"));
    await page.reload();
    await page.waitForSelector('[data-testid="milestones"]');
    await page.waitForSelector('[data-testid="sync-status"][data-state="not-loaded"]');
    assert.match(await page.textContent('[data-testid="sync-status"]'), new RegExp(escape(notSyncing.en)));
    await openTasks(page);
    const title = "Ask the career office about CV review";
    await page.fill('[data-testid="task-title"]', title);
    await page.click('[data-testid="add-task"]');
    const refusal = page.locator('#task-title-error [data-testid="write-error"]');
    await refusal.filter({ hasText: notLoaded.en }).waitFor();
    assert.equal((await refusal.textContent()).trim(), notLoaded.en);
    assert.equal(await page.inputValue('[data-testid="task-title"]'), title, "the typed text stays");
    assert.equal(await page.locator(`[data-testid="task"][data-title="${title}"]`).count(), 0);
    await page.unroute(CORE_PIECE);
    await page.click('[data-testid="add-task"]');
    await page.waitForSelector(`[data-testid="task"][data-title="${title}"]`);
    await waitForSynced(page);
    assert.equal(((await refusal.textContent()) ?? "").trim(), "", "the refusal is gone once saved");
    assert.deepEqual(errors, []);
  });
});
