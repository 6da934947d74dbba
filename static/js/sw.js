// PassResOT66 service worker: a static module served at /sw.js (passresot/web/pwa.py), sharing the
// pages' modules (idb.js, scanner-outbox.js, scanner-send.js...); what changes with each deploy
// (VERSION, the precache lists and each file's revision) comes from the generated /sw-manifest.js.
// Registered as a module worker (sw-register.js): Chrome 91, Safari 15, Firefox 147 and later.
// Static files: cache first, installed in two steps: the essentials an agent needs offline (the
// pass, the partner list, the offline page) first, each file retried on its own; the scanner's
// files (with the 1.1 MB QR decoder) only on a device that scans: when the scanner asks, and at
// each update of a device that held them. Each precached file has its own revision: an update
// copies the unchanged ones from the previous version's cache and fetches only those that changed.
// Pages an agent or a scanner needs at the door (/pass, /partners, /visits, /reports, /help, /my/eductours,
// /scanner, and "/" which opens the saved pass): stale-while-revalidate. The saved copy answers at
// once, marked <html data-offline-copy="<saved at>">; the network answer is stored in the
// background and the page asks for its outcome (static/js/page-copy.js). A reload, or an opening
// right after the device sent a change, asks the server first (4 s at most, then the copy).
// Emptied after an accepted sign-in and at sign-out. Every /partners/<id> page is the same
// shell, kept once under /partners.
import { LATER_URLS, OFFLINE_URL, PRECACHE_URLS, REVISIONS, SCANS_API, VERSION } from "/sw-manifest.js";
import { deleteDatabase, databaseExists } from "/static/js/idb.js";
import { asUpload, pendingScans, readRecord, sendable } from "/static/js/scanner-outbox.js";
import { markRejected, settle } from "/static/js/scanner-settle.js";
import { sendScans } from "/static/js/scanner-send.js";
import { SignedOut, requestJson } from "/static/js/scanner-net.js";

const STATIC_CACHE = `passresot-static-${VERSION}`;
const PAGES_CACHE = `passresot-pages-${VERSION}`;  // personal copies: pages, photos, API answers
const REVISION_HEADER = "X-PassResOT-Revision";  // on a stored copy: the revision it holds
const NETWORK_TIMEOUT_MS = 4000;  // API answers only: pages never wait for the network
const RETRY_DELAYS_MS = [1000, 3000, 8000];  // a file that fails is fetched again, alone

const OFFLINE_PAGES = new Set(["/pass", "/pass/card", "/partners", "/scanner", "/visits", "/reports", "/help",
  "/my/eductours"]);
const PARTNER_PAGE = /^\/partners\/\d+\/?$/;  // answered by the /partners shell (partners.js)
const PARTNERS_SHELL = "/partners";
const PARTNERS_DB = "passresot-partners";  // static/js/partners-db.js
const CACHED_API = new Set(["/api/v1/me/pass", "/api/v1/keys"]);
const PHOTO = /^\/photos\/agents\/\d+\.jpg$/;
const LOGOUT_PATH = "/logout";
const LOGIN_PATH = "/login";
const SAVED_AT = "X-PassResOT-Saved";  // when a kept page was stored (on the stored copy)
const COPY_HEADER = "X-PassResOT-Copy";  // on an answer from the saved copy: its date

// The background answers of this worker's life, by page key: the page asks for its own.
const revalidations = new Map();
// When a page last sent a change (a report, a language, a form): copies older than that are asked
// for the server's page first, so that the page that made the change shows it.
let lastChangeAt = 0;

self.addEventListener("install", (event) => {
  event.waitUntil(storeStatic(PRECACHE_URLS).then((missing) => {
    if (missing.length) throw new Error(`not stored: ${missing.join(", ")}`);  // tried again later
  }));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(activate());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "SKIP_WAITING") self.skipWaiting();
  // A page that loaded from the network while this worker was installing: activate()'s claim()
  // ran before that page existed, so it asks to be taken over (sw-register.js).
  if (data.type === "CLAIM") event.waitUntil(self.clients.claim());
  if (data.type === "KEEP_FOR_OFFLINE" && Array.isArray(data.urls)) event.waitUntil(keepForOffline(data.urls));
  if (data.type === "PAGE_COPY" && event.ports[0]) event.waitUntil(answerPageCopy(event.source, event.ports[0]));
  if (data.type === "OFFLINE_READY" && event.ports[0]) {
    event.waitUntil(offlineReadiness(data).then((answer) => event.ports[0].postMessage(answer)));
  }
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
  if (request.method === "POST" && url.pathname === LOGIN_PATH && request.mode === "navigate") {
    event.respondWith(signIn(request));
    return;
  }
  if (request.method !== "GET") {
    lastChangeAt = Date.now();
    return;
  }
  if (url.pathname.startsWith("/api/")) {
    if (CACHED_API.has(url.pathname)) event.respondWith(networkFirst(event));
    return;
  }
  if (request.mode === "navigate") {
    if (url.pathname === "/") event.respondWith(startPage(event));
    else if (keptPage(url.pathname)) event.respondWith(staleWhileRevalidate(event));
    else event.respondWith(networkOrOfflinePage(event));
  } else if (PHOTO.test(url.pathname)) {
    event.respondWith(savedPhoto(event));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  }
});

// Someone signed in (the server redirects): the copies of whoever used the device before go, so
// that not even a copy shown at once belongs to another person. A refused or failed sign-in
// (offline at the door) leaves them: they may be this agent's pass.
async function signIn(request) {
  lastChangeAt = Date.now();
  const response = await fetch(request);
  if (response.type === "opaqueredirect" || response.redirected) await caches.delete(PAGES_CACHE);
  return response;
}

// Stores the files not stored yet (copied from an older version's cache when their revision is
// the same), each fetched and retried alone; resolves to those still missing.
async function storeStatic(urls) {
  const cache = await caches.open(STATIC_CACHE);
  const older = await olderStaticCaches();
  const missing = await Promise.all(urls.map(async (url) => {
    // "reload" skips the HTTP cache so a new version never stores an old file; "omit" keeps the
    // offline page anonymous (it is shown to whoever uses the device).
    const request = new Request(url, { cache: "reload", credentials: "omit" });
    if (await cache.match(request, { ignoreVary: true })) return null;
    if (await copyUnchanged(request, older, cache)) return null;
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt += 1) {
      if (attempt) await sleep(RETRY_DELAYS_MS[attempt - 1]);
      try {
        const response = await fetch(request);
        if (response.ok) {
          await cache.put(request, await withRevision(response, REVISIONS[url]));
          return null;
        }
      } catch {
        // A weak signal: try again.
      }
    }
    return url;
  }));
  return missing.filter(Boolean);
}

async function olderStaticCaches() {
  const names = await caches.keys();
  return Promise.all(names.filter((name) => name.startsWith("passresot-static-") && name !== STATIC_CACHE)
    .map((name) => caches.open(name)));
}

// The copy an older version stored, when it holds this very revision: no download.
async function copyUnchanged(request, olderCaches, cache) {
  const revision = REVISIONS[request.url] ?? REVISIONS[new URL(request.url).pathname];
  if (!revision) return false;
  for (const older of olderCaches) {
    const response = await older.match(request, { ignoreVary: true });
    if (response && response.headers.get(REVISION_HEADER) === revision) {
      await cache.put(request, response);
      return true;
    }
  }
  return false;
}

// The response with its revision noted in a header (the server's headers kept).
async function withRevision(response, revision) {
  if (!revision) return response;
  const headers = new Headers(response.headers);
  headers.set(REVISION_HEADER, revision);
  return new Response(await response.arrayBuffer(), { status: response.status, statusText: response.statusText, headers });
}

async function activate() {
  const names = await caches.keys();
  const older = names.filter((name) => name.startsWith("passresot-") && name !== STATIC_CACHE && name !== PAGES_CACHE);
  // An update may activate while offline: carry the pass over before dropping the old caches.
  for (const name of older.filter((name) => name.startsWith("passresot-pages-"))) {
    await copyMissing(name, PAGES_CACHE);
  }
  // A device that scans keeps the scanner's files: the unchanged ones copied before the old
  // caches go, the changed ones fetched afterwards. An agent's phone never downloads them.
  const scanner = await heldScannerFiles(older.filter((name) => name.startsWith("passresot-static-")));
  if (scanner) await copyScannerFiles();
  await Promise.all(older.map((name) => caches.delete(name)));
  await self.clients.claim();
  if (scanner) storeStatic(LATER_URLS);  // not awaited: activation (and so every fetch) must not wait for it
}

async function heldScannerFiles(staticNames) {
  for (const name of staticNames) {
    const cache = await caches.open(name);
    for (const url of LATER_URLS) if (await cache.match(url, { ignoreVary: true })) return true;
  }
  return false;
}

async function copyScannerFiles() {
  const [cache, older] = await Promise.all([caches.open(STATIC_CACHE), olderStaticCaches()]);
  for (const url of LATER_URLS) {
    const request = new Request(url);
    if (!(await cache.match(request, { ignoreVary: true }))) await copyUnchanged(request, older, cache);
  }
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

// The page loaded before this worker took control (first visit): fetch again what it showed.
async function keepForOffline(urls) {
  await Promise.all(urls.map(async (href, index) => {
    const url = new URL(href, self.location.origin);
    if (!keepsOffline(url, index === 0)) return;  // the first URL is the page itself
    try {
      const response = await fetch(url.href, { credentials: "same-origin" });
      if (storable(response)) await store(cacheKey(url, index === 0), response);
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

// Stores a copy of `response` with the time it was stored (the date the page shows for a copy).
// Copies of one key are written one after the other: the first visit asks for the page (keep for
// offline, offline readiness) while its revalidation stores it too, and two puts of one entry at
// once could leave it missing on a busy device (the suspect for a pass copy found gone in loaded
// two-worker test runs, test_pass_offline.py).
const storing = new Map();

function store(key, response) {
  const written = (storing.get(key) ?? Promise.resolve()).catch(() => null).then(() => write(key, response));
  storing.set(key, written);
  written.catch(() => null).then(() => { if (storing.get(key) === written) storing.delete(key); });
  return written;
}

async function write(key, response) {
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, new Date().toISOString());
  const copy = new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
  await (await caches.open(PAGES_CACHE)).put(key, copy);
}

function savedCopy(key) {
  return caches.match(key, { cacheName: PAGES_CACHE, ignoreVary: true });
}

// Answer at once from the saved copy and fetch the page in the background; without a copy, wait
// for the network (a redirect to /login then reaches the browser as it is).
async function staleWhileRevalidate(event) {
  const url = new URL(event.request.url);
  const key = cacheKey(url, true);
  const copy = await savedCopy(key);
  if (!copy) {
    try {
      const response = await fetch(event.request);
      if (storable(response)) event.waitUntil(store(key, response.clone()));
      return response;
    } catch {
      return offlinePage();
    }
  }
  const refreshing = revalidate(key, url.href);
  event.waitUntil(refreshing);
  // Reloaded by the person (the browser asks to revalidate), or older than a change this device
  // just sent: the server's page first, unless it is slow or gone.
  const reload = event.request.cache === "no-cache" || event.request.cache === "reload";
  if (!reload && Date.parse(copy.headers.get(SAVED_AT)) > lastChangeAt) return markedCopy(copy);
  const outcome = await withTimeout(refreshing, NETWORK_TIMEOUT_MS).catch(() => null);
  const fresh = outcome?.state === "fresh" && await savedCopy(key);
  if (!fresh) return markedCopy(copy);
  const headers = new Headers(fresh.headers);
  headers.delete(SAVED_AT);
  return new Response(fresh.body, { status: fresh.status, statusText: fresh.statusText, headers });
}

// The copy, marked so that the page knows before any script runs (in every engine: Firefox has no
// client yet for event.resultingClientId during this event, so a message could not reach it).
async function markedCopy(copy) {
  const savedAt = copy.headers.get(SAVED_AT) || "";
  const html = (await copy.text()).replace(/<html\b/i, `<html data-offline-copy="${savedAt.replace(/[^\w:.+-]/g, "")}"`);
  const headers = new Headers(copy.headers);
  ["Content-Length", "Content-Encoding", SAVED_AT].forEach((name) => headers.delete(name));
  headers.set(COPY_HEADER, savedAt);
  return new Response(html, { status: copy.status, statusText: copy.statusText, headers });
}

// {state: "fresh" | "signed-out" | "failed" | "unreachable", ...}: what the background answer was.
function revalidate(key, href) {
  const outcome = (async () => {
    try {
      const response = await fetch(href, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } });
      if (response.redirected && new URL(response.url).pathname === LOGIN_PATH) {
        return { state: "signed-out", login: response.url };  // never stored: the copy stays
      }
      if (!storable(response)) return { state: "failed", status: response.status };
      await store(key, response);
      return { state: "fresh" };
    } catch {
      return { state: "unreachable" };
    }
  })();
  revalidations.set(key, outcome);
  return outcome;
}

// The page (a window client) asks how the background answer for it went; it waits for it.
async function answerPageCopy(client, port) {
  const key = client?.url ? cacheKey(new URL(client.url), true) : null;
  const outcome = key && revalidations.get(key);
  port.postMessage(outcome ? await outcome : { state: "unknown" });
}

// "/" opens the agent's saved pass at once (the server would redirect there too). Partner staff
// land on /site online; on no signal, or a slow one (4 s), their saved scanner instead.
async function startPage(event) {
  const origin = self.location.origin;
  if (await savedCopy(origin + "/pass")) return Response.redirect(origin + "/pass", 302);
  const network = fetch(event.request);
  try {
    return await withTimeout(network, NETWORK_TIMEOUT_MS);
  } catch {
    if (await savedCopy(origin + "/scanner")) return Response.redirect(origin + "/scanner", 302);
    return network.catch(() => offlinePage());
  }
}

async function savedPhoto(event) {
  const key = event.request.url;
  const copy = await savedCopy(key);
  const network = fetch(event.request).then(async (response) => {
    if (storable(response)) await store(key, response.clone());
    return response;
  });
  if (!copy) return network.catch(() => Response.error());
  event.waitUntil(network.catch(() => null));
  return copy;
}

async function networkFirst(event) {
  const request = event.request;
  const key = cacheKey(new URL(request.url), false);
  const network = fetch(request).then(async (response) => {
    if (storable(response)) await store(key, response.clone());
    return response;
  });
  event.waitUntil(network.catch(() => null));  // finish storing even when the cached copy won
  try {
    const response = await withTimeout(network, NETWORK_TIMEOUT_MS);
    if (response.status < 500) return response;
    return (await savedCopy(key)) || response;  // a proxy's 502 while the app is down
  } catch {
    const copy = await savedCopy(key);
    if (copy) return copy;
    try {
      return await network;  // only slow: keep waiting
    } catch {
      return Response.error();
    }
  }
}

async function networkOrOfflinePage(event) {
  try {
    return await fetch(event.request);
  } catch {
    return offlinePage();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (!storable(response)) return response;
  // A precached file met here first (the scanner's, before it asked for them) keeps its revision too.
  const revision = REVISIONS[new URL(request.url).pathname];
  const kept = revision ? await withRevision(response, revision) : response;
  await cache.put(request, kept.clone());
  return kept;
}

async function offlinePage() {
  const cached = await caches.match(OFFLINE_URL, { ignoreVary: true });
  return cached || new Response("Vous êtes hors connexion.", {
    status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

// ---- Offline readiness: is everything the pass (or the scanner) needs on this device? ----------
// Asked by static/js/offline-ready.js; fetches what is missing (each file retried) before answering.
async function offlineReadiness({ scope, decoder }) {
  const page = scope === "scanner" ? "/scanner" : "/pass";
  const files = scope === "scanner" && decoder !== "native" ? [...PRECACHE_URLS, ...LATER_URLS]
    : scope === "scanner" ? [...PRECACHE_URLS, ...LATER_URLS.filter((url) => !url.includes("/vendor/"))]
      : PRECACHE_URLS;
  const [missing, copy] = await Promise.all([storeStatic(files), pageCopy(self.location.origin + page)]);
  if (!copy) return { ready: false };
  const html = await copy.text();
  if (scope !== "scanner" && !html.includes("data-qr")) return { ready: false, noPass: true };
  const photos = [...new Set(html.match(/\/photos\/agents\/\d+\.jpg/g) || [])].map((path) => self.location.origin + path);
  const photosKept = await Promise.all(photos.map(async (url) => Boolean(await savedCopy(url)) || fetchAndKeep(url)));
  return { ready: !missing.length && photosKept.every(Boolean) };
}

// The saved copy of a page, fetched and stored first if there is none yet.
async function pageCopy(key) {
  return (await savedCopy(key)) || (await fetchAndKeep(key) && savedCopy(key));
}

async function fetchAndKeep(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!storable(response)) return false;
    await store(url, response);
    return true;
  } catch {
    return false;
  }
}

function sleep(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
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
// A bonus where the browser has it (Chromium): the worker sends the scans waiting in IndexedDB even
// when no scanner page is open, with the page's own modules: the same outbox, the same rules
// (scanner-send.js: only the scans of the site this session works for, asked of the bundle first
// since someone else may have signed in; never one set aside or waiting for the staff's choice; a
// batch answered with an error about its content split until the item at fault is alone, set
// aside), the same settling (scanner-settle.js). A failed send throws, so the browser tries again
// later. The page's own flushes (open, online, visibilitychange, timer) remain the rule everywhere.
const SCANNER_DB = "passresot-scanner";  // scanner-outbox.js DB_NAME
const SCANNER_SYNC_TAG = "scanner-outbox";

self.addEventListener("sync", (event) => {
  if (event.tag === SCANNER_SYNC_TAG) event.waitUntil(sendScannerOutbox());
});

async function sendScannerOutbox() {
  if (!(await databaseExists(SCANNER_DB))) return;  // a page makes it: none here means nothing to send
  const [csrf, bundleApi] = await Promise.all([readRecord("csrf"), readRecord("bundleApi")]);
  const site = await sessionSite(bundleApi);
  if (site === undefined) return;  // signed out: the page says so and sends after sign-in
  const scans = sendable(await pendingScans(), site);
  try {
    await sendScans(scans, (batch) => requestJson(SCANS_API, { method: "POST", body: { scans: batch.map(asUpload) }, csrf }),
      { onResults: settle, onRejected: markRejected });
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;  // signed out or withdrawn: the page says so
  }
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage({ type: "SCANS_SENT" });
}

// The site of the signed-in account (undefined when signed out); null when no page said where to ask.
async function sessionSite(bundleApi) {
  if (!bundleApi) return null;
  const url = new URL(bundleApi, self.location.origin);
  url.searchParams.set("since", new Date().toISOString());
  try {
    const bundle = await requestJson(url.href, { timeoutMs: 15_000 });
    return bundle.site ? bundle.site.id : null;
  } catch (error) {
    if (error instanceof SignedOut) return undefined;
    throw error;
  }
}
