// End-to-end, on a phone: staff close a position a student has ranked. The student's ranking
// names it, marks it closed, and stays editable: a reason typed on another choice is kept, and
// the closed one can be removed. In both languages.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { until } from "../support/worker.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { signedInPage as openSignedIn, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();
const STUDENT_SPACE = `student:${DEMO.student.id}`;

async function ranking(api) {
  const pulled = await api.pull(STUDENT_SPACE, uniqueId("check"));
  return pulled.json.changes.find((change) => change.key.kind === "ranking" && change.key.id === "cohort-2024")?.record?.fields;
}

describe("a ranked position that closes", { timeout: 180_000 }, () => {
  test("is named and marked closed, and the rest of the ranking stays editable", { timeout: 150_000 }, async () => {
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const student = await new Api(suite.worker.url).login(DEMO.student.email);
    const program = await staff.pull("program", uniqueId("program"));
    const open = program.json.changes
      .filter((change) => change.key.kind === "position" && change.record?.fields.cohort_year === 2024 && change.record.fields.open)
      .slice(0, 2);
    assert.equal(open.length, 2);
    const [closing, staying] = open;
    const ranked = await student.push(STUDENT_SPACE, uniqueId("student"), [{
      seq: 1,
      mutation: { type: "set_rankings", id: "cohort-2024", choices: [
        { position_id: closing.key.id, reason: "First love" },
        { position_id: staying.key.id, reason: "" },
      ] },
    }]);
    assert.equal(ranked.json.verdicts[0].verdict.status, "ok", ranked.text);
    const closed = await staff.push("program", uniqueId("staff"), [{
      seq: 1,
      mutation: { type: "update", id: closing.key.id, patch: { kind: "position", fields: { open: false } } },
    }]);
    assert.equal(closed.json.verdicts[0].verdict.status, "ok", closed.text);

    const { page } = await openSignedIn(suite.profiles, suite.worker.url, DEMO.student.email);
    await page.goto(`${suite.worker.url}/positions`);
    const row = page.locator(`[data-testid="ranked"][data-position-id="${closing.key.id}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute("data-position-closed"), "true");
    const title = await row.locator(".item-title").textContent();
    assert.ok(title.includes(closing.record.fields.title), `named by its title: ${title}`);
    assert.ok(!title.includes(closing.key.id), "never the raw id");
    const pairs = await page.evaluate(async () => JSON.parse((await import("/pkg/imp_app.js")).catalogue()));
    const [closedEn, closedZh] = pairs.find(([en]) => en === "Closed");
    assert.equal((await row.locator('[data-testid="position-closed"]').textContent()).trim(), closedEn);
    await page.selectOption('[data-testid="language"] >> nth=0', "zh-TW");
    await page.waitForFunction(() => document.documentElement.lang === "zh-TW");
    assert.equal((await row.locator('[data-testid="position-closed"]').textContent()).trim(), closedZh);

    // Editing the rest is accepted with the closed one still in place.
    const reason = page.locator(`[data-testid="ranked"][data-position-id="${staying.key.id}"] [data-testid="reason"]`);
    await reason.fill("Close to my lab");
    await reason.press("Tab");
    // The server accepts it (the change reaches it, and nothing is refused).
    const reasons = async () => (await ranking(staff)).choices.map((choice) => choice.reason);
    await until(async () => (await reasons())[1] === "Close to my lab", { what: "the reason on the server" });
    assert.deepEqual(await reasons(), ["First love", "Close to my lab"]);
    await waitForSynced(page);
    assert.equal(await page.getAttribute('[data-testid="sync-status"]', "data-rejected"), "0");

    // And the closed one can be removed.
    await row.locator('[data-testid="remove-choice"]').click();
    await page.waitForFunction((id) => !document.querySelector(`[data-testid="ranked"][data-position-id="${id}"]`), closing.key.id);
    const positions = async () => (await ranking(staff)).choices.map((choice) => choice.position_id);
    await until(async () => (await positions()).length === 1, { what: "the removal on the server" });
    assert.deepEqual(await positions(), [staying.key.id]);
    await waitForSynced(page);
    // It is not offered for ranking again.
    assert.equal(await page.locator(`[data-testid="position"][data-position-id="${closing.key.id}"]`).count(), 0);
  });
});
