// Launches Debian's Chromium through playwright-core (never a downloaded browser). Every page of
// every profile runs under the app's Content-Security-Policy: a violation (the page's
// `securitypolicyviolation` event, or Chromium's console report of one) is recorded, and the
// `afterEach` hook below fails the test that caused it.
import { afterEach } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./chromium.mjs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export { CHROMIUM_ARGS, DESKTOP, PHONE } from "./chromium.mjs";

/** Profiles that are open, whose CSP violations the `afterEach` hook checks. */
const live = new Set();

/** Records CSP violations of every page in `context` into `into`. */
async function watchCsp(context, into) {
  await context.exposeBinding("__impCspViolation", ({ page }, violation) => {
    into.push({ ...violation, page: page?.url() ?? "" });
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__impCspViolation?.({
        directive: event.violatedDirective,
        blocked: event.blockedURI,
        source: event.sourceFile,
        line: event.lineNumber,
        sample: event.sample,
      });
    });
  });
  context.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      into.push({ console: message.text(), page: message.page()?.url() ?? "" });
    }
  });
}

/** A persistent browser profile (IndexedDB survives `reopen()`), removed on `close()`. */
export class Profile {
  constructor(options = {}) {
    this.options = options;
    this.dir = mkdtempSync(join(tmpdir(), "imp-chromium-"));
    this.cspViolations = [];
  }

  async open() {
    this.context = await chromium.launchPersistentContext(this.dir, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
      ...this.options,
    });
    await watchCsp(this.context, this.cspViolations);
    live.add(this);
    return this.context;
  }

  /** The CSP violations recorded so far, emptying the record. */
  takeCspViolations() {
    return this.cspViolations.splice(0);
  }

  async reopen() {
    await this.context?.close();
    return this.open();
  }

  async close() {
    live.delete(this);
    await this.context?.close();
    rmSync(this.dir, { recursive: true, force: true });
    const left = this.takeCspViolations();
    assert.deepEqual(left, [], `CSP violations: ${JSON.stringify(left, null, 1)}`);
  }
}

/** The browser profiles a test file opens, closed together in its `after()` hook. */
export class Profiles {
  constructor() {
    this.opened = [];
  }

  async open(options = PHONE) {
    const profile = new Profile(options);
    await profile.open();
    this.opened.push(profile);
    return profile;
  }

  async closeAll() {
    for (const profile of this.opened) await profile.close();
    this.opened = [];
  }
}

// Every test fails on a CSP violation any open profile recorded while it ran.
afterEach(() => {
  const violations = [...live].flatMap((profile) => profile.takeCspViolations());
  assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations, null, 1)}`);
});
