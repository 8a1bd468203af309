// End-to-end: the app runs under its Content-Security-Policy (every e2e file fails on a violation,
// through tests/support/browser.mjs); this file checks the policy reaches the browser and that
// the harness does notice a violation.
import { test } from "node:test";
import assert from "node:assert/strict";

import { until } from "../support/worker.mjs";
import { PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { DEMO } from "../support/api.mjs";
import { signIn, waitForSynced } from "../support/app.mjs";

const suite = seededSuite();

test("the signed-in app runs under the CSP, and an injected inline script is refused and noticed", { timeout: 120_000 }, async () => {
  const profile = await suite.profiles.open(PHONE);
  const page = await profile.context.newPage();
  const response = await page.goto(`${suite.worker.url}/tasks`);
  const csp = response.headers()["content-security-policy"] ?? "";
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /frame-ancestors 'none'/);
  await signIn(page, suite.worker.url, DEMO.student.email);
  await waitForSynced(page);
  // Goals and tasks (goal progress bars set their width through CSSOM, which the CSP allows).
  await page.click('nav a[href="/tasks"]');
  await page.waitForSelector('[data-testid="goal-form"]');
  assert.deepEqual(profile.takeCspViolations(), [], "the app itself breaks no rule");

  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__impInlineRan = true;";
    document.body.append(script);
  });
  await until(() => profile.cspViolations.length > 0, { what: "the CSP violation to be recorded" });
  assert.equal(await page.evaluate(() => window.__impInlineRan), undefined, "the inline script did not run");
  const violations = profile.takeCspViolations();
  assert.ok(
    violations.some((v) => /script-src/.test(v.directive ?? v.console ?? "")),
    JSON.stringify(violations),
  );
});
