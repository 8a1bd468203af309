// Lighthouse 12.2.3 against the running app, for `make lighthouse` (scripts/lighthouse.sh).
//
//   node scripts/lighthouse.mjs run <label> <url> [--accept-encoding=VALUE]
//       one run: mobile (Lighthouse's default form factor and throttling), four categories; prints
//       scores, metrics, bytes, the wasm's encoding, what to improve; saves the reports. With
//       --accept-encoding every request sends that header instead of Chromium's own.
//   node scripts/lighthouse.mjs table <label>…
//       the saved runs side by side
//
// Chromium is $CHROME_PATH (default /usr/bin/chromium), headless. It exits non-zero only when
// Lighthouse cannot run or measure (no scores); low scores are figures, not failures.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const ROOT = resolve(import.meta.dirname, "..");
const OUT = join(ROOT, "target", "lighthouse");
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const METRICS = [
  ["first-contentful-paint", "FCP"],
  ["largest-contentful-paint", "LCP"],
  ["total-blocking-time", "TBT"],
  ["cumulative-layout-shift", "CLS"],
  ["speed-index", "Speed Index"],
  ["interactive", "TTI"],
];

const say = (line = "") => console.log(line === "" ? "" : `    ${line}`);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const short = (url, base) => {
  try {
    const parsed = new URL(url);
    return base && parsed.origin === new URL(base).origin ? parsed.pathname + parsed.search : url;
  } catch {
    return String(url);
  }
};

/** What each wasm (and other compressible) response was sent as, from the run's DevTools log:
 *  the network-requests audit has sizes but no headers. */
function encodings(artifacts) {
  const log = artifacts.DevtoolsLog ?? artifacts.devtoolsLogs?.defaultPass ?? [];
  const byId = new Map();
  for (const { method, params } of log) {
    if (method === "Network.requestWillBeSent") {
      byId.set(params.requestId, { ...(byId.get(params.requestId) ?? {}), url: params.request.url, accept: header(params.request.headers, "accept-encoding") });
    } else if (method === "Network.requestWillBeSentExtraInfo") {
      const accept = header(params.headers, "accept-encoding");
      if (accept) byId.set(params.requestId, { ...(byId.get(params.requestId) ?? {}), accept });
    } else if (method === "Network.responseReceived") {
      byId.set(params.requestId, {
        ...(byId.get(params.requestId) ?? {}),
        url: params.response.url,
        status: params.response.status,
        protocol: params.response.protocol,
        encoding: header(params.response.headers, "content-encoding"),
      });
    }
  }
  return [...byId.values()].filter((entry) => entry.url);
}

function header(headers, name) {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** Requests the browser marked render-blocking, from the run's trace (Lighthouse's own audit
 *  needs trace data this Chromium no longer writes; see `broken`). */
function renderBlocking(artifacts) {
  const events = artifacts.Trace?.traceEvents ?? [];
  return events
    .filter((event) => event.name === "ResourceSendRequest" && /blocking/.test(event.args?.data?.renderBlocking ?? "") && event.args.data.renderBlocking !== "non_blocking")
    .map((event) => ({ url: event.args.data.url, how: event.args.data.renderBlocking }));
}

/** The page's own account of its largest contentful paint, on a phone-sized viewport without
 *  throttling: which element it is, how big, and when. Lighthouse 12.2.3 cannot name the element
 *  with this Chromium (its TraceElements gatherer fails), so a short second load asks the page. */
async function probeLcp(port, url, settings) {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
  try {
    const page = await browser.newPage();
    const { width, height, deviceScaleFactor, mobile } = settings.screenEmulation;
    await page.setViewport({ width, height, deviceScaleFactor, isMobile: mobile, hasTouch: mobile });
    await page.setUserAgent(settings.emulatedUserAgent);
    await page.goto(url, { waitUntil: "networkidle0", timeout: 60_000 });
    const found = await page.evaluate(() => new Promise((done) => {
      const entries = [];
      new PerformanceObserver((list) => entries.push(...list.getEntries())).observe({ type: "largest-contentful-paint", buffered: true });
      setTimeout(() => {
        const last = entries.at(-1);
        const paint = performance.getEntriesByName("first-contentful-paint")[0];
        const describe = (element) => {
          if (!element) return null;
          const classes = element.className && typeof element.className === "string" ? `.${element.className.trim().split(/\s+/).join(".")}` : "";
          const text = (element.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 60);
          return `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${classes}> “${text}”`;
        };
        done({
          element: describe(last?.element),
          size: last?.size ?? null,
          at: last ? Math.round(last.renderTime || last.startTime) : null,
          fcp: paint ? Math.round(paint.startTime) : null,
          candidates: entries.length,
        });
      }, 1000);
    }));
    await page.close();
    return found;
  } finally {
    await browser.disconnect();
  }
}

function tableItems(audit) {
  const details = audit?.details;
  if (!details) return [];
  if (Array.isArray(details.items)) {
    // A list of tables (LCP element + its phases) or a table.
    if (details.type === "list") return details.items.flatMap((item) => item.items ?? []);
    return details.items;
  }
  return [];
}

async function run(label, url, acceptEncoding) {
  const insecure = url.startsWith("https:");
  const chromeFlags = ["--headless=new", "--no-sandbox", "--disable-gpu", ...(insecure ? ["--ignore-certificate-errors"] : [])];
  const chromePath = process.env.CHROME_PATH || "/usr/bin/chromium";
  say(`Lighthouse 12.2.3, mobile, ${url} (Chromium: ${chromePath} ${chromeFlags.join(" ")})`);
  if (acceptEncoding) say(`Accept-Encoding sent as "${acceptEncoding}" (instead of Chromium's own)`);
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags });
  let result;
  let lcpProbe = null;
  try {
    result = await lighthouse(url, {
      port: chrome.port,
      output: ["html", "json"],
      onlyCategories: CATEGORIES,
      logLevel: "error",
      ...(acceptEncoding ? { extraHeaders: { "Accept-Encoding": acceptEncoding } } : {}),
    });
    if (result && !result.lhr.runtimeError) {
      lcpProbe = await probeLcp(chrome.port, url, result.lhr.configSettings).catch((error) => ({ error: error.message }));
    }
  } finally {
    await chrome.kill();
  }
  if (!result) throw new Error("Lighthouse returned no result");
  const { lhr, artifacts } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse could not measure ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  // Audits Lighthouse could not compute (12.2.3 predates this Chromium's trace format for some).
  const broken = (id) => lhr.audits[id]?.scoreDisplayMode === "error";

  mkdirSync(OUT, { recursive: true });
  const [html, json] = result.report;
  writeFileSync(join(OUT, `${label}.report.html`), html);
  writeFileSync(join(OUT, `${label}.report.json`), json);

  const audits = lhr.audits;
  const scores = Object.fromEntries(CATEGORIES.map((id) => [id, lhr.categories[id]?.score == null ? null : Math.round(lhr.categories[id].score * 100)]));
  say();
  say(`[${label}] scores: ${CATEGORIES.map((id) => `${lhr.categories[id].title} ${scores[id] ?? "n/a"}`).join(" · ")}`);
  const metrics = Object.fromEntries(METRICS.map(([id, name]) => [name, { value: audits[id]?.numericValue ?? null, shown: audits[id]?.displayValue ?? "n/a" }]));
  say(`[${label}] metrics: ${METRICS.map(([, name]) => `${name} ${metrics[name].shown}`).join(" · ")}`);
  for (const warning of lhr.runWarnings ?? []) say(`[${label}] Lighthouse warning: ${warning}`);

  // Bytes: every request of the load, and the wasm pieces with how they came.
  const requests = tableItems(audits["network-requests"]);
  const transfer = audits["total-byte-weight"]?.numericValue ?? requests.reduce((sum, item) => sum + (item.transferSize ?? 0), 0);
  const resource = requests.reduce((sum, item) => sum + (item.resourceSize ?? 0), 0);
  say(`[${label}] transfer: ${kib(transfer)} over the wire in ${requests.length} requests (${kib(resource)} once decoded)`);
  const seen = encodings(artifacts);
  const wasm = requests.filter((item) => /\.wasm(\?|$)/.test(item.url));
  const wasmEncodings = [];
  for (const item of wasm) {
    const entry = seen.find((candidate) => candidate.url === item.url);
    const encoding = entry?.encoding ?? "none (identity)";
    wasmEncodings.push(encoding);
    say(`[${label}] wasm ${short(item.url, url)}: ${kib(item.transferSize ?? 0)} sent, ${kib(item.resourceSize ?? 0)} decoded, content-encoding ${encoding}` +
      ` (Chromium asked for: ${entry?.accept ?? "?"}; ${entry?.protocol ?? item.protocol ?? "?"})`);
  }
  if (wasm.length === 0) say(`[${label}] no wasm was requested during the load`);
  const compression = wasmEncodings.length === 0 ? "n/a"
    : wasmEncodings.some((e) => /br/.test(e)) ? "brotli"
      : wasmEncodings.some((e) => /gzip/.test(e)) ? "gzip"
        : "uncompressed";
  say(`[${label}] the wasm was served ${compression}`);

  // Performance: what costs the most.
  say();
  say(`[${label}] performance, what to look at:`);
  const perfRefs = lhr.categories.performance.auditRefs.map((ref) => audits[ref.id]).filter(Boolean);
  const opportunities = perfRefs
    .filter((audit) => audit.details?.type === "opportunity" && audit.score !== null && audit.score < 1)
    .sort((a, b) => (b.details.overallSavingsMs ?? 0) - (a.details.overallSavingsMs ?? 0));
  for (const audit of opportunities.slice(0, 8)) {
    const bytes = audit.details.overallSavingsBytes ? `, ${kib(audit.details.overallSavingsBytes)}` : "";
    say(`  opportunity: ${audit.title} — saves ~${Math.round(audit.details.overallSavingsMs ?? 0)} ms${bytes}`);
    for (const item of (audit.details.items ?? []).slice(0, 4)) {
      const parts = [];
      if (item.wastedMs) parts.push(`${Math.round(item.wastedMs)} ms`);
      if (item.wastedBytes) parts.push(`${kib(item.wastedBytes)} unused of ${kib(item.totalBytes ?? 0)}`);
      say(`      ${short(item.url ?? item.node?.snippet ?? "", url)} ${parts.join(", ")}`);
    }
  }
  if (opportunities.length === 0) say("  no opportunity with savings");
  if (broken("render-blocking-resources")) {
    const blocking = renderBlocking(artifacts);
    say(`  render-blocking (from the trace; Lighthouse's audit failed here): ${blocking.length === 0 ? "none" : blocking.map((item) => `${short(item.url, url)} (${item.how})`).join(", ")}`);
  } else {
    const render = tableItems(audits["render-blocking-resources"]);
    say(`  render-blocking: ${render.length === 0 ? "none" : render.map((item) => `${short(item.url, url)} (${Math.round(item.wastedMs ?? 0)} ms)`).join(", ")}`);
  }
  const lcpItems = tableItems(audits["largest-contentful-paint-element"]);
  const lcpNode = lcpItems.find((item) => item.node)?.node;
  if (lcpNode) say(`  LCP element: ${`${lcpNode.nodeLabel ?? ""} — ${lcpNode.snippet ?? ""}`.trim()}`);
  const phases = lcpItems.filter((item) => item.phase);
  if (phases.length) say(`  LCP phases: ${phases.map((item) => `${item.phase} ${Math.round(item.timing)} ms`).join(" · ")}`);
  if (lcpProbe?.element) {
    say(`  LCP element (the page's own PerformanceObserver, phone viewport, unthrottled): ${lcpProbe.element}, ${lcpProbe.size} px², at ${lcpProbe.at} ms (FCP ${lcpProbe.fcp} ms, ${lcpProbe.candidates} candidate(s))`);
  } else if (!lcpNode) {
    say(`  LCP element: n/a${lcpProbe?.error ? ` (probe: ${lcpProbe.error})` : ""}`);
  }
  const observed = tableItems(audits.metrics)[0];
  if (observed) say(`  observed during the run (unthrottled): FCP ${observed.observedFirstContentfulPaint} ms, LCP ${observed.observedLargestContentfulPaint} ms, load ${observed.observedLoad} ms; simulated TTFB ${Math.round(observed.timeToFirstByte ?? 0)} ms`);
  say(`  main-thread work: ${audits["mainthread-work-breakdown"]?.displayValue ?? "n/a"} — ${tableItems(audits["mainthread-work-breakdown"]).slice(0, 4).map((item) => `${item.groupLabel ?? item.group} ${Math.round(item.duration)} ms`).join(", ")}`);
  say(`  JS execution: ${audits["bootup-time"]?.displayValue ?? "n/a"} — ${tableItems(audits["bootup-time"]).slice(0, 4).map((item) => `${short(item.url, url)} ${Math.round(item.total)} ms`).join(", ")}`);
  const unusedJs = tableItems(audits["unused-javascript"]);
  say(`  unused JS: ${unusedJs.length === 0 ? "none reported" : unusedJs.map((item) => `${short(item.url, url)} ${kib(item.wastedBytes)} of ${kib(item.totalBytes)}`).join(", ")}`);
  say(`  server response (document): ${audits["server-response-time"]?.displayValue ?? "n/a"}; text compression: ${audits["uses-text-compression"]?.score === 1 ? "ok" : audits["uses-text-compression"]?.displayValue ?? "n/a"}; cache policy: ${audits["uses-long-cache-ttl"]?.displayValue || (audits["uses-long-cache-ttl"]?.score === 1 ? "ok" : "n/a")}`);
  const chains = audits["critical-request-chains"]?.details?.longestChain;
  if (chains) say(`  longest critical request chain: ${chains.length} requests, ${Math.round(chains.duration)} ms, ${kib(chains.transferSize)}`);
  const largest = [...requests].sort((a, b) => (b.transferSize ?? 0) - (a.transferSize ?? 0)).slice(0, 5);
  say(`  largest requests: ${largest.map((item) => `${short(item.url, url)} ${kib(item.transferSize ?? 0)}`).join(", ")}`);

  // Everything that did not pass in the other categories.
  const failing = {};
  for (const id of CATEGORIES.slice(1)) {
    failing[id] = lhr.categories[id].auditRefs
      .map((ref) => audits[ref.id])
      .filter((audit) => audit && audit.score !== null && audit.score < 1 && !["informative", "manual", "notApplicable"].includes(audit.scoreDisplayMode));
    say();
    say(`[${label}] ${lhr.categories[id].title}: ${failing[id].length === 0 ? "every audit passes" : `${failing[id].length} audit(s) do not pass`}`);
    const weights = Object.fromEntries(lhr.categories[id].auditRefs.map((ref) => [ref.id, ref.weight]));
    for (const audit of failing[id]) {
      say(`  ✗ ${audit.id}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ""}${weights[audit.id] === 0 ? " [weight 0: not in the score]" : ""}`);
      for (const item of tableItems(audit).slice(0, 4)) {
        const what = item.node?.snippet ?? item.scriptUrl ?? item.url ?? item.source?.url ?? item.description ?? JSON.stringify(item).slice(0, 160);
        const why = item.subItems?.items?.map((sub) => sub.error).filter(Boolean).join("; ");
        say(`      ${short(what, url)}${item.node?.explanation ? ` — ${item.node.explanation.split("\n").join(" ")}` : ""}${why ? ` — ${why}` : ""}`);
      }
    }
  }

  const errors = Object.values(audits).filter((audit) => audit.scoreDisplayMode === "error");
  if (errors.length) {
    say();
    say(`[${label}] ${errors.length} audit(s) Lighthouse 12.2.3 could not compute with this Chromium (not counted in any score): ${errors.map((audit) => audit.id).join(", ")}`);
    say(`  first error: ${errors[0].errorMessage?.split("\n")[0]}`);
  }

  const summary = {
    label, url, scores, metrics, transfer, resource, requests: requests.length, wasm: compression,
    failing: Object.fromEntries(Object.entries(failing).map(([id, list]) => [id, list.map((audit) => audit.id)])),
    opportunities: opportunities.map((audit) => ({ id: audit.id, ms: audit.details.overallSavingsMs ?? 0, bytes: audit.details.overallSavingsBytes ?? 0 })),
  };
  writeFileSync(join(OUT, `${label}.summary.json`), JSON.stringify(summary, null, 2));
  say();
  say(`[${label}] report: ${relative(ROOT, join(OUT, `${label}.report.html`))}`);
  const missing = CATEGORIES.filter((id) => scores[id] === null);
  if (missing.length) throw new Error(`Lighthouse could not score ${missing.join(", ")} (see the report)`);
}

function table(labels) {
  const runs = labels.map((label) => JSON.parse(readFileSync(join(OUT, `${label}.summary.json`), "utf8")));
  const rows = [
    ["", ...runs.map((run) => run.label)],
    ...CATEGORIES.map((id) => [id, ...runs.map((run) => String(run.scores[id] ?? "n/a"))]),
    ...METRICS.map(([, name]) => [name, ...runs.map((run) => run.metrics[name].shown)]),
    ["transfer", ...runs.map((run) => kib(run.transfer))],
    ["wasm sent as", ...runs.map((run) => run.wasm)],
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) say(row.map((cell, column) => cell.padEnd(widths[column])).join("   "));
}

const [command, ...args] = process.argv.slice(2);
try {
  const encoding = args.find((arg) => arg.startsWith("--accept-encoding="))?.slice("--accept-encoding=".length);
  const positional = args.filter((arg) => !arg.startsWith("--"));
  if (command === "run" && positional.length === 2) await run(positional[0], positional[1], encoding);
  else if (command === "table" && args.length > 0) table(args);
  else {
    console.error("usage: node scripts/lighthouse.mjs run <label> <url> [--accept-encoding=…] | table <label>…");
    process.exit(2);
  }
} catch (error) {
  console.error(`\x1b[1;31merror:\x1b[0m ${error.message}`);
  process.exit(1);
}
