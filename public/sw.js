// Offline support for the playground. Registered only by production builds.
//
// - On install it stores the app shell: index.html and every built file listed
//   in precache.json (written by the build; see vite.config.ts).
// - Files under assets/ have content hashes in their names and never change:
//   served from the cache first.
// - Everything else (the page, the model files) goes to the network first, so
//   a retrained model is picked up, and falls back to the cache when offline.
// - The page sends the model's file URLs once the model has loaded
//   ({type: 'cache-urls', urls}), so they are stored even though that first
//   load happened before this worker was in control.
// - Models opened from other sites are not fetched through this worker (it
//   handles its own origin only): the engine keeps them in the "models-v1"
//   cache (src/store/modelCache.ts), which `activate` below leaves alone.
// - Every response it serves carries Cross-Origin-Opener-Policy and
//   Cross-Origin-Embedder-Policy (src/io/crossOriginIsolation.ts), so on a
//   static host that cannot send headers (GitHub Pages) the page is still
//   cross-origin isolated and the wasm backend runs on every core. The first
//   visit is not (the page loaded before this worker was in control); the page
//   reloads once when this worker takes control (src/main.tsx).

const CACHE = 'playground-v1';

/** The same headers as CROSS_ORIGIN_ISOLATION_HEADERS in src/io/crossOriginIsolation.ts (this file is not bundled). */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The response with the isolation headers added (stored copies stay as the server sent them). */
function isolated(response) {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch('precache.json', { cache: 'no-cache' });
      const files = response.ok ? await response.json() : [];
      await cache.addAll(['./', ...files]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('playground-') && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.includes('/assets/')) event.respondWith(cacheFirst(request).then(isolated));
  else event.respondWith(networkFirst(request).then(isolated));
});

async function cacheFirst(request) {
  // The preview server sends `Vary: Origin`; a module script's request carries an Origin that the
  // install-time fetch did not, so without ignoreVary the stored copy would never match.
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') (await caches.open(CACHE)).put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(request, { ignoreSearch: true, ignoreVary: true });
    if (cached) return cached;
    if (request.mode === 'navigate') {
      const shell = await caches.match('./', { ignoreVary: true });
      if (shell) return shell;
    }
    throw error;
  }
}

self.addEventListener('message', (event) => {
  const { data } = event;
  const port = event.ports[0];
  if (data?.type !== 'cache-urls' || !Array.isArray(data.urls)) return;
  event.waitUntil(
    caches
      .open(CACHE)
      .then(async (cache) => {
        // training.json is optional: store what exists, and only real files (not the server's fallback page).
        await Promise.all(
          data.urls.map(async (u) => {
            const response = await fetch(u, { cache: 'no-cache' }).catch(() => null);
            const isPage = response?.headers.get('content-type')?.includes('text/html');
            if (response?.ok && !isPage) await cache.put(u, response);
          }),
        );
        port?.postMessage({ ok: true });
      })
      .catch(() => port?.postMessage({ ok: false })),
  );
});
