// End-to-end, on a phone: no text anywhere may widen the layout. The longest unbroken string each
// free-text field accepts (a pasted link as a task title, a company, a session agenda, a concern,
// an invite link) is shown on every screen of each role, and no element may reach past the
// viewport's right edge (nothing goes off-screen, nothing needs sideways scrolling).
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { ROOT } from "../support/worker.mjs";
import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { signIn, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();
const SCREENSHOTS = join(ROOT, "tests", "screenshots");

// Titles, names and companies take at most 200 characters: a link without a space.
const LONG_LINE = `https://example.org/${"a1b2c3d4e5".repeat(18)}`.slice(0, 200);
const LONG_TEXT = `https://example.org/${"notes".repeat(96)}`.slice(0, 480);

/** Visible elements that reach past the viewport's right edge (and the document's own width). */
async function overflowing(page) {
  return page.evaluate(() => {
    const limit = window.innerWidth + 1;
    const found = [];
    if (document.documentElement.scrollWidth > limit) {
      found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    }
    const wide = (element) => {
      if (!element.checkVisibility()) return false;
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && box.right > limit;
    };
    // The innermost culprits first: wide elements none of whose children are wide.
    for (const element of document.body.querySelectorAll("*")) {
      if (wide(element) && ![...element.children].some(wide)) {
        const name = `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(" ").join(".")}` : ""}`;
        found.push(`${name} ends at ${Math.round(element.getBoundingClientRect().right)} px: ${element.textContent.slice(0, 40)}`);
      }
    }
    return found.slice(0, 6);
  });
}

async function visit(page, path) {
  await page.goto(`${suite.worker.url}${path}`);
  await page.waitForSelector("main h1");
  await page.locator("main .card, main .empty").first().waitFor();
}

async function expectFits(page, role, screens, ready = {}) {
  for (const screen of screens) {
    await visit(page, screen);
    if (ready[screen]) await ready[screen](page);
    assert.deepEqual(await overflowing(page), [], `${role} ${screen}: something is wider than the phone`);
    const name = screen === "/" ? "home" : screen.slice(1).split("?")[0];
    await page.screenshot({ path: join(SCREENSHOTS, `long-text-${role}-${name}-phone.png`), fullPage: true });
  }
}

describe("no text widens the layout", { timeout: 300_000 }, () => {
  // Node 20 runs a file's top-level `before` hooks side by side: this one needs the suite's
  // Worker, so it belongs to the describe and runs after them.
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const student = await new Api(suite.worker.url).login(DEMO.student.email);
    const space = `student:${DEMO.student.id}`;
    const client = uniqueId("long");
    const create = (seq, kind, id, fields) => ({ seq, mutation: { type: "create", id, record: { kind, fields } } });
    const pushed = await student.push(space, client, [
      create(1, "task", uniqueId("task"), { title: LONG_LINE, done: false }),
      create(2, "goal", uniqueId("goal"), { title: LONG_LINE, success_criteria: LONG_TEXT }),
      create(3, "job_application", uniqueId("job"), { company: LONG_LINE, role: LONG_LINE, stage: "applied", next_step: LONG_LINE, notes: LONG_TEXT }),
      create(4, "mentoring_session", uniqueId("session"), {
        starts_at: "2030-01-15T02:00:00Z", time_zone: "Asia/Taipei", duration_minutes: 60, format: "video",
        location: LONG_LINE, agenda: LONG_TEXT, state: "scheduled",
      }),
    ]);
    assert.ok(pushed.json.verdicts.every((v) => v.verdict.status === "ok"), pushed.text);
    const concern = await student.push("staff", client, [
      create(5, "concern_flag", uniqueId("concern"), { student_id: DEMO.student.id, topic: "other", priority: "normal", text: LONG_TEXT, state: "open" }),
    ]);
    assert.equal(concern.json.verdicts[0].verdict.status, "ok", concern.text);
  });

  test("a student's screens, with the longest strings they can type", { timeout: 120_000 }, async () => {
    const profile = await suite.profiles.open(PHONE);
    const page = await profile.context.newPage();
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    await expectFits(page, "student", ["/", "/tasks", "/sessions", "/jobs", "/visa", "/positions", "/profile", "/concern", "/changes"], {
      "/tasks": (p) => p.waitForSelector(`[data-testid="task"][data-title="${LONG_LINE}"]`),
    });
    // A change waiting offline is named by its long title in Changes.
    await visit(page, "/tasks");
    await profile.context.setOffline(true);
    await page.fill('[data-testid="task-title"]', `${LONG_LINE.slice(0, 190)}offline`);
    await page.click('[data-testid="add-task"]');
    await page.waitForSelector('[data-testid="sync-status"][data-pending="1"]');
    await page.click('[data-testid="sync-status"]');
    await page.waitForSelector('[data-testid="waiting-list"]');
    assert.deepEqual(await overflowing(page), [], "student /changes with a long waiting change");
    await profile.context.setOffline(false);
  });

  test("the mentor's screens show the student's long texts", { timeout: 90_000 }, async () => {
    const profile = await suite.profiles.open(PHONE);
    const page = await profile.context.newPage();
    await signIn(page, suite.worker.url, DEMO.mentor.email);
    await waitForSynced(page);
    await expectFits(page, "mentor", ["/", "/tasks", "/sessions", "/jobs"]);
  });

  test("staff screens, with a long concern and an invite link", { timeout: 120_000 }, async () => {
    const profile = await suite.profiles.open(PHONE);
    const page = await profile.context.newPage();
    await signIn(page, suite.worker.url, DEMO.staff.email);
    await waitForSynced(page);
    await expectFits(page, "staff", ["/", "/concerns", "/program", "/matching", "/workshops", `/student?id=${DEMO.student.id}`]);
    await visit(page, "/people");
    await page.fill("#invite-name", "Long Link Student");
    await page.fill("#invite-email", `long.link.${uniqueId("s")}@example.edu`);
    await page.selectOption("#invite-role", "mentor");
    await page.click('[data-testid="send-invite"]');
    await page.waitForSelector('[data-testid="invite-link"]');
    assert.deepEqual(await overflowing(page), [], "staff /people with an invite link");
  });
});
