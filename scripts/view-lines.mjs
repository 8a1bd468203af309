// Fails when a line inside a `view!` macro of the app is longer than 120 characters, printing
// each one (file:line and its length). rustfmt keeps Rust code to 100 columns but leaves macro
// bodies alone, so markup needs its own limit.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const LIMIT = 120;
const root = new URL("..", import.meta.url).pathname;

function rustFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return rustFiles(path);
    return name.endsWith(".rs") ? [path] : [];
  });
}

const long = [];
for (const file of rustFiles(join(root, "app", "src"))) {
  let depth = 0; // brace depth inside the current view! (0: outside)
  readFileSync(file, "utf8").split("\n").forEach((line, index) => {
    let start = 0;
    if (depth === 0) {
      const at = line.indexOf("view! {");
      if (at < 0) return;
      start = at + "view! ".length;
    }
    const inside = depth > 0 || start > 0;
    for (const ch of line.slice(start)) {
      if (ch === "{") depth += 1;
      else if (ch === "}") depth = Math.max(0, depth - 1);
    }
    if (inside && [...line].length > LIMIT) {
      long.push(`${relative(root, file)}:${index + 1}: ${[...line].length} characters`);
    }
  });
}

if (long.length > 0) {
  console.error(`Lines inside view! longer than ${LIMIT} characters (wrap the attributes):`);
  for (const line of long) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`view! lines: none longer than ${LIMIT} characters`);
