// Was this page answered from the device's saved copy, and what did the network say since?
// The service worker answers kept pages from their copy at once, marked <html data-offline-copy=
// "<saved at>">, and fetches them in the background; this module asks it how that went (asking
// works in every engine, unlike a message the worker would send during the fetch, which Firefox
// cannot deliver). It sets <html data-copy-state> and sends "passresot:copy-state" with
// {state, changed, document}: "checking", then "fresh", "unreachable", "failed", "signed-out" or
// "unknown". A page that changed meanwhile is handed over (pass.js swaps it in) or offered.
const TEXT = {
  fr: { changed: "Cette page a été mise à jour", show: "Afficher", signedOut: "Session terminée — reconnectez-vous",
        signIn: "Se reconnecter" },
  en: { changed: "This page has been updated", show: "Show", signedOut: "Session ended — please sign in again",
        signIn: "Sign in" },
};
const STYLESHEET = new URL("../css/pwa.css", import.meta.url).href;
const root = document.documentElement;
const lang = root.lang === "en" ? "en" : "fr";

/** The saved copy's date if this page came from it, else null. */
export function copySavedAt() {
  if (!root.hasAttribute("data-offline-copy")) return null;
  const when = new Date(root.dataset.offlineCopy);
  return Number.isNaN(when.getTime()) ? new Date(0) : when;
}

export function copyState() {
  return root.dataset.copyState || (root.hasAttribute("data-offline-copy") ? "checking" : "fresh");
}

// What the page shows, without what changes at every rendering (tokens, times, the ticking clock).
export function signature(main) {
  const clone = main.cloneNode(true);
  clone.querySelectorAll("input[name=csrf_token], [data-clock], [data-offline-ready]").forEach((node) => node.remove());
  clone.querySelectorAll("[data-rendered-at]").forEach((node) => node.removeAttribute("data-rendered-at"));
  return clone.innerHTML.replace(/\s+/g, " ").trim();
}

const shownSignature = document.querySelector("main") ? signature(document.querySelector("main")) : "";

function askWorker() {
  return new Promise((resolve) => {
    const controller = navigator.serviceWorker?.controller;
    if (!controller) return resolve({ state: "unknown" });
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data || { state: "unknown" });
    controller.postMessage({ type: "PAGE_COPY" }, [channel.port2]);
  });
}

// The fresh copy the worker just stored, when it is kept under this page's own path.
async function freshDocument() {
  const response = await caches.match(window.location.origin + window.location.pathname);
  if (!response) return null;
  return new DOMParser().parseFromString(await response.text(), "text/html");
}

// Listeners may set detail.handled (pass.js, having swapped the new pass in).
function publish(state, detail = {}) {
  detail.state = state;
  root.dataset.copyState = state;
  if (state === "fresh") delete root.dataset.offlineCopy;
  window.dispatchEvent(new CustomEvent("passresot:copy-state", { detail }));
  return detail;
}

function banner(id, message, label, action) {
  if (document.getElementById(id)) return;
  if (!document.querySelector(`link[href="${STYLESHEET}"]`)) {
    document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: STYLESHEET }));
  }
  const box = Object.assign(document.createElement("div"), { id, className: "sw-update" });
  box.setAttribute("role", "status");
  const button = typeof action === "string"
    ? Object.assign(document.createElement("a"), { href: action, className: "button small", textContent: label })
    : Object.assign(document.createElement("button"), { type: "button", className: "button small", textContent: label });
  if (typeof action === "function") button.addEventListener("click", action);
  box.append(Object.assign(document.createElement("span"), { textContent: message }), button);
  document.body.append(box);
}

async function follow() {
  publish("checking");
  const outcome = await askWorker();
  if (outcome.state === "signed-out") {
    publish("signed-out");
    banner("session-ended", TEXT[lang].signedOut, TEXT[lang].signIn, outcome.login || "/login");
    return;
  }
  if (outcome.state !== "fresh") return publish(outcome.state);
  const fresh = await freshDocument().catch(() => null);
  const main = fresh?.querySelector("main");
  const changed = Boolean(main) && signature(main) !== shownSignature;
  const detail = publish("fresh", { changed, document: fresh, handled: false });
  if (changed && !detail.handled) {
    banner("page-updated", TEXT[lang].changed, TEXT[lang].show, () => window.location.reload());
  }
}

if (copySavedAt() && "serviceWorker" in navigator) follow();
