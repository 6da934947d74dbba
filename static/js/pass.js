// The pass screen: a ticking clock (a screenshot would not tick) and how fresh the shown copy is.
const lang = document.documentElement.lang === "en" ? "en-GB" : "fr-FR";
const T = lang === "en-GB"
  ? { fresh: "Pass up to date", offline: "Offline", unreachable: "Server unreachable",
      copy: "saved copy from", updated: "updated" }
  : { fresh: "Pass à jour", offline: "Hors connexion", unreachable: "Serveur injoignable",
      copy: "copie enregistrée le", updated: "mis à jour le" };

const clock = document.querySelector("[data-clock]");
const timeFormat = new Intl.DateTimeFormat(lang, {
  hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "Europe/Paris",
});
const dateFormat = new Intl.DateTimeFormat(lang, {
  day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris",
});

function tick() {
  if (clock) clock.textContent = timeFormat.format(new Date());
}

const freshness = document.querySelector("[data-freshness]");
const renderedAt = freshness ? new Date(freshness.dataset.renderedAt) : null;
// The service worker's copy: it says so (data-offline-copy), or the page is older than two minutes.
let fromCache = document.documentElement.hasAttribute("data-offline-copy")
  || (renderedAt && Date.now() - renderedAt.getTime() > 120_000);

export function describeFreshness(online, cached, when) {
  if (!online || cached) {
    return { state: online ? "stale" : "offline",
      text: `${online ? T.unreachable : T.offline} · ${T.copy} ${dateFormat.format(when)}` };
  }
  return { state: "fresh", text: `${T.fresh} · ${T.updated} ${dateFormat.format(when)}` };
}

function showFreshness() {
  if (!freshness || Number.isNaN(renderedAt?.getTime())) return;
  const { state, text } = describeFreshness(navigator.onLine, fromCache, renderedAt);
  freshness.dataset.state = state;
  freshness.querySelector("[data-freshness-text]").textContent = text;
}

tick();
setInterval(tick, 1000);
showFreshness();
window.addEventListener("online", showFreshness);
window.addEventListener("passresot:offline-copy", () => { fromCache = true; showFreshness(); });
window.addEventListener("offline", showFreshness);
