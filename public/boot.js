// Starts the app. A file, not an inline script, so the page runs under `script-src 'self'`.
// The app registers the service worker itself and asks before switching to a new version.
import init from "/pkg/imp_app.js";

init({ module_or_path: "/pkg/imp_app_bg.wasm" });
