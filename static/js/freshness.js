// "À jour", "Copie du … · mise à jour en cours…" or "Hors connexion · données du …" (the server
// unreachable too: to the agent it is the same) on pages the
// service worker keeps (visits, reports): page-copy.js says whether the page is the device's copy
// and what the background answer was.
import { copySavedAt, copyState } from "./page-copy.js";

const TEXT = {
  fr: { checking: "Copie du %(when)s · mise à jour en cours…", signedOut: "Session terminée · données du %(when)s" },
  en: { checking: "Saved copy from %(when)s · updating…", signedOut: "Session ended · data from %(when)s" },
};

export function showFreshness() {
  const element = document.querySelector("[data-freshness]");
  if (!element) return;
  const renderedAt = new Date(element.dataset.renderedAt);
  const en = document.documentElement.lang === "en";
  const lang = en ? "en-GB" : "fr-FR";
  const text = TEXT[en ? "en" : "fr"];
  const update = () => {
    const state = copyState();
    const when = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
                                                 timeZone: "Europe/Paris" }).format(copySavedAt() || renderedAt);
    let shown = state === "fresh" ? "fresh" : "offline";
    let message = element.dataset.textOffline;
    if (!navigator.onLine) shown = "offline";
    else if (state === "checking") message = text.checking;
    else if (state === "signed-out") message = text.signedOut;
    element.dataset.state = shown;
    element.querySelector("[data-freshness-text]").textContent = shown === "fresh"
      ? element.dataset.textFresh : message.replace("%(when)s", when);
  };
  if (Number.isNaN(renderedAt.getTime())) return;
  update();
  window.addEventListener("passresot:copy-state", update);
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
}
