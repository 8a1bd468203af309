// IMP Companion service worker: precaches the app shell under a cache named by the build version,
// never caches /api/, deletes old caches on activate, and claims clients.
const VERSION = "__BUILD_VERSION__";
const CACHE = `imp-shell-${VERSION}`;
const SHELL = [
  "/",
  "/styles.css",
  "/boot.js",
  "/manifest.webmanifest",
  "/pkg/imp_app.js",
  "/pkg/imp_app_bg.wasm",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith("imp-shell-") && name !== CACHE).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  // App navigations get the cached shell, so the app boots offline.
  const key = event.request.mode === "navigate" ? "/" : event.request;
  event.respondWith(
    caches.match(key).then((hit) => hit || fetch(event.request)),
  );
});
