// `make size`: every file of the build in dist/, raw and brotli, grouped as the phone fetches
// them: the first screen (sign-in, the shell, the student's home: everything the page loads
// before any lazy piece), each lazy wasm piece, and the rest the service worker precaches.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const dist = join(import.meta.dirname, "..", "dist");
const TARGET_BROTLI = 250 * 1024;
const FIRST_SCREEN = ["index.html", "styles.css", "boot.js", "pkg/imp_app.js", "pkg/__wasm_split.js", "pkg/imp_app_bg.wasm"];

const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [relative(dist, join(dir, entry.name))],
  );
const measure = (path) => {
  const bytes = readFileSync(join(dist, path));
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { path, raw: statSync(join(dist, path)).size, brotli };
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const row = (name, raw, brotli) => console.log(`${name.padEnd(44)}${kb(raw).padStart(11)}${kb(brotli).padStart(11)}`);
const sum = (list, key) => list.reduce((total, file) => total + file[key], 0);

const all = files(dist).filter((path) => path !== "build-version.txt" && path !== "_headers").sort();
const first = FIRST_SCREEN.map(measure);
const pieces = all.filter((path) => /^pkg\/[0-9a-f]{12}\//.test(path)).map(measure);
const rest = all.filter((path) => !FIRST_SCREEN.includes(path) && !pieces.some((piece) => piece.path === path)).map(measure);

console.log(`${"file".padEnd(44)}${"raw".padStart(11)}${"brotli".padStart(11)}`);
console.log("first screen (sign-in, shell, student home):");
for (const file of first) row(`  ${file.path}`, file.raw, file.brotli);
row("  = first screen", sum(first, "raw"), sum(first, "brotli"));
console.log("lazy pieces (loaded when a screen of theirs opens):");
for (const file of pieces) row(`  ${file.path.replace(/^pkg\/[0-9a-f]{12}\//, "pkg/<build>/")}`, file.raw, file.brotli);
row("  = lazy pieces", sum(pieces, "raw"), sum(pieces, "brotli"));
console.log("also precached (service worker, manifest, icons):");
for (const file of rest) row(`  ${file.path}`, file.raw, file.brotli);
const everything = [...first, ...pieces, ...rest];
row("total (what the service worker keeps)", sum(everything, "raw"), sum(everything, "brotli"));
const firstBrotli = sum(first, "brotli");
console.log(
  `first screen: ${kb(firstBrotli)} brotli = ${(firstBrotli / TARGET_BROTLI).toFixed(2)}× the 250 KB budget` +
    ` (${firstBrotli <= TARGET_BROTLI ? "within" : "over"} it)`,
);
