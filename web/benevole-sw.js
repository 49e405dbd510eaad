// Service worker of the volunteer app: caches the app shell (page, script, styles, dictionaries, icons) so
// the app opens without a network. API responses are never cached: missions and residents' details always
// come from the server. Network first, so a new version is used as soon as it is deployed.
// It also shows the server's web push messages (a proposal, a reminder...) as notifications; a tap opens
// the app's page the message links to (only pages of this origin).
const SHELL = 'relais-benevole-shell-v2';
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

self.addEventListener('push', (event) => {
  let msg = {};
  try { msg = event.data ? event.data.json() : {}; } catch { msg = { body: event.data ? event.data.text() : '' }; }
  event.waitUntil(self.registration.showNotification(msg.title || 'Relais', {
    body: msg.body || '',
    icon: '/img/icon-192.png',
    tag: msg.tag || undefined,
    lang: msg.lang || undefined,
    data: { url: msg.url || '/benevole' },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  let url;
  try { url = new URL(event.notification.data && event.notification.data.url, self.location.origin); } catch { url = null; }
  if (!url || url.origin !== self.location.origin) url = new URL('/benevole', self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    const open = windows.find((w) => new URL(w.url).pathname.startsWith('/benevole'));
    if (open) return open.navigate(url.href).then((w) => (w || open).focus());
    return self.clients.openWindow(url.href);
  }));
});
