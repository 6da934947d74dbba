// Registers the service worker (/sw.js, whole site) and offers to reload when a new version waits.
// With it, on every page: whether the page is the device's copy (page-copy.js) and, where the page
// has the line for it, whether the pass or scanner is ready offline (offline-ready.js).
import "./page-copy.js";
import "./offline-ready.js";
const BANNER_ID = "sw-update";
const STYLESHEET = new URL("../css/pwa.css", import.meta.url).href;
const TEXT = {
  fr: { available: "Nouvelle version disponible", reload: "Recharger" },
  en: { available: "New version available", reload: "Reload" },
};

const INSTALL_RETRY_MS = [5000, 15000, 30000, 60000];  // a first install that failed, tried again

let reloadRequested = false;
let installAttempts = 0;
const watched = new WeakSet();

function text(key) {
  return (TEXT[document.documentElement.lang] || TEXT.fr)[key];
}

function loadStylesheet() {
  return new Promise((resolve) => {
    if (document.querySelector(`link[href="${STYLESHEET}"]`)) return resolve();
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: STYLESHEET });
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve);  // the banner still works unstyled
    document.head.append(link);
  });
}

async function offerUpdate(worker) {
  if (document.getElementById(BANNER_ID)) return;
  await loadStylesheet();
  const banner = Object.assign(document.createElement("div"), { id: BANNER_ID, className: "sw-update" });
  banner.setAttribute("role", "status");
  const message = Object.assign(document.createElement("span"), { textContent: `${text("available")} — ` });
  const button = Object.assign(document.createElement("button"), {
    type: "button", className: "button small", textContent: text("reload"),
  });
  button.addEventListener("click", () => {
    reloadRequested = true;
    button.disabled = true;
    worker.postMessage({ type: "SKIP_WAITING" });
  });
  banner.append(message, button);
  document.body.append(banner);
}

// The first visit loads before the worker controls the page: hand it what the page showed (the
// page itself, photos, API answers) so that it can keep the pass for offline use.
function keepPageForOffline() {
  const urls = [window.location.href, ...performance.getEntriesByType("resource").map((entry) => entry.name)];
  navigator.serviceWorker.controller?.postMessage({ type: "KEEP_FOR_OFFLINE", urls });
}

function watchForUpdates(registration) {
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  const watch = (worker) => {
    if (!worker || watched.has(worker)) return;
    watched.add(worker);
    worker.addEventListener("statechange", () => {
      // With no controller this is the first install, not an update.
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
      // A first install that failed (a file still missing after the worker's own retries) would
      // otherwise wait for the next page load: on a weak signal, try again while this page is open.
      if (worker.state === "redundant" && !registration.active && installAttempts < INSTALL_RETRY_MS.length) {
        setTimeout(register, INSTALL_RETRY_MS[installAttempts]);
        installAttempts += 1;
      }
    });
  };
  watch(registration.installing);
  registration.addEventListener("updatefound", () => watch(registration.installing));
}

// A module worker (it imports the pages' own modules and /sw-manifest.js, which changes with each
// deploy): every import is checked for a change at each update, past any HTTP cache.
function register() {
  return navigator.serviceWorker.register("/sw.js", { scope: "/", type: "module", updateViaCache: "none" })
    .then(watchForUpdates)
    .catch((error) => console.warn("Service worker non enregistré :", error));
}

// The worker claims the open pages when it activates, but only pages that exist then: one whose
// navigation went to the network while the worker was installing, and came back after, would stay
// uncontrolled (and not kept for offline use) for its whole life. Such a page asks to be taken over.
function askToBeControlled() {
  navigator.serviceWorker.ready.then((registration) => {
    if (!navigator.serviceWorker.controller) registration.active?.postMessage({ type: "CLAIM" });
  });
}

// Whether the worker answered this page's own request (workerStart is 0 when none did; an engine
// without navigation timing is taken as answered, as before). A page loaded from the network may be
// claimed before this module runs, on a busy device: the controller is there already and no
// controllerchange will come, so it is handed over now, or it would never be kept for offline use.
function answeredByTheWorker() {
  const navigation = performance.getEntriesByType?.("navigation")[0];
  return Boolean(navigator.serviceWorker.controller) && (navigation ? navigation.workerStart > 0 : true);
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.startMessages();  // the scanner listens for the worker's SCANS_SENT
  let handedOver = answeredByTheWorker();
  const handOver = () => {
    if (!handedOver) keepPageForOffline();
    handedOver = true;
  };
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloadRequested) window.location.reload();
    else handOver();
  });
  if (navigator.serviceWorker.controller) handOver();
  register();
  askToBeControlled();
}
