// "À jour" or "Hors connexion · données du …" on pages the service worker keeps (visits, reports):
// the worker says when it answered from its cache (sw-register.js sets <html data-offline-copy>).
const STALE_MS = 120_000;

export function showFreshness() {
  const element = document.querySelector("[data-freshness]");
  if (!element) return;
  const renderedAt = new Date(element.dataset.renderedAt);
  const lang = document.documentElement.lang === "en" ? "en-GB" : "fr-FR";
  const update = () => {
    const copy = document.documentElement.hasAttribute("data-offline-copy")
      || !navigator.onLine || Date.now() - renderedAt.getTime() > STALE_MS;
    const when = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
                                                 timeZone: "Europe/Paris" }).format(renderedAt);
    element.dataset.state = copy ? "offline" : "fresh";
    element.querySelector("[data-freshness-text]").textContent = copy
      ? element.dataset.textOffline.replace("%(when)s", when) : element.dataset.textFresh;
  };
  if (Number.isNaN(renderedAt.getTime())) return;
  update();
  window.addEventListener("passresot:offline-copy", update);
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
}
