// `make size`: the app shell's sizes, raw and brotli, from dist/ (what the service worker precaches).
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const dist = join(import.meta.dirname, "..", "dist");
const files = [
  ["wasm", "pkg/imp_app_bg.wasm"],
  ["js", "pkg/imp_app.js"],
  ["css", "styles.css"],
  ["html", "index.html"],
  ["service worker", "sw.js"],
  ["manifest", "manifest.webmanifest"],
];
const TARGET_BROTLI = 250 * 1024;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
let rawTotal = 0;
let brotliTotal = 0;
console.log(`${"file".padEnd(16)}${"raw".padStart(12)}${"brotli".padStart(12)}`);
for (const [name, path] of files) {
  const bytes = readFileSync(join(dist, path));
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  rawTotal += statSync(join(dist, path)).size;
  brotliTotal += brotli;
  console.log(`${name.padEnd(16)}${kb(bytes.length).padStart(12)}${kb(brotli).padStart(12)}`);
}
console.log(`${"app shell".padEnd(16)}${kb(rawTotal).padStart(12)}${kb(brotliTotal).padStart(12)}`);
console.log(`brotli total is ${(brotliTotal / TARGET_BROTLI).toFixed(2)}× the 250 KB budget`);
