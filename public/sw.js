// IMP Companion service worker: precaches every file of one build (the app shell and all its
// wasm pieces, listed by scripts/build.sh) under a cache named by the build's version, answers
// only from that cache (a piece of one build never meets a piece of another), never caches
// /api/, keeps the previous build's cache for tabs still running it, deletes older ones on
// activate, and claims clients.
const VERSION = "__BUILD_VERSION__";
const CACHE = `imp-shell-${VERSION}`;
const SHELL = ["__PRECACHE__"];
const VERSIONED_PIECE = /^\/pkg\/[0-9a-f]{12}\//;

self.addEventListener("install", (event) => {
  // `reload`: straight from the server, never a stale copy from the HTTP cache.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Keeps the build before this one (caches.keys() lists in creation order): a tab still
      // running it can open a route it has not loaded yet. Older builds go.
      const others = (await caches.keys()).filter((name) => name.startsWith("imp-shell-") && name !== CACHE);
      await Promise.all(others.slice(0, -1).map((name) => caches.delete(name)));
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
  // Navigations to app routes get the cached shell, so the app boots offline; a file-like path
  // (a dot in its last segment, /pkg/, /icons/) is never answered with the shell (as the Worker).
  const appRoute = !/\.[^/]*$/.test(url.pathname) && !/^\/(pkg|icons)(\/|$)/.test(url.pathname);
  const key = event.request.mode === "navigate" && appRoute ? "/" : event.request;
  event.respondWith(
    (async () => {
      const hit = await (await caches.open(CACHE)).match(key);
      if (hit) return hit;
      // A lazy piece of the previous build (its path names the build, so builds never mix).
      if (VERSIONED_PIECE.test(url.pathname)) {
        const old = await caches.match(event.request);
        if (old) return old;
      }
      return fetch(event.request);
    })(),
  );
});
