// Benchmark: offline cold start on a slow phone. A demo student signs in once (the first sync
// fills IndexedDB, the service worker precaches the app), then, offline with the CPU throttled 4×
// (Chromium's DevTools throttling of the page's main thread), the app is reopened in a new page
// five times, the service worker stopped before each (a phone reopening the app after a while).
// Each figure is measured inside the page with performance.now() (0 = navigation start): when the
// student's name is in the home screen's DOM (a MutationObserver installed before any of the
// page's scripts) and in a painted frame, when the home's first card of stored records shows (the
// app mounts before it reads them), First Contentful Paint, the main wasm's responseEnd and
// when its instantiation resolved, and when the app's IndexedDB open succeeded. Interleaved with
// those runs, in the same browser under the same throttle and offline, the raw IndexedDB baseline:
// plain JS in a fresh page of the app's origin (the app kept from starting) opening the app's
// database and reading the student's space with one getAll. Prints figures only; fails only when
// the app cannot be driven.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { WorkerProcess } from "../support/worker.mjs";
import { CHROMIUM_ARGS, PHONE } from "../support/chromium.mjs";
import { DEMO } from "../support/api.mjs";
import { signIn, waitForServiceWorker, waitForSynced } from "../support/app.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CPU_SLOWDOWN = 4;
const GOAL_MS = 1000;
/** How long a cold start may take before the app counts as not drivable (an error, not a figure). */
const DEADLINE_MS = 30_000;
// The app's storage (app/src/storage/mod.rs): database, stores, and how base keys name a space.
const DB_NAME = "imp-companion";
const BASE = "base";
const META = "meta";
const SEP = "\u001f";
const NAME_SELECTOR = '[data-testid="user-name"]';
// A card of the student's home that shows once the stored records are read (the name comes first).
const RECORDS_SELECTOR = '[data-testid="milestones"]';

/** Runs in the page before any of its scripts: records when things happen, in page time. */
function coldProbe({ name, nameSelector, recordsSelector, dbName }) {
  const record = { name: null, namePainted: null, records: null, instantiated: [], idbOpen: null };
  window.__impCold = record;
  record.recordsShown = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (record.records !== null || !document.querySelector(recordsSelector)) return;
      record.records = performance.now();
      observer.disconnect();
      resolve();
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  record.shown = new Promise((resolve) => {
    const check = () => {
      if (record.name !== null) return;
      const element = document.querySelector(nameSelector);
      if (!element || !element.textContent.includes(name)) return;
      record.name = performance.now();
      observer.disconnect();
      // The frame that first shows it: a task posted from its animation frame runs after it paints.
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => { record.namePainted = performance.now(); resolve(); };
        channel.port2.postMessage(null);
      });
    };
    const observer = new MutationObserver(check);
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  });
  // When the wasm's instantiation resolves (wasm-bindgen uses instantiateStreaming, or
  // instantiate after a fallback; lazy pieces come later and are listed too).
  for (const method of ["instantiateStreaming", "instantiate"]) {
    const original = WebAssembly[method];
    if (typeof original !== "function") continue;
    WebAssembly[method] = function (...args) {
      const started = performance.now();
      return original.apply(this, args).then((result) => {
        record.instantiated.push({ method, started, ended: performance.now() });
        return result;
      });
    };
  }
  // When the app's own IndexedDB open succeeds, and its reads and writes until the name shows:
  // how many, and when the last of them completed.
  record.idbRequests = 0;
  record.idbLast = null;
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (database, ...rest) {
    const request = open.call(this, database, ...rest);
    if (database === dbName && record.idbOpen === null) {
      const started = performance.now();
      request.addEventListener("success", () => { record.idbOpen ??= { started, ended: performance.now() }; });
    }
    return request;
  };
  for (const method of ["get", "getAll", "getAllKeys", "put", "add", "delete", "count", "openCursor", "clear"]) {
    const original = IDBObjectStore.prototype[method];
    if (typeof original !== "function") continue;
    IDBObjectStore.prototype[method] = function (...args) {
      const request = original.apply(this, args);
      if (record.name === null) {
        record.idbRequests += 1;
        request.addEventListener("success", () => { if (record.name === null) record.idbLast = performance.now(); });
      }
      return request;
    };
  }
}

/** Runs in the baseline page before any of its scripts: the app's wasm never instantiates, so
 *  the app never starts (and never touches IndexedDB); the page is the same origin's shell. */
function keepAppFromStarting() {
  const never = () => new Promise(() => {});
  WebAssembly.instantiateStreaming = never;
  WebAssembly.instantiate = never;
}

/** In the page: resolves with the paint entry `name` (null if none within `waitMs`). */
function paintEntry([name, waitMs]) {
  const find = () => performance.getEntriesByType("paint").find((entry) => entry.name === name)?.startTime ?? null;
  const now = find();
  if (now !== null) return now;
  return new Promise((resolve) => {
    const observer = new PerformanceObserver(() => {
      const found = find();
      if (found !== null) { observer.disconnect(); resolve(found); }
    });
    observer.observe({ type: "paint", buffered: true });
    setTimeout(() => { observer.disconnect(); resolve(find()); }, waitMs);
  });
}

/**
 * Runs every cleanup step, in order, even when one fails. A failure is thrown when the work they
 * clean up after succeeded (`failed` false); after a failure of the work itself, that first error
 * is the one that propagates, and the cleanup's failure is reported on stderr with it.
 */
async function cleanUp(failed, steps) {
  const problems = [];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      problems.push(`${what}: ${error.message}`);
    }
  }
  if (!problems.length) return;
  const message = `cleanup failed (${problems.join("; ")})`;
  if (failed) console.error(`# ${message}, after an earlier error`);
  else throw new Error(message);
}

/** A new page of `context`, its CPU slowed down, with the service worker stopped. `swStopped` is
 *  true, or why the service worker could not be stopped (the run is then reported as warm). */
async function throttledPage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  let swStopped = true;
  try {
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
  } catch (error) {
    swStopped = error.message;
  }
  return { page, cdp, swStopped };
}

/** The page's text for an error message, or why it could not be read. */
async function pageText(page) {
  try {
    return ((await page.textContent("body")) ?? "").replace(/\s+/g, " ").slice(0, 300);
  } catch (error) {
    return `(the page's text could not be read: ${error.message})`;
  }
}

async function coldStart(context, url, name) {
  const { page, cdp, swStopped } = await throttledPage(context);
  let failed = true;
  try {
    await page.addInitScript(coldProbe, { name, nameSelector: NAME_SELECTOR, recordsSelector: RECORDS_SELECTOR, dbName: DB_NAME });
    await page.goto(`${url}/`, { waitUntil: "commit", timeout: DEADLINE_MS });
    const shown = await page.evaluate(async (deadline) => {
      const timeout = new Promise((resolve) => setTimeout(() => resolve(false), deadline));
      const both = Promise.all([window.__impCold.shown, window.__impCold.recordsShown]);
      return Promise.race([both.then(() => true), timeout]);
    }, DEADLINE_MS);
    if (!shown) {
      throw new Error(`the student's name (${name}) or home records did not appear within ${DEADLINE_MS / 1000} s offline; the page shows: ${await pageText(page)}`);
    }
    if (!(await page.isVisible(NAME_SELECTOR))) throw new Error("the student's name is in the DOM but not visible");
    const fcp = await page.evaluate(paintEntry, ["first-contentful-paint", 5_000]);
    const figures = await page.evaluate(() => {
      const cold = window.__impCold;
      const navigation = performance.getEntriesByType("navigation")[0];
      const wasm = performance.getEntriesByType("resource").filter((entry) => new URL(entry.name).pathname.endsWith(".wasm"));
      const main = wasm.find((entry) => entry.name.endsWith("/imp_app_bg.wasm"));
      return {
        name: cold.name,
        namePainted: cold.namePainted,
        records: cold.records,
        htmlEnd: navigation?.responseEnd ?? null,
        wasmEnd: main?.responseEnd ?? null,
        wasmBytes: main?.decodedBodySize ?? null,
        wasmPieces: wasm.map((entry) => new URL(entry.name).pathname.split("/").pop()),
        instantiated: cold.instantiated.length ? cold.instantiated[0].ended : null,
        idbOpen: cold.idbOpen?.ended ?? null,
        idbLast: cold.idbLast,
        idbRequests: cold.idbRequests,
        online: navigator.onLine,
        controlled: navigator.serviceWorker?.controller != null,
      };
    });
    failed = false;
    return { ...figures, fcp, swStopped };
  } finally {
    await cleanUp(failed, [["detach the DevTools session", () => cdp.detach()], ["close the page", () => page.close()]]);
  }
}

async function rawIndexedDb(context, url, space) {
  const { page, cdp } = await throttledPage(context);
  let failed = true;
  try {
    await page.addInitScript(keepAppFromStarting);
    await page.goto(`${url}/`, { waitUntil: "load", timeout: DEADLINE_MS });
    const shellPaint = await page.evaluate(paintEntry, ["first-paint", 1_000]);
    const read = await page.evaluate(async ({ dbName, base, meta, lower, upper, cursorKey }) => {
      const done = (request) => new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const started = performance.now();
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(dbName);
        request.onupgradeneeded = () => { request.transaction.abort(); reject(new Error(`no ${dbName} database in this profile`)); };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const opened = performance.now();
      const tx = db.transaction([meta, base], "readonly");
      const [rows] = await Promise.all([
        done(tx.objectStore(base).getAll(IDBKeyRange.bound(lower, upper))),
        done(tx.objectStore(meta).get(cursorKey)),
      ]);
      const readAt = performance.now();
      for (const row of rows) JSON.parse(row);
      const parsed = performance.now();
      const everything = performance.now();
      const all = await done(db.transaction(base, "readonly").objectStore(base).getAll());
      const allRead = performance.now();
      db.close();
      return {
        open: opened - started,
        getAll: readAt - opened,
        total: readAt - started,
        parse: parsed - readAt,
        rows: rows.length,
        bytes: rows.reduce((sum, row) => sum + row.length, 0),
        allRows: all.length,
        allBytes: all.reduce((sum, row) => sum + row.length, 0),
        allGetAll: allRead - everything,
      };
    }, { dbName: DB_NAME, base: BASE, meta: META, lower: `${space}${SEP}`, upper: `${space}${SEP}\u{10ffff}`, cursorKey: `cursor:${space}` });
    failed = false;
    return { ...read, shellPaint };
  } finally {
    await cleanUp(failed, [["detach the DevTools session", () => cdp.detach()], ["close the page", () => page.close()]]);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function row(label, values) {
  const present = values.filter((value) => typeof value === "number" && Number.isFinite(value));
  if (!present.length) {
    console.log(`${label.padEnd(54)} ${"—".padStart(8)} ${"—".padStart(8)} ${"—".padStart(8)}   (not observed)`);
    return null;
  }
  const m = median(present);
  const fmt = (value) => value.toFixed(0).padStart(8);
  const missing = present.length < values.length ? `   (${values.length - present.length} of ${values.length} not observed)` : "";
  console.log(`${label.padEnd(54)} ${fmt(m)} ${fmt(Math.min(...present))} ${fmt(Math.max(...present))}${missing}`);
  return m;
}

const worker = await WorkerProcess.startSeeded();
const dir = mkdtempSync(join(tmpdir(), "imp-coldstart-"));
let context;
let failed = true;
try {
  context = await chromium.launchPersistentContext(dir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    ...PHONE,
  });

  // Online, once: sign in, the first sync, the service worker installed (its precache complete)
  // and controlling the page.
  const first = context.pages()[0] ?? (await context.newPage());
  await signIn(first, worker.url, DEMO.student.email);
  await waitForSynced(first);
  await first.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await waitForServiceWorker(first);
  const name = (await first.textContent(NAME_SELECTOR))?.trim();
  if (!name) throw new Error("the home screen shows no name for the demo student");
  const userId = await first.evaluate(async () => {
    // The signed-in user's id as the app stored it (meta `session`), which names their space.
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open("imp-companion");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const session = await new Promise((resolve, reject) => {
      const request = db.transaction("meta").objectStore("meta").get("session");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return session ? JSON.parse(session).user.id : null;
  });
  const space = `student:${userId ?? DEMO.student.id}`;
  await first.close();

  await context.setOffline(true);
  const cold = [];
  const raw = [];
  for (let run = 0; run < RUNS; run += 1) {
    cold.push(await coldStart(context, worker.url, name));
    raw.push(await rawIndexedDb(context, worker.url, space));
  }
  if (cold.some((figures) => figures.online)) throw new Error("a page still reported being online");
  if (cold.some((figures) => !figures.controlled)) throw new Error("a cold start was not served by the service worker");
  if (raw.some((figures) => figures.rows === 0)) throw new Error(`no records of ${space} in IndexedDB: the baseline read nothing`);

  const sample = cold[0];
  console.log(`Offline cold start, CPU ${CPU_SLOWDOWN}× slower, ${RUNS} runs, each in a new page of one profile`
    + ` (service worker ${cold.every((figures) => figures.swStopped === true) ? "stopped before each run" : `NOT stopped: still warm (${cold.find((figures) => figures.swStopped !== true).swStopped})`};`
    + ` ${raw[0].rows} records in ${space}, ${(raw[0].bytes / 1024).toFixed(0)} KiB of JSON; ${raw[0].allRows} records on the device (${(raw[0].allBytes / 1024).toFixed(0)} KiB);`
    + ` main wasm ${sample.wasmBytes ? `${(sample.wasmBytes / 1024).toFixed(0)} KiB` : "size unknown"}, wasm files loaded: ${sample.wasmPieces.length})`);
  console.log(`${"ms from navigation start, measured in the page".padEnd(54)} ${"median".padStart(8)} ${"min".padStart(8)} ${"max".padStart(8)}`);
  row("HTML from the service worker (responseEnd)", cold.map((f) => f.htmlEnd));
  const wasmEnd = row("main wasm fetched (responseEnd)", cold.map((f) => f.wasmEnd));
  row("main wasm instantiated", cold.map((f) => f.instantiated));
  row("app's IndexedDB open succeeded", cold.map((f) => f.idbOpen));
  row(`app's last IndexedDB request before the name (of ${median(cold.map((f) => f.idbRequests))})`, cold.map((f) => f.idbLast));
  const fcp = row("First Contentful Paint", cold.map((f) => f.fcp));
  const nameShown = row("student's name in the home screen (DOM)", cold.map((f) => f.name));
  row("… in a painted frame", cold.map((f) => f.namePainted));
  row("the home's records shown (DOM)", cold.map((f) => f.records));
  console.log(`ms, raw IndexedDB in a fresh page (same throttle, offline)`);
  const rawTotal = row("raw IndexedDB open + getAll (student space)", raw.map((r) => r.total));
  row("  of which open", raw.map((r) => r.open));
  row("  of which getAll", raw.map((r) => r.getAll));
  row("JSON.parse of those rows (after the read)", raw.map((r) => r.parse));
  row("getAll of every record on the device (after)", raw.map((r) => r.allGetAll));
  row("static shell first paint (SW cache, no wasm)", raw.map((r) => r.shellPaint));
  if (nameShown !== null && rawTotal) {
    console.log(`\nname visible / raw IndexedDB open + getAll = ${(nameShown / rawTotal).toFixed(1)}×`
      + (wasmEnd !== null ? `   (name visible − wasm fetched = ${(nameShown - wasmEnd).toFixed(0)} ms)` : "")
      + (fcp !== null ? `   (FCP − name visible = ${(fcp - nameShown).toFixed(0)} ms)` : ""));
  }
  console.log(`goal ≤ ${GOAL_MS} ms to the student's name (median, offline, CPU ${CPU_SLOWDOWN}×): ${nameShown !== null && nameShown <= GOAL_MS ? "met" : "missed"}`);
  failed = false;
} finally {
  await cleanUp(failed, [
    ["close the browser", async () => { await context?.close(); }],
    ["remove the browser profile", () => rmSync(dir, { recursive: true, force: true })],
    ["stop the Worker", () => worker.stop()],
  ]);
}
