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

// Push reminders (sent by the Worker's Cron Trigger, src/reminders.rs): the declarative Web Push
// shape (`{"web_push": 8030, "notification": {title, body, navigate, lang, tag, app_badge}}`),
// which Safari shows by itself and this worker shows everywhere else.
self.addEventListener("push", (event) => {
  let message = null;
  try {
    message = event.data ? event.data.json() : null;
  } catch {
    message = null;
  }
  const notification = message && message.web_push === 8030 ? message.notification : null;
  if (!notification || typeof notification.title !== "string") return;
  const navigate = sameOrigin(notification.navigate) ? notification.navigate : "/inbox";
  event.waitUntil(
    (async () => {
      await self.registration.showNotification(notification.title, {
        body: typeof notification.body === "string" ? notification.body : "",
        lang: typeof notification.lang === "string" ? notification.lang : "",
        tag: typeof notification.tag === "string" ? notification.tag : "",
        icon: "/icons/icon-192.png",
        badge: "/icons/icon-192.png",
        data: { navigate },
      });
      const badge = Number(notification.app_badge);
      if (Number.isInteger(badge) && badge >= 0 && self.navigator.setAppBadge) {
        await self.navigator.setAppBadge(badge).catch((error) => console.warn("app badge", error));
      }
    })(),
  );
});

/** Whether a URL is one of this app's own (a tap never opens another site). */
function sameOrigin(url) {
  try {
    return typeof url === "string" && new URL(url, self.location.origin).origin === self.location.origin;
  } catch {
    return false;
  }
}

// A tap opens the reminder's screen: in a window of the app that is already open (it is told to
// go there, so nothing typed in it is lost), or in a new one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.navigate || "/inbox", self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        open.postMessage({ type: "navigate", path: target.pathname + target.search });
        if (open.focus) await open.focus().catch((error) => console.warn("focus", error));
        return;
      }
      await self.clients.openWindow(target.href);
    })(),
  );
});
