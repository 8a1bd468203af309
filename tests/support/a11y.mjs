// Accessibility checks with axe-core (npm), injected into the page.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");

/** Runs axe on the page; returns its violations (empty when the screen passes). */
export async function axeViolations(page) {
  const present = await page.evaluate(() => typeof window.axe !== "undefined");
  if (!present) await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async () => {
    const outcome = await window.axe.run(document, { resultTypes: ["violations"] });
    return outcome.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    }));
  });
  return result;
}
