// Launches Debian's Chromium through playwright-core (never a downloaded browser).
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 800 } };

/** A persistent browser profile (IndexedDB survives `reopen()`), removed on `close()`. */
export class Profile {
  constructor(options = {}) {
    this.options = options;
    this.dir = mkdtempSync(join(tmpdir(), "imp-chromium-"));
  }

  async open() {
    this.context = await chromium.launchPersistentContext(this.dir, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
      ...this.options,
    });
    return this.context;
  }

  async reopen() {
    await this.context?.close();
    return this.open();
  }

  async close() {
    await this.context?.close();
    rmSync(this.dir, { recursive: true, force: true });
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
