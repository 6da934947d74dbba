// PassResOT66 service worker, rendered by passresot/web/pwa.py (VERSION changes with every deploy).
// Static files: cache first. The agent's pass, its photo and its data: network first, the last
// copy when the network is gone, emptied at sign-out. The partner list (/partners) likewise; every
// /partners/<id> page is the same shell, kept once under /partners, and its data lives in
// IndexedDB (never in these caches; deleted at sign-out too). Other pages: network, else the
// offline page (or, for the app's start URL "/", the saved pass).
const VERSION = {{ version|tojson }};
const STATIC_CACHE = `passresot-static-${VERSION}`;
const PAGES_CACHE = `passresot-pages-${VERSION}`;  // personal copies: pages, photos, API answers
const PRECACHE_URLS = {{ precache_urls|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const NETWORK_TIMEOUT_MS = 4000;

const OFFLINE_PAGES = new Set(["/pass", "/pass/card", "/partners", "/scanner", "/visits", "/reports", "/help"]);
const PARTNER_PAGE = /^\/partners\/\d+\/?$/;  // answered by the /partners shell (partners.js)
const PARTNERS_SHELL = "/partners";
const PARTNERS_DB = "passresot-partners";  // static/js/partners-db.js
const CACHED_API = new Set(["/api/v1/me/pass", "/api/v1/keys"]);
const PHOTO = /^\/photos\/agents\/\d+\.jpg$/;
const LOGOUT_PATH = "/logout";

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(activate());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "SKIP_WAITING") self.skipWaiting();
  if (data.type === "KEEP_FOR_OFFLINE" && Array.isArray(data.urls)) event.waitUntil(keepForOffline(data.urls));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === LOGOUT_PATH) {
    // A shared phone: the next person must not find the previous agent's pass.
    event.waitUntil(Promise.all([caches.delete(PAGES_CACHE), deleteDatabase(PARTNERS_DB)]));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/api/")) {
    if (CACHED_API.has(url.pathname)) event.respondWith(networkFirst(event));
    return;
  }
  if (PHOTO.test(url.pathname) || (request.mode === "navigate" && keptPage(url.pathname))) {
    event.respondWith(networkFirst(event));
  } else if (request.mode === "navigate") {
    event.respondWith(networkOrOfflinePage(event));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  }
});

async function precache() {
  const cache = await caches.open(STATIC_CACHE);
  // "reload" skips the HTTP cache so a new version never stores an old file; "omit" keeps the
  // offline page anonymous (it is shown to whoever uses the device).
  await cache.addAll(PRECACHE_URLS.map((url) => new Request(url, { cache: "reload", credentials: "omit" })));
}

async function activate() {
  const names = await caches.keys();
  const older = names.filter((name) => name.startsWith("passresot-") && name !== STATIC_CACHE && name !== PAGES_CACHE);
  // An update may activate while offline: carry the pass over before dropping the old caches.
  for (const name of older.filter((name) => name.startsWith("passresot-pages-"))) {
    await copyMissing(name, PAGES_CACHE);
  }
  await Promise.all(older.map((name) => caches.delete(name)));
  await self.clients.claim();
}

async function copyMissing(fromName, toName) {
  const [from, to] = await Promise.all([caches.open(fromName), caches.open(toName)]);
  for (const request of await from.keys()) {
    if (await to.match(request, { ignoreVary: true })) continue;
    const response = await from.match(request, { ignoreVary: true });
    if (response) await to.put(request, response);
  }
}

function keptPage(pathname) {
  return OFFLINE_PAGES.has(pathname) || PARTNER_PAGE.test(pathname);
}

function keepsOffline(url, navigation) {
  if (url.origin !== self.location.origin) return false;
  return CACHED_API.has(url.pathname) || PHOTO.test(url.pathname) || (navigation && keptPage(url.pathname));
}

function deleteDatabase(name) {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

// The page loaded before this worker took control (first visit): fetch again what it showed.
async function keepForOffline(urls) {
  const cache = await caches.open(PAGES_CACHE);
  await Promise.all(urls.map(async (href, index) => {
    const url = new URL(href, self.location.origin);
    if (!keepsOffline(url, index === 0)) return;  // the first URL is the page itself
    try {
      const response = await fetch(url.href, { credentials: "same-origin" });
      if (storable(response)) await cache.put(cacheKey(url, index === 0), response);
    } catch {
      // Offline again already: the next visit online stores it.
    }
  }));
}

function storable(response) {
  return response.status === 200 && response.type === "basic" && !response.redirected;
}

// Pages are kept by path (a query string does not make another pass); the rest by full URL.
function cacheKey(url, navigation) {
  if (!navigation) return url.href;
  return url.origin + (PARTNER_PAGE.test(url.pathname) ? PARTNERS_SHELL : url.pathname);
}

async function networkFirst(event) {
  const request = event.request;
  const navigation = request.mode === "navigate";
  const key = cacheKey(new URL(request.url), navigation);
  const network = fetch(request).then(async (response) => {
    if (storable(response)) await (await caches.open(PAGES_CACHE)).put(key, response.clone());
    return response;
  });
  event.waitUntil(network.catch(() => null));  // finish storing even when the cached copy won
  const cached = () => caches.match(key, { cacheName: PAGES_CACHE, ignoreVary: true });
  try {
    const response = await withTimeout(network, NETWORK_TIMEOUT_MS);
    if (response.status < 500) return response;  // a redirect to /login too: the session is over
    return (await cached()) || response;  // a proxy's 502 while the app is down
  } catch {
    const copy = await cached();
    if (copy) {
      if (navigation) event.waitUntil(tellOfflineCopy(event.resultingClientId));
      return copy;
    }
    try {
      return await network;  // only slow: keep waiting
    } catch {
      return navigation ? offlinePage() : Response.error();
    }
  }
}

// navigator.onLine stays true when only the server is unreachable: tell the page it shows a copy.
async function tellOfflineCopy(clientId) {
  const client = clientId && await self.clients.get(clientId);  // resolves once the page exists
  client?.postMessage({ type: "OFFLINE_COPY" });
}

async function networkOrOfflinePage(event) {
  try {
    return await fetch(event.request);
  } catch {
    // The installed app opens on "/" (start_url): offline, the agent's saved pass is the answer.
    if (new URL(event.request.url).pathname === "/") {
      const pass = await caches.match(self.location.origin + "/pass", { cacheName: PAGES_CACHE, ignoreVary: true });
      if (pass) {
        event.waitUntil(tellOfflineCopy(event.resultingClientId));
        return pass;
      }
    }
    return offlinePage();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (storable(response)) await cache.put(request, response.clone());
  return response;
}

async function offlinePage() {
  const cached = await caches.match(OFFLINE_URL, { ignoreVary: true });
  return cached || new Response("Vous êtes hors connexion.", {
    status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

function withTimeout(promise, milliseconds) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), milliseconds);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

// ---- Background Sync: the scanner's outbox (static/js/scanner-outbox.js) -------------------------
// A bonus where the browser has it (Chromium): scans wait in IndexedDB with their `upload` item
// ready; the worker sends them even when no scanner page is open, and keeps what the server did not
// acknowledge. A failed send throws, so the browser tries again later. The page's own flushes
// (open, online, visibilitychange, 30 s timer) remain the rule everywhere. The same rules as the
// page (static/js/scanner-send.js): only the scans of the site this session works for (asked of
// the bundle first: someone else may have signed in since), never one set aside or waiting for the
// staff's choice; a batch answered with an error about its content is split until the item at
// fault is alone, which is set aside (`rejected`) and listed by the page.
const SCANNER_DB = "passresot-scanner";
const SCANNER_SYNC_TAG = "scanner-outbox";
const SCANS_API = {{ scans_url|tojson }};
const SCANS_BATCH = 100;
const ITEM_ERRORS = new Set([400, 413, 422, 500]);

self.addEventListener("sync", (event) => {
  if (event.tag === SCANNER_SYNC_TAG) event.waitUntil(sendScannerOutbox());
});

async function sendScannerOutbox() {
  const db = await openExistingDatabase(SCANNER_DB);
  if (!db) return;
  try {
    const [csrf, bundleApi] = await Promise.all(["csrf", "bundleApi"].map(
      (key) => storeRequest(db, "records", (store) => store.get(key))));
    const site = await sessionSite(bundleApi);
    if (site === undefined) return;  // signed out: the page says so and sends after sign-in
    const scans = (await storeRequest(db, "outbox", (store) => store.getAll()))
      .filter((scan) => scan.upload && !scan.rejected && !scan.awaitingStaff && (scan.siteId == null || scan.siteId === site))
      .sort((a, b) => a.scannedAt.localeCompare(b.scannedAt));  // in the order they were made
    const state = { db, csrf, answered: false, suspects: [] };
    for (let start = 0; start < scans.length; start += SCANS_BATCH) {
      await sendScannerPart(scans.slice(start, start + SCANS_BATCH), state);
    }
    if (state.suspects.length) {
      if (!state.answered) throw new Error("scans: the server fails");
      for (const { scan, error } of state.suspects) await setScanAside(db, scan, error);
    }
    for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage({ type: "SCANS_SENT" });
  } finally {
    db.close();
  }
}

// The site of the signed-in account (undefined when signed out); null when no page said where to ask.
async function sessionSite(bundleApi) {
  if (!bundleApi) return null;
  const url = new URL(bundleApi, self.location.origin);
  url.searchParams.set("since", new Date().toISOString());
  const response = await fetch(url.href, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (response.status === 401 || (response.redirected && new URL(response.url).pathname === "/login")) return undefined;
  if (!response.ok) throw new Error(`bundle: HTTP ${response.status}`);
  const bundle = await response.json();
  return bundle.site ? bundle.site.id : null;
}

async function sendScannerPart(scans, state) {
  const response = await fetch(SCANS_API, {
    method: "POST", credentials: "same-origin", redirect: "error",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": state.csrf || "" },
    body: JSON.stringify({ scans: scans.map((scan) => scan.upload) }),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const error = { status: response.status, code: answer && answer.error && answer.error.code,
      message: answer && answer.error && answer.error.message };
    if (!ITEM_ERRORS.has(response.status) || error.code === "csrf_failed") throw new Error(`scans: HTTP ${response.status}`);
    if (scans.length > 1) {
      const half = Math.ceil(scans.length / 2);
      await sendScannerPart(scans.slice(0, half), state);
      await sendScannerPart(scans.slice(half), state);
    } else if (response.status >= 500) {
      state.suspects.push({ scan: scans[0], error });
    } else {
      await setScanAside(state.db, scans[0], error);
    }
    return;
  }
  state.answered = true;
  const results = (answer && answer.results) || [];
  const done = results.filter((result) => result && result.status).map((result) => result.id);
  await storeRequest(state.db, "outbox", (store) => { done.forEach((id) => store.delete(id)); }, "readwrite");
  for (const result of results.filter((r) => r && !r.status && r.error)) {
    const scan = scans.find((s) => s.id === result.id);
    if (scan) await setScanAside(state.db, scan, result.error);
  }
}

function setScanAside(db, scan, error) {
  const fields = Object.values(error.fields || {});
  const rejected = { code: error.code || `http_${error.status}`, message: fields.length ? fields.join(" ") : error.message || "" };
  return storeRequest(db, "outbox", (store) => { store.put({ ...scan, rejected }); }, "readwrite");
}

// Opens a database only if a page made it: an empty one made here would hide the page's stores.
function openExistingDatabase(name) {
  return new Promise((resolve) => {
    const request = indexedDB.open(name);
    request.onupgradeneeded = () => request.transaction.abort();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
}

function storeRequest(db, storeName, action, mode = "readonly") {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(storeName, mode);
    const request = action(transaction.objectStore(storeName));
    transaction.oncomplete = () => resolve(request && request.result);
    transaction.onerror = transaction.onabort = () => reject(transaction.error);
  });
}
