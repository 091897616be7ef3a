// Nintei's service worker. It keeps each page seen (its build's index.html) and Trunk's hashed
// files, so that a check-in page reloaded in a hall without network still opens and keeps
// sending its queued scans later. The API is never cached: every answer about people comes
// from the server.
const CACHE = 'nintei-shell-v2';
// Pages kept at the most (each check-in page is its own address); the oldest go first.
const PAGES = 24;

// Same-origin files a page names (`href="/…"`, `src="/…"`, `'/…'` in Trunk's loader), in any
// build's folder (`/_door/…`, `/_staff/…`), and the door's QR decoder worker, which its page
// names with `rel="nintei-worker"` links (unhashed names: `keep` fetches them again whenever the
// page is seen online).
function assetsOf(html) {
  const found = [...html.matchAll(/["'](\/[A-Za-z0-9._\/-]+\.(?:js|wasm|css|svg))["']/g)].map((m) => m[1]);
  return [...new Set(found)].filter((a) => !a.endsWith('/sw.js'));
}

// A page's address has no file ending; files have one.
function isPage(path) {
  return !/\.[A-Za-z0-9]+$/.test(path);
}

// Keeps the page at `path` and the files it names; drops pages beyond PAGES and files that no
// kept page names (earlier builds).
async function keep(path, response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  await cache.put(path, response);
  await cache.addAll(assetsOf(html));
  const requests = await cache.keys();
  const pages = requests.filter((r) => isPage(new URL(r.url).pathname));
  for (const old of pages.slice(0, Math.max(0, pages.length - PAGES))) await cache.delete(old);
  const wanted = new Set();
  for (const page of pages.slice(-PAGES)) {
    wanted.add(new URL(page.url).pathname);
    const kept = await cache.match(page);
    if (kept) for (const a of assetsOf(await kept.text())) wanted.add(a);
  }
  for (const request of requests) {
    if (!wanted.has(new URL(request.url).pathname)) await cache.delete(request);
  }
}

// Keeps `/` and the page of every window already open (the door page a helper opened before
// this worker ran), so that each of them reopens without network.
self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const pages = new Set(['/']);
      for (const client of await self.clients.matchAll({ includeUncontrolled: true, type: 'window' })) {
        pages.add(new URL(client.url).pathname);
      }
      for (const page of pages) {
        const response = await fetch(page, { cache: 'no-store' });
        if (response.ok) await keep(page, response);
      }
      await self.skipWaiting();
    })(),
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
          if (response.ok) event.waitUntil(keep(url.pathname, response.clone()));
          return response;
        })
        // Without network: the page as last seen at this address, else the home page.
        .catch(async () => (await caches.match(url.pathname)) || (await caches.match('/')) || Response.error()),
    );
    return;
  }
  // Trunk names files by their content's hash: a cached copy is always the right one (the
  // decoder worker's files are refreshed by `keep` each time their page is opened online).
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
