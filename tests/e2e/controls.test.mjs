// End-to-end, on a phone: for each role, every control a main screen shows is either a write the
// permission rules allow or plainly local (filters, search, paging, downloads). Each write control
// says what it writes (`data-write`: space, kind, create/change/delete, record); the check holds it
// against `imp_shared::permissions::may_write` — the rule the Worker enforces on every push — with
// the record as the server has it and the mentor's assignment as the server's `me` reports it.
// A control without a `data-write` or `data-local` fails the test too, so a new screen cannot
// slip an unchecked control in.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, taskCreate, uniqueId } from "../support/api.mjs";
import { signedInPage as openSignedIn, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();
const STUDENT_SPACE = `student:${DEMO.student.id}`;

/** Every record of a space as the server holds it, by `"<kind> <id>"`. */
async function serverRecords(api, space) {
  return new Map((await api.pullAll(space)).map((change) => [`${change.key.kind} ${change.key.id}`, change.record ?? null]));
}

/** The screen's visible, enabled controls inside `main`, each with what it says it does. */
function visibleControls(page) {
  return page.$$eval("main button, main input, main select, main textarea", (elements) => elements
    .filter((element) => element.type !== "hidden" && element.checkVisibility() && !element.matches(":disabled"))
    .map((element) => {
      const owner = element.closest("[data-write], [data-local]");
      return {
        control: element.dataset.testid || element.id || element.getAttribute("aria-label") || element.textContent.trim().slice(0, 40) || element.tagName,
        write: owner?.hasAttribute("data-write") ? owner.getAttribute("data-write") : null,
        local: owner?.hasAttribute("data-local") ?? false,
      };
    }));
}

/**
 * Walks every screen on the role's navigation (plus `extra` paths) and checks each control.
 * Returns how many write controls were checked.
 */
async function checkRole(role, email, extra = []) {
  const api = await new Api(suite.worker.url).login(email);
  const me = (await api.request("GET", "/api/v1/me")).json;
  const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
  const cache = new Map();
  const recordsOf = async (space) => {
    if (!cache.has(space)) cache.set(space, await serverRecords(staff, space));
    return cache.get(space);
  };

  const { page } = await openSignedIn(suite.profiles, suite.worker.url, email);
  const screens = [...new Set([...(await page.$$eval("nav a[href]", (links) => links.map((link) => link.getAttribute("href")))), ...extra])];
  assert.ok(screens.length >= 4, `${role} has a navigation: ${screens}`);
  const problems = [];
  let writes = 0;
  for (const screen of screens) {
    await page.goto(`${suite.worker.url}${screen}`);
    await page.waitForSelector("main h1");
    await waitForSynced(page);
    for (const { control, write, local } of await visibleControls(page)) {
      if (write === null) {
        if (!local) problems.push(`${screen}: "${control}" says neither what it writes nor that it is local`);
        continue;
      }
      writes += 1;
      const existing = [];
      for (const tag of write.split(";").map((text) => text.trim())) {
        const [space, kind, op, id] = tag.split(/\s+/);
        existing.push(op !== "create" && id && space !== "api" ? (await recordsOf(space)).get(`${kind} ${id}`) ?? null : null);
      }
      const spaces = write.split(";").map((text) => text.trim().split(/\s+/)[0]);
      const assigned = role === "mentor" && spaces.every((space) => me.spaces.includes(space));
      const verdict = await page.evaluate(
        async ([role, user, assigned, write, existing]) => (await import("/pkg/imp_app.js")).write_allowed(role, user, assigned, write, existing),
        [role, me.user.id, assigned, write, JSON.stringify(existing)],
      );
      if (verdict !== "allowed") problems.push(`${screen}: "${control}" (${write}) would be refused: ${verdict}`);
    }
  }
  assert.deepEqual(problems, [], `${role}: every visible write control is allowed`);
  return writes;
}

describe("every visible write control is one the rules allow", { timeout: 600_000 }, () => {
  before(async () => {
    // The mentee has a task of her own and one from her mentor, so the mentor's screens show both
    // kinds: the student's read-only, the mentor's editable.
    const student = await new Api(suite.worker.url).login(DEMO.student.email);
    const own = await student.push(STUDENT_SPACE, uniqueId("student"), [{ seq: 1, mutation: taskCreate(uniqueId("task"), "Renew my residence card") }]);
    assert.equal(own.json.verdicts[0].verdict.status, "ok", own.text);
    const mentor = await new Api(suite.worker.url).login(DEMO.mentor.email);
    const theirs = await mentor.push(STUDENT_SPACE, uniqueId("mentor"), [{ seq: 1, mutation: taskCreate(uniqueId("task"), "Send me your CV draft") }]);
    assert.equal(theirs.json.verdicts[0].verdict.status, "ok", theirs.text);
  }, { timeout: 60_000 });

  test("a student's screens", { timeout: 300_000 }, async () => {
    const writes = await checkRole("student", DEMO.student.email, ["/concern", "/inbox", "/evaluations"]);
    assert.ok(writes >= 10, `a student's screens have write controls to check (${writes})`);
  });

  test("a mentor's screens", { timeout: 300_000 }, async () => {
    const writes = await checkRole("mentor", DEMO.mentor.email, ["/concern", "/inbox", "/evaluations"]);
    assert.ok(writes >= 5, `a mentor's screens have write controls to check (${writes})`);
  });

  test("staff's screens", { timeout: 300_000 }, async () => {
    const writes = await checkRole("staff", DEMO.staff.email, [`/student?id=${DEMO.student.id}`, "/inbox", "/evaluation-templates"]);
    assert.ok(writes >= 10, `staff's screens have write controls to check (${writes})`);
  });
});
