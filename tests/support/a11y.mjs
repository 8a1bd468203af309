// Accessibility checks with axe-core (npm), injected into the page.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");

/** Runs axe on the page; returns its violations (empty when the screen passes). */
export async function axeViolations(page) {
  const present = await page.evaluate(() => typeof window.axe !== "undefined");
  // Evaluated by the test driver, not added as an inline <script> the app's CSP would refuse.
  if (!present) await page.evaluate(readFileSync(AXE_PATH, "utf8"));
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
