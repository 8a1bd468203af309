// End-to-end: the app shell in Chromium at a phone and a desktop viewport: each role's home and
// navigation, both languages (checked against the catalogue), the manifest and service worker,
// offline boot, accessibility (axe-core) on every main screen, and screenshots.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { ROOT, until } from "../support/worker.mjs";
import { DESKTOP, PHONE } from "../support/browser.mjs";
import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";
import { axeViolations } from "../support/a11y.mjs";
import { addTask, catalogueText, openTasks, signIn, waitForServiceWorker, waitForSynced, setLanguage } from "../support/app.mjs";

export const SCREENSHOTS = join(ROOT, "tests", "screenshots");

const suite = seededSuite();

async function newPage(viewport) {
  const profile = await suite.profiles.open(viewport);
  const page = await profile.context.newPage();
  page.errors = [];
  page.on("pageerror", (error) => page.errors.push(error.message));
  return { profile, page };
}

/** English catalogue strings still shown on the page (that have a different zh-TW text). Each
 *  visible text node and label attribute is compared whole, so data that merely contains an
 *  English word (a session agenda, a task title) does not count. */
async function englishLeft(page) {
  return page.evaluate(async () => {
    const module = await import("/pkg/imp_app.js");
    const pairs = JSON.parse(module.catalogue());
    const shown = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const parent = node.parentElement;
      if (text && parent && parent.closest("script, style") === null && parent.checkVisibility()) shown.add(text);
    }
    for (const element of document.querySelectorAll("[aria-label],[title],[placeholder]")) {
      for (const name of ["aria-label", "title", "placeholder"]) {
        const value = element.getAttribute(name);
        if (value) shown.add(value.trim());
      }
    }
    return pairs.filter(([en, zh]) => en !== zh && /[A-Za-z]{3}/.test(en) && shown.has(en)).map(([en]) => en);
  });
}

/** The trimmed text of the element with this `data-testid`. */
async function text(page, testId) {
  return ((await page.textContent(`[data-testid="${testId}"]`)) ?? "").trim();
}

async function expectAccessible(page, screen) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${screen}: ${JSON.stringify(violations, null, 1)}`);
}

before(() => {
  mkdirSync(SCREENSHOTS, { recursive: true });
});

describe("the app shell", { timeout: 300_000 }, () => {
  test("the app is served with its manifest and health answer", { timeout: 60_000 }, async () => {
    const { page } = await newPage(PHONE);
    await page.goto(suite.worker.url);
    await page.waitForSelector("h1");
    const href = await page.getAttribute('link[rel="manifest"]', "href");
    assert.equal(href, "/manifest.webmanifest");
    const response = await fetch(`${suite.worker.url}${href}`);
    assert.match(response.headers.get("content-type"), /^application\/manifest\+json/);
    const manifest = await response.json();
    for (const field of ["name", "short_name", "description", "start_url", "scope", "lang", "theme_color", "background_color"]) {
      assert.ok(manifest[field], `manifest.${field}`);
    }
    assert.equal(manifest.display, "standalone");
    const sizes = (purpose) => manifest.icons.filter((icon) => icon.purpose === purpose).map((icon) => icon.sizes);
    assert.deepEqual(sizes("any").sort(), ["192x192", "512x512"]);
    assert.deepEqual(sizes("maskable").sort(), ["192x192", "512x512"]);
    for (const icon of manifest.icons) {
      const image = await fetch(`${suite.worker.url}${icon.src}`);
      assert.equal(image.status, 200, icon.src);
      assert.equal(image.headers.get("content-type"), "image/png");
    }
    await waitForServiceWorker(page);
    const api = await fetch(`${suite.worker.url}/api/v1/some/deep/link`);
    assert.equal(api.status, 404);
    assert.equal((await api.json()).error, "not_found");
    const deep = await page.goto(`${suite.worker.url}/some/deep/link`);
    assert.equal(deep.status(), 200);
    await page.waitForSelector("#email");
    await expectAccessible(page, "sign-in (en)");
    await setLanguage(page, "zh-TW");
    assert.deepEqual(await englishLeft(page), []);
    await expectAccessible(page, "sign-in (zh-TW)");
    assert.deepEqual(page.errors, []);
  });

  for (const [viewportName, viewport] of [["phone", PHONE], ["desktop", DESKTOP]]) {
    for (const role of ["student", "mentor", "staff"]) {
      test(`${role} signs in and reaches their home on a ${viewportName}`, { timeout: 90_000 }, async () => {
        const { page } = await newPage(viewport);
        await signIn(page, suite.worker.url, DEMO[role].email);
        await waitForSynced(page);
        const expected = { student: "Welcome", mentor: "Your mentees", staff: "Program overview" }[role];
        assert.equal(await page.textContent('[data-testid="home-title"]'), expected, "the first visit on this device");
        const nav = await page.locator("nav.nav").boundingBox();
        if (viewportName === "phone") {
          assert.ok(nav.y > viewport.viewport.height / 2 && nav.width >= viewport.viewport.width - 1, "a bottom tab bar on phones");
        } else {
          assert.ok(nav.x === 0 && nav.height > nav.width, "a side bar on wide screens");
        }
        const links = await page.$$eval("nav.nav a", (anchors) => anchors.map((a) => a.getAttribute("href")));
        assert.deepEqual(links, role === "staff" ? ["/", "/people", "/program", "/matching", "/workshops", "/concerns", "/announcements", "/settings"] : ["/", "/tasks", "/sessions", "/jobs", "/visa", "/settings"]);
        if (role === "staff") {
          assert.equal(await page.textContent('[data-testid="program-stats"] .stat-value >> nth=0'), "91");
        }
        if (role === "mentor") {
          await page.waitForSelector('[data-testid="mentees"] li');
        }
        if (role === "student") {
          // The placement staff confirmed, with the mentor the demo mentor account belongs to.
          assert.match(await page.textContent('[data-testid="placement-mentor"]'), /Chen Wei-Ting$/);
          assert.ok((await page.textContent('[data-testid="placement-organization"]')).length > 0);
        }
        const screens = role === "student"
          ? ["/", "/tasks", "/sessions", "/jobs", "/visa", "/positions", "/profile", "/checkin?w=workshop-1", "/concern", "/changes", "/settings"]
          : role === "mentor" ? ["/", "/tasks", "/sessions", "/jobs", "/visa", "/profile", "/settings"] : ["/", "/people", "/program", "/matching", "/workshops", "/concerns", "/announcements", "/student?id=s-180", "/changes", "/settings"];
        for (const lang of ["en", "zh-TW"]) {
          await setLanguage(page, lang);
          for (const screen of screens) {
            const path = screen.split("?")[0];
            if (screen === "/changes") {
              await page.click('[data-testid="sync-status"]');
            } else if (links.includes(screen)) {
              await page.click(`nav.nav a[href="${screen}"]`);
            } else {
              await page.goto(`${suite.worker.url}${screen}`);
            }
            await page.waitForFunction((wanted) => location.pathname === wanted, path);
            await page.waitForSelector("main h1");
            await page.locator("main .card, main .empty").first().waitFor();
            if (lang === "zh-TW") {
              assert.deepEqual(await englishLeft(page), [], `${role} ${screen}: English left`);
            }
            if (viewportName === "phone") {
              await expectAccessible(page, `${role} ${screen} (${lang})`);
              const name = path === "/" ? "home" : path.slice(1);
              await page.screenshot({ path: join(SCREENSHOTS, `${role}-${name}-phone-${lang}.png`), fullPage: true });
            }
          }
        }
        await setLanguage(page, "en");
        assert.deepEqual(page.errors, []);
      });
    }
  }

  // One route table (app/src/routes.rs) gates every address by role: typing another role's
  // address shows a "not for your role" screen, never that role's editors.
  const NOT_THEIRS = {
    student: [["/matching", "staff"], ["/program", "staff"], ["/student?id=s-180", "staff"]],
    mentor: [["/people", "staff"], ["/positions", "student"]],
    staff: [["/tasks", "pairs"], ["/positions", "student"], ["/checkin?w=workshop-1", "student"]],
  };
  for (const [role, screens] of Object.entries(NOT_THEIRS)) {
    test(`a ${role} opening another role's screen is told it is not for their role`, { timeout: 90_000 }, async () => {
      const { page } = await newPage(PHONE);
      await signIn(page, suite.worker.url, DEMO[role].email);
      await waitForSynced(page);
      const title = await catalogueText(page, "This screen is not for your role");
      const names = {
        student: await catalogueText(page, "Student"),
        mentor: await catalogueText(page, "Mentor"),
        staff: await catalogueText(page, "Program staff"),
      };
      const allowed = (who, lang) => {
        const key = lang === "en" ? "en" : "zh";
        const list = who === "pairs" ? [names.student[key], names.mentor[key]] : [names[who][key]];
        return list.join(lang === "en" ? ", " : "、");
      };
      for (const lang of ["en", "zh-TW"]) {
        await setLanguage(page, lang);
        for (const [screen, who] of screens) {
          await page.goto(`${suite.worker.url}${screen}`);
          await page.waitForSelector('[data-testid="not-for-role"]');
          assert.equal(await page.textContent('[data-testid="not-for-role"] h1'), lang === "en" ? title.en : title.zh, screen);
          assert.equal(await page.textContent('[data-testid="roles-allowed"]'), allowed(who, lang), screen);
          assert.equal(await page.locator("main [data-write], main input, main textarea, main select").count(), 0,
            `${role} ${screen}: no editor of another role`);
          if (lang === "zh-TW") {
            assert.deepEqual(await englishLeft(page), [], `${role} ${screen}: English left`);
          }
          await expectAccessible(page, `${role} ${screen} not for their role (${lang})`);
        }
      }
      await page.click('[data-testid="go-home"]');
      await page.waitForFunction(() => location.pathname === "/");
      await page.waitForSelector('[data-testid="home-title"]');
      assert.deepEqual(page.errors, []);
    });
  }

  test("after one visit, an offline reload shows the app and the stored data", { timeout: 90_000 }, async () => {
    const { profile, page } = await newPage(PHONE);
    await signIn(page, suite.worker.url, DEMO.student.email);
    await waitForServiceWorker(page);
    await waitForSynced(page);
    await openTasks(page);
    const titles = await page.$$eval('[data-testid="task"]', (items) => items.map((item) => item.dataset.title));
    assert.ok(titles.length > 0);
    await profile.context.setOffline(true);
    await page.reload();
    await page.waitForSelector('[data-testid="task"]');
    const offlineTitles = await page.$$eval('[data-testid="task"]', (items) => items.map((item) => item.dataset.title));
    assert.deepEqual(offlineTitles, titles);
    await page.waitForSelector('[data-testid="sync-status"][data-state="offline"]');
    await profile.context.setOffline(false);
  });

  test("the language choice is remembered and defaults from the browser", { timeout: 60_000 }, async () => {
    const profile = await suite.profiles.open({ ...PHONE, locale: "zh-TW" });
    const page = await profile.context.newPage();
    await page.goto(suite.worker.url);
    await page.waitForFunction(() => document.documentElement.lang === "zh-TW");
    assert.equal(await page.textContent("main h1"), "登入");
    await setLanguage(page, "en");
    await page.reload();
    await page.waitForFunction(() => document.documentElement.lang === "en");
    assert.equal(await page.textContent("main h1"), "Sign in");
  });

  test("an invited student sets a password, and signing out with waiting changes warns first", { timeout: 90_000 }, async () => {
    const staff = await new Api(suite.worker.url).login(DEMO.staff.email);
    const email = `${uniqueId("invited")}@demo.imp`;
    const invite = await staff.request("POST", "/api/v1/invites", { body: { email, display_name: "Invited Student", role: "student" } });
    assert.equal(invite.status, 201);
    const { profile, page } = await newPage(PHONE);

    // A link with an unknown code says so by the code field; what the person typed stays.
    await page.goto(`${suite.worker.url}/invite?code=${"0".repeat(32)}`);
    await setLanguage(page, "en");
    const invalid = await catalogueText(page, "This invite code is unknown, used or expired.");
    await page.fill("#new-password", "typed-before-the-answer");
    await until(async () => (await text(page, "invite-code-error")) === invalid.en, { what: "the unknown code to be refused" });
    assert.equal(await page.inputValue("#code"), "0".repeat(32));
    assert.equal(await page.inputValue("#new-password"), "typed-before-the-answer");
    assert.equal(await page.locator('[data-testid="invite-for"]').count(), 0);

    // The right code, typed: the page shows whom it is for, the role and the password rule, in
    // both languages, worded by the app's own catalogue.
    const min = (await new Api(suite.worker.url).request("GET", `/api/v1/auth/invite?code=${invite.json.code}`)).json.password_min_chars;
    const words = {
      inviteFor: await catalogueText(page, "Invitation for"),
      asStudent: await catalogueText(page, "as a student"),
      atLeast: await catalogueText(page, "At least"),
      characters: await catalogueText(page, "characters"),
    };
    await page.fill("#code", invite.json.code);
    await page.locator("#code").blur();
    await page.waitForSelector('[data-testid="invite-for"]');
    for (const [lang, key] of [["en", "en"], ["zh-TW", "zh"]]) {
      await setLanguage(page, lang);
      const inviteFor = await text(page, "invite-for");
      assert.ok(inviteFor.startsWith(words.inviteFor[key]), `${lang}: ${inviteFor}`);
      assert.ok(inviteFor.includes("Invited Student") && inviteFor.includes(email), `${lang}: ${inviteFor}`);
      assert.equal(await text(page, "invite-role"), words.asStudent[key]);
      const rule = await text(page, "password-rule");
      assert.ok(rule.startsWith(words.atLeast[key]) && rule.endsWith(words.characters[key]) && rule.includes(` ${min} `), `${lang}: ${rule}`);
      assert.equal(await text(page, "invite-code-error"), "", "the refusal of the other code is gone");
      assert.equal(await page.inputValue("#new-password"), "typed-before-the-answer");
      if (lang === "zh-TW") assert.deepEqual(await englishLeft(page), [], "no English left on the invite page");
      await expectAccessible(page, `invite page (${lang})`);
      await page.screenshot({ path: join(SCREENSHOTS, `invite-phone-${lang}.png`), fullPage: true });
    }
    await setLanguage(page, "en");

    // Offline, the code cannot be checked: the page says so and keeps the form.
    const offline = await catalogueText(page, "You are offline, so the invite code cannot be checked");
    await profile.context.setOffline(true);
    await page.fill("#code", invite.json.code.toUpperCase());
    await page.locator("#code").blur();
    await until(async () => (await text(page, "invite-code-error")) === offline.en, { what: "the offline look-up to be explained" });
    assert.equal(await page.inputValue("#code"), invite.json.code.toUpperCase());
    assert.equal(await page.inputValue("#new-password"), "typed-before-the-answer");
    await profile.context.setOffline(false);
    await page.fill("#code", invite.json.code);
    await page.locator("#code").blur();
    await page.waitForSelector('[data-testid="invite-for"]');

    await page.fill("#new-password", "short");
    await page.click("button[type=submit]");
    await page.waitForSelector("text=Use at least 10 characters.");
    await page.fill("#new-password", "a-good-long-password");
    await page.click("button[type=submit]");
    await page.waitForSelector('[data-testid="home-title"]');
    assert.equal(await page.textContent('[data-testid="user-name"]'), "Invited Student");
    await expectAccessible(page, "invited student's home");

    await openTasks(page);
    await profile.context.setOffline(true);
    await addTask(page, "Unsynced before sign-out");
    await page.click('nav.nav a[href="/settings"]');
    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[role="alertdialog"]');
    await expectAccessible(page, "sign-out warning");
    await page.getByRole("button", { name: "Cancel" }).click();
    assert.equal(await page.locator('[role="alertdialog"]').count(), 0);
    assert.equal(await page.getAttribute('[data-testid="sync-status"]', "data-pending"), "1", "still signed in, change kept");
    await page.click('[data-testid="sign-out"]');
    await page.click('[data-testid="confirm"]');
    await page.waitForSelector("#email");
    await profile.context.setOffline(false);
  });
});
