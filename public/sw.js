// Nintei's service worker. It keeps the app shell (index.html and Trunk's hashed files) so that
// a check-in page reloaded in a hall without network still opens and keeps sending its queued
// scans later. The API is never cached: every answer about people comes from the server.
const CACHE = 'nintei-shell-v1';

// Same-origin files the page names (`href="/…"`, `src="/…"`, `'/…'` in Trunk's loader).
function assetsOf(html) {
  const found = [...html.matchAll(/["'](\/[A-Za-z0-9._-]+\.(?:js|wasm|css|svg))["']/g)].map((m) => m[1]);
  return [...new Set(found)];
}

// Keeps `/` and what it names; drops files of earlier builds.
async function keep(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  const assets = assetsOf(html);
  await cache.put('/', response);
  await cache.addAll(assets.filter((a) => a !== '/sw.js'));
  const wanted = new Set(['/', ...assets]);
  for (const request of await cache.keys()) {
    if (!wanted.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    fetch('/', { cache: 'no-store' })
      .then((response) => (response.ok ? keep(response) : undefined))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return;
  }
  if (request.mode === 'navigate') {
    // Network first: with a network, a new deployment's page is always the one shown.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) event.waitUntil(keep(response.clone()));
          return response;
        })
        .catch(async () => (await caches.match('/')) || Response.error()),
    );
    return;
  }
  // Trunk names files by their content's hash: a cached copy is always the right one.
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
