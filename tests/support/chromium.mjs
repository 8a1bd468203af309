// How the project launches Debian's Chromium (never a downloaded browser), and the device
// profiles it emulates. No test hooks here: benchmarks import this without node:test
// (tests/support/browser.mjs adds the CSP checks the end-to-end tests need).
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
