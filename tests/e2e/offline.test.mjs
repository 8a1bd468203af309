// End-to-end, offline first: a student works offline (reload, browser restart), comes back
// online, and the mentor sees exactly those changes; two tabs writing offline; the Worker killed
// in the middle of a sync; a refused change shown with its reason. Real Worker, real Chromium.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { until } from "../support/worker.mjs";
import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import {
  addTask, openTasks, pendingCount, renameTask, signIn, taskTitles, toggleTask, waitForServiceWorker, waitForSynced,
} from "../support/app.mjs";

const suite = seededSuite();
const profile = () => suite.profiles.open(PHONE);

async function serverTasks() {
  const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
  const pulled = await staff.pull(`student:${DEMO.student.id}`, uniqueId("check"));
  assert.equal(pulled.status, 200, pulled.text);
  return pulled.json.changes.filter((change) => change.key.kind === "task" && change.record).map((change) => change.record.fields);
}

describe("offline first", { timeout: 240_000 }, () => {
  test("a student's offline work survives reload and restart, then reaches the mentor", { timeout: 180_000 }, async () => {
    const student = await profile();
    let page = await student.context.newPage();
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForServiceWorker(page);
    await waitForSynced(page);
    await openTasks(page);

    const stamp = Date.now().toString(36);
    const first = `Offline CV review ${stamp}`;
    const second = `Offline ARC renewal ${stamp}`;
    const renamed = `Offline ARC renewal at NIA ${stamp}`;
    await student.context.setOffline(true);
    await addTask(page, first);
    await addTask(page, second);
    await renameTask(page, second, renamed);
    await toggleTask(page, first);
    await page.waitForSelector('[data-testid="sync-status"][data-pending="4"]');

    // Reload while offline: the service worker serves the app, IndexedDB the data.
    await page.reload();
    // The reload stays on Tasks (the app answers every path offline).
    assert.equal(new URL(page.url()).pathname, "/tasks");
    await page.waitForSelector('[data-testid="task-title"]');
    await page.waitForSelector(`[data-testid="task"][data-title="${renamed}"] [data-testid="waiting"]`);
    assert.ok((await taskTitles(page)).includes(first));
    assert.equal(await pendingCount(page), 4);

    // Close the browser and open it again, still offline.
    await student.reopen();
    await student.context.setOffline(true);
    page = await student.context.newPage();
    await page.goto(suite.worker.url);
    await page.waitForSelector('[data-testid="home-title"]');
    await openTasks(page);
    await page.waitForSelector(`[data-testid="task"][data-title="${renamed}"]`);
    assert.equal(await pendingCount(page), 4, "still waiting after a browser restart");
    assert.equal((await serverTasks()).filter((task) => task.title.endsWith(stamp)).length, 0, "nothing reached the server yet");

    // Back online: the engine syncs by itself.
    await student.context.setOffline(false);
    await waitForSynced(page);
    const onServer = (await serverTasks()).filter((task) => task.title.endsWith(stamp));
    assert.deepEqual(onServer.map((task) => [task.title, task.done]).sort(), [[first, true], [renamed, false]].sort());

    // The mentor sees exactly those changes.
    const mentor = await profile();
    const mentorPage = await mentor.context.newPage();
    await signIn(mentorPage, suite.worker.url, DEMO.mentor.email);
    await waitForSynced(mentorPage);
    await openTasks(mentorPage);
    await mentorPage.waitForSelector(`[data-testid="task"][data-title="${renamed}"]`);
    const mentorTitles = (await taskTitles(mentorPage)).filter((title) => title.endsWith(stamp));
    assert.deepEqual(mentorTitles.sort(), [first, renamed].sort());
    assert.ok(await mentorPage.isChecked(`[data-testid="task"][data-title="${first}"] input[type=checkbox]`));
  });

  test("two tabs writing offline lose nothing and duplicate nothing", { timeout: 120_000 }, async () => {
    const student = await profile();
    const tabA = await student.context.newPage();
    await signIn(tabA, suite.worker.url, DEMO.student.email);
    await waitForSynced(tabA);
    const tabB = await student.context.newPage();
    await tabB.goto(suite.worker.url);
    await tabB.waitForSelector('[data-testid="home-title"]');
    await openTasks(tabA);
    await openTasks(tabB);

    const stamp = Date.now().toString(36);
    await student.context.setOffline(true);
    const titles = [];
    for (let n = 0; n < 3; n += 1) {
      for (const [tab, name] of [[tabA, "A"], [tabB, "B"]]) {
        const title = `Tab ${name} task ${n} ${stamp}`;
        titles.push(title);
        await addTask(tab, title);
      }
    }
    // Each tab hears the other's writes over the BroadcastChannel.
    await until(async () => (await taskTitles(tabA)).filter((t) => t.endsWith(stamp)).length === 6, { what: "tab A to show all six" });
    await until(async () => (await taskTitles(tabB)).filter((t) => t.endsWith(stamp)).length === 6, { what: "tab B to show all six" });

    await student.context.setOffline(false);
    await waitForSynced(tabA);
    await waitForSynced(tabB);
    const onServer = (await serverTasks()).map((task) => task.title).filter((title) => title.endsWith(stamp));
    assert.deepEqual(onServer.sort(), titles.sort(), "each change exactly once");
  });

  test("the Worker killed in the middle of a sync and restarted: nothing lost, nothing twice", { timeout: 180_000 }, async () => {
    const student = await profile();
    const page = await student.context.newPage();
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    await openTasks(page);

    // The next push reaches the Worker and commits, then the Worker dies before the reply
    // arrives: the app sees a failed request, as after a crash after commit.
    let killed = false;
    await page.route("**/push", async (route) => {
      if (killed) return route.continue();
      killed = true;
      const response = await route.fetch();
      await suite.worker.crash();
      await route.abort("connectionreset");
      return response;
    });
    const stamp = Date.now().toString(36);
    const titles = [`Crash one ${stamp}`, `Crash two ${stamp}`, `Crash three ${stamp}`];
    for (const title of titles) await addTask(page, title);
    await until(() => killed && !suite.worker.running, { timeoutMs: 30_000, what: "the Worker to be killed mid-sync" });
    assert.ok(await pendingCount(page) >= 1, "the outbox keeps entries the app did not see confirmed");

    await suite.worker.launch();
    await page.unroute("**/push");
    await page.locator('[data-testid="sync-status"]').click();
    await waitForSynced(page, 60_000);
    const onServer = (await serverTasks()).map((task) => task.title).filter((title) => title.endsWith(stamp));
    assert.deepEqual(onServer.sort(), titles.sort(), "every task once, none twice");
  });

  test("a change the server refuses is shown with its reason", { timeout: 120_000 }, async () => {
    // The mentor adds a task; the student renames it offline; the mentor deletes it meanwhile.
    const mentorApi = await new Api(suite.worker.url).login(DEMO.mentor.email);
    const space = `student:${DEMO.student.id}`;
    const taskId = uniqueId("mentor-task");
    const title = `From my mentor ${Date.now().toString(36)}`;
    const client = uniqueId("mentor-client");
    const created = await mentorApi.push(space, client, [{ seq: 1, mutation: { type: "create", id: taskId, record: { kind: "task", fields: { title, done: false } } } }]);
    assert.equal(created.json.verdicts[0].verdict.status, "ok");

    const student = await profile();
    const page = await student.context.newPage();
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    await openTasks(page);
    await page.waitForSelector(`[data-testid="task"][data-title="${title}"]`);
    await student.context.setOffline(true);
    await renameTask(page, title, `${title} (renamed)`);
    const deleted = await mentorApi.push(space, client, [{ seq: 2, mutation: { type: "delete", kind: "task", id: taskId } }]);
    assert.equal(deleted.json.verdicts[0].verdict.status, "ok");
    await student.context.setOffline(false);
    await page.waitForSelector('[data-testid="sync-status"][data-state="rejected"]', { timeout: 30_000 });
    await page.click('[data-testid="sync-status"]');
    const reason = await page.textContent('[data-testid="rejected-reason"]');
    const expected = await page.evaluate(async (id) => (await import("/pkg/imp_app.js")).refusal_text("en", JSON.stringify({ code: "not_found", kind: "task", id })), taskId);
    assert.equal(reason, expected);
    assert.ok(!reason.includes(taskId), `no raw ids: ${reason}`);
    assert.ok((await page.textContent('[data-testid="rejected-what"]')).includes(title), "the change is named by the task's title");
    await page.waitForSelector('[data-testid="waiting-list"]', { state: "detached" });
    assert.equal(await pendingCount(page), 0, "the refused change left the outbox only with its reason kept");
  });

  test("an ended session keeps the waiting changes until the person signs in again", { timeout: 120_000 }, async () => {
    const student = await profile();
    const page = await student.context.newPage();
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForSynced(page);
    await openTasks(page);
    await student.context.setOffline(true);
    const title = `After re-sign-in ${Date.now().toString(36)}`;
    await addTask(page, title);
    // The server ends the session: the next push answers 401.
    await page.route("**/push", (route) => route.fulfill({
      status: 401,
      contentType: "application/json",
      body: JSON.stringify({ error: "unauthorized", message: "your session has ended; please sign in again" }),
    }));
    await student.context.setOffline(false);
    await page.waitForSelector("#email");
    assert.match(await page.textContent("main"), /Your session ended/);
    assert.equal(await page.inputValue("#email"), DEMO.student.email, "the same person is asked to sign in");
    assert.equal(await pendingCount(page), 1, "the change is kept");
    await page.unroute("**/push");
    await page.fill("#password", "imp-demo-password");
    await page.click("button[type=submit]");
    await page.waitForSelector('[data-testid="task-title"]');
    await waitForSynced(page);
    const onServer = (await serverTasks()).map((task) => task.title);
    assert.ok(onServer.includes(title), "the kept change reached the server after signing in again");
  });
});
