// Service worker of the volunteer app: caches the app shell (page, script, styles, dictionaries, icons) so
// the app opens without a network. API responses are never cached: missions and residents' details always
// come from the server. Network first, so a new version is used as soon as it is deployed.
const SHELL = 'relais-benevole-shell-v1';
const FILES = [
  '/benevole', '/css/app.css', '/js/lib.js', '/js/benevole.js', '/i18n/fr.json', '/i18n/en.json',
  '/img/icon.svg', '/img/icon-192.png', '/img/icon-512.png', '/manifest.webmanifest',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return;  // data: always the network, never stored
  const shellPath = url.pathname === '/benevole' || url.pathname === '/benevole/' ? '/benevole' : url.pathname;
  if (!FILES.includes(shellPath)) return;
  event.respondWith(fetch(event.request).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      caches.open(SHELL).then((cache) => cache.put(shellPath, copy));
    }
    return res;
  }).catch(() => caches.match(shellPath)));
});
