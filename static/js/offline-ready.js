// « Disponible hors connexion » once the pass (or the scanner: its page, bundle and QR decoder) and
// everything it needs are stored on this device; until then, ask the agent to keep the page open.
// The service worker fetches what is missing when asked (each file retried on its own).
import { readIfExists } from "./idb.js";

const TEXT = {
  fr: { ready: "Disponible hors connexion",
        waiting: "Pas encore enregistré sur ce téléphone — gardez cette page ouverte une minute" },
  en: { ready: "Available offline", waiting: "Not saved on this phone yet — keep this page open for a minute" },
};
const STYLESHEET = new URL("../css/pwa.css", import.meta.url).href;
const RETRY_MS = [2000, 4000, 8000, 15000, 30000];
const ANSWER_TIMEOUT_MS = 90_000;
const SCANNER_DB = "passresot-scanner";  // static/js/scanner-outbox.js: store "records", key "bundle"

const text = TEXT[document.documentElement.lang === "en" ? "en" : "fr"];

async function nativeQrDecoder() {
  try {
    return "BarcodeDetector" in globalThis && (await globalThis.BarcodeDetector.getSupportedFormats()).includes("qr_code");
  } catch {
    return false;
  }
}

async function askWorker(message) {
  const registration = await navigator.serviceWorker.ready;
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve({ ready: false }), ANSWER_TIMEOUT_MS);
    channel.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data || { ready: false }); };
    registration.active.postMessage(message, [channel.port2]);
  });
}

export async function checkReadiness(scope) {
  if (scope !== "scanner") return askWorker({ type: "OFFLINE_READY", scope });
  const decoder = (await nativeQrDecoder()) ? "native" : "polyfill";
  const [answer, bundle] = await Promise.all([askWorker({ type: "OFFLINE_READY", scope, decoder }), readIfExists(SCANNER_DB, "records", "bundle").then(Boolean)]);
  return { ...answer, ready: answer.ready && bundle };
}

function render(answer) {
  const element = document.querySelector("[data-offline-ready]");  // again: the pass may be swapped in
  if (!element) return;
  if (!document.querySelector(`link[href="${STYLESHEET}"]`)) {
    document.head.append(Object.assign(document.createElement("link"), { rel: "stylesheet", href: STYLESHEET }));
  }
  element.dataset.state = answer.ready ? "ready" : "waiting";
  element.textContent = answer.ready ? text.ready : text.waiting;
  element.hidden = Boolean(answer.noPass);
}

async function watch(scope) {
  let last = { ready: false };
  render(last);
  for (let attempt = 0; ; attempt += 1) {
    last = await checkReadiness(scope).catch(() => ({ ready: false }));
    render(last);
    if (last.ready || last.noPass) break;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
  }
  window.addEventListener("passresot:page-replaced", () => render(last));
}

const element = document.querySelector("[data-offline-ready]");
if (element && "serviceWorker" in navigator) watch(element.dataset.offlineReady);
