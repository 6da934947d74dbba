// The pass screen: a ticking clock (a screenshot would not tick) and how fresh the shown copy is.
// Answered from the device's copy (page-copy.js), it says so, then swaps in the server's new pass
// as soon as the background answer brings one (renewed, revoked, returned).
import { copySavedAt, copyState } from "./page-copy.js";

const lang = document.documentElement.lang === "en" ? "en-GB" : "fr-FR";
const T = lang === "en-GB"
  ? { fresh: "Pass up to date", offline: "Offline", unreachable: "Server unreachable",
      copy: "saved copy from", updated: "updated", checking: "Saved copy from", updating: "updating…",
      signedOut: "Session ended" }
  : { fresh: "Pass à jour", offline: "Hors connexion", unreachable: "Serveur injoignable",
      copy: "copie enregistrée le", updated: "mis à jour le", checking: "Copie du", updating: "mise à jour en cours…",
      signedOut: "Session terminée" };

const timeFormat = new Intl.DateTimeFormat(lang, {
  hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "Europe/Paris",
});
const dateFormat = new Intl.DateTimeFormat(lang, {
  day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris",
});

function tick() {
  const clock = document.querySelector("[data-clock]");  // queried each time: the pass may be swapped
  if (clock) clock.textContent = timeFormat.format(new Date());
}

/** {state, text} of the freshness line; `copy` is what page-copy.js says of the page. */
export function describeFreshness(online, copy, when) {
  const saved = `${T.copy} ${dateFormat.format(when)}`;
  if (!online) return { state: "offline", text: `${T.offline} · ${saved}` };
  if (copy === "fresh") return { state: "fresh", text: `${T.fresh} · ${T.updated} ${dateFormat.format(when)}` };
  if (copy === "checking") return { state: "checking", text: `${T.checking} ${dateFormat.format(when)} · ${T.updating}` };
  if (copy === "signed-out") return { state: "stale", text: `${T.signedOut} · ${saved}` };
  return { state: "stale", text: `${T.unreachable} · ${saved}` };
}

let updatedAt = null;  // when a background answer brought the page up to date

function showFreshness() {
  const freshness = document.querySelector("[data-freshness]");
  if (!freshness) return;
  const state = copyState();
  const renderedAt = new Date(freshness.dataset.renderedAt);
  const when = state === "fresh" ? updatedAt || renderedAt : copySavedAt() || renderedAt;
  if (Number.isNaN(when.getTime())) return;
  const { state: shown, text } = describeFreshness(navigator.onLine, state, when);
  freshness.dataset.state = shown;
  freshness.querySelector("[data-freshness-text]").textContent = text;
}

// The server's page differs from the copy shown: show the new one in place (no reload, no flash).
function swapIn(fresh) {
  const main = document.querySelector("main");
  const next = fresh?.querySelector("main");
  if (!main || !next) return false;
  main.replaceChildren(...[...next.childNodes].map((node) => document.importNode(node, true)));
  window.dispatchEvent(new CustomEvent("passresot:page-replaced"));
  return true;
}

function onCopyState(event) {
  const detail = event.detail || {};
  if (detail.state === "fresh") {
    updatedAt = new Date();
    if (detail.changed && swapIn(detail.document)) detail.handled = true;
  }
  showFreshness();
  tick();
}

tick();
setInterval(tick, 1000);
showFreshness();
window.addEventListener("online", showFreshness);
window.addEventListener("offline", showFreshness);
window.addEventListener("passresot:copy-state", onCopyState);
