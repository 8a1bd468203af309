// Static serving against a real `wrangler dev` (workerd, Workers static assets with
// `not_found_handling = "none"`): `/robots.txt` is a file; a path that names a file the build does
// not have (an extension, or anything under /pkg/ or /icons/) is a real 404, never the app; every
// other path is a route of the app and gets the app shell with the security headers of
// `public/_headers`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ROOT, WorkerProcess } from "../support/worker.mjs";

const TITLE = "<title>IMP Companion</title>";
// The app's CSP as `public/_headers` states it (its first line that sets one).
const APP_CSP = readFileSync(join(ROOT, "public", "_headers"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .find((line) => line.startsWith("Content-Security-Policy:"))
  .slice("Content-Security-Policy:".length)
  .trim();

let worker;

before(async () => {
  worker = await WorkerProcess.start({ demo: false });
}, { timeout: 240_000 });

after(async () => {
  await worker?.stop();
});

async function get(path, init = {}) {
  const response = await fetch(`${worker.url}${path}`, { redirect: "manual", ...init });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("files", () => {
  test("/robots.txt is plain text that lets crawlers in", async () => {
    const answer = await get("/robots.txt");
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get("content-type"), /^text\/plain/);
    assert.match(answer.text, /^User-agent: \*$/m);
    assert.match(answer.text, /^Allow: \/$/m);
    assert.doesNotMatch(answer.text, /<html/i);
  });

  test("/ is the app shell with the app's security headers", async () => {
    const answer = await get("/");
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get("content-type"), /^text\/html/);
    assert.ok(answer.text.includes(TITLE));
    assert.equal(answer.headers.get("content-security-policy"), APP_CSP);
  });

  for (const path of ["/nope.js", "/pkg/nope.wasm", "/pkg/imp_app_bg.wasm.map", "/pkg/0123456789ab/split_nope.wasm",
    "/icons/nope.png", "/icons/nope", "/pkg", "/deep/path/nope.css", "/.well-known/assetlinks.json"]) {
    test(`${path} is a real 404, not the app`, async () => {
      const answer = await get(path);
      assert.equal(answer.status, 404);
      assert.match(answer.headers.get("content-type"), /^text\/plain/);
      assert.doesNotMatch(answer.text, /<html|<title/i);
      assert.ok(answer.text.length < 200, "a small body");
      assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
      assert.match(answer.headers.get("content-security-policy"), /default-src 'none'/);
      assert.equal(answer.headers.get("x-frame-options"), "DENY");
    });
  }
});

describe("app routes", () => {
  for (const path of ["/tasks", "/invite?code=x", "/student?id=s-001", "/matching", "/some/deep/link"]) {
    test(`${path} gets the app shell (200) with the CSP`, async () => {
      const answer = await get(path);
      assert.equal(answer.status, 200);
      assert.match(answer.headers.get("content-type"), /^text\/html/);
      assert.ok(answer.text.includes(TITLE), answer.text.slice(0, 200));
      assert.equal(answer.headers.get("content-security-policy"), APP_CSP);
      assert.equal(answer.headers.get("x-frame-options"), "DENY");
      assert.equal(answer.headers.get("cross-origin-opener-policy"), "same-origin");
    });
  }

  test("a deep link answers exactly what / answers", async () => {
    const [shell, deep] = await Promise.all([get("/"), get("/tasks")]);
    assert.equal(deep.text, shell.text);
    assert.equal(deep.headers.get("etag"), shell.headers.get("etag"));
  });

  test("an unchanged shell is a 304 for a deep link too", async () => {
    const first = await get("/tasks");
    const again = await get("/tasks", { headers: { "if-none-match": first.headers.get("etag") } });
    assert.equal(again.status, 304);
  });

  test("HEAD of a route answers without a body; other methods are refused", async () => {
    const head = await fetch(`${worker.url}/tasks`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.match(head.headers.get("content-type"), /^text\/html/);
    const post = await fetch(`${worker.url}/tasks`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    assert.doesNotMatch(await post.text(), /<html/i);
  });

  test("the API keeps its JSON 404", async () => {
    const answer = await get("/api/v1/nope.js");
    assert.equal(answer.status, 404);
    assert.match(answer.headers.get("content-type"), /application\/json/);
  });
});
