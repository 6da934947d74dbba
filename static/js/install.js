// Installing the app, at the right moment: from the page load after the agent first saw their pass
// (or the staff their scanner; the first look is never covered), Android's install prompt (beforeinstallprompt, kept for later) is offered as
// "Installer l'application", at most once per browser session and never again once declined;
// iOS Safari, which has no prompt, gets a short how-to ("Partager › Sur l'écran d'accueil"),
// since on iOS the data lasts only in the installed app. Installed (appinstalled) or opened from
// the home screen, the app asks the browser to keep its storage (navigator.storage.persist()).
const SEEN_KEY = "passresot-install-seen";       // the pass or the scanner was shown once
const DECLINED_KEY = "passresot-install-declined";  // "Plus tard" or the browser's prompt refused
const OFFERED_KEY = "passresot-install-offered";  // sessionStorage: offered in this session
const BANNER_ID = "install-offer";
const STYLESHEET = new URL("../css/pwa.css", import.meta.url).href;
const TEXT = {
  fr: {
    offer: "Installez PassResOT66 sur votre téléphone : le pass s'ouvre d'un geste, même sans réseau.",
    install: "Installer l'application",
    later: "Plus tard",
    ios: "Installez PassResOT66 : dans Safari, touchez « Partager » puis « Sur l'écran d'accueil ». "
      + "Sur iPhone, le pass et la liste des partenaires ne restent enregistrés que dans l'application installée.",
    ok: "J'ai compris",
  },
  en: {
    offer: "Install PassResOT66 on your phone: the pass opens in one tap, even without a network.",
    install: "Install the app",
    later: "Later",
    ios: "Install PassResOT66: in Safari, tap “Share” then “Add to Home Screen”. "
      + "On iPhone, the pass and the partner list are kept only in the installed app.",
    ok: "Got it",
  },
};

let deferredPrompt = null;
let seenEarlier = null;  // set below, before this load is counted

const text = (key) => (TEXT[document.documentElement.lang] || TEXT.fr)[key];

function stored(storage, key) {
  try { return storage.getItem(key); } catch { return null; }  // storage may be blocked
}

function store(storage, key, value) {
  try { storage.setItem(key, value); } catch { /* private mode: the offer may come back */ }
}

export function isStandalone() {
  return window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
}

/** iPhone or iPad Safari (not Chrome, Firefox or Edge for iOS, which cannot install). */
export function isIosSafari(userAgent = navigator.userAgent, touchPoints = navigator.maxTouchPoints) {
  const ios = /iPad|iPhone|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && touchPoints > 1);
  return ios && /Safari/.test(userAgent) && !/CriOS|FxiOS|EdgiOS|OPiOS/.test(userAgent);
}

async function keepStorage() {
  if (!navigator.storage?.persist) return;
  const kept = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  document.documentElement.dataset.storagePersisted = String(kept);
}

function mayOffer() {
  return seenEarlier && !stored(localStorage, DECLINED_KEY)
    && !stored(sessionStorage, OFFERED_KEY) && !isStandalone()
    && !document.getElementById(BANNER_ID) && !document.getElementById("sw-update")
    && !document.body.classList.contains("page-scanner");  // never over the scanner at the entrance
}

function loadStylesheet() {
  return new Promise((resolve) => {
    if (document.querySelector(`link[href="${STYLESHEET}"]`)) return resolve();
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: STYLESHEET });
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve);
    document.head.append(link);
  });
}

function button(label, className, onClick) {
  const element = Object.assign(document.createElement("button"), { type: "button", className, textContent: label });
  element.addEventListener("click", onClick);
  return element;
}

async function showBanner(message, actions) {
  store(sessionStorage, OFFERED_KEY, "1");
  await loadStylesheet();
  const banner = Object.assign(document.createElement("aside"), { id: BANNER_ID, className: "install-offer" });
  banner.setAttribute("aria-label", text("install"));
  const close = () => banner.remove();
  banner.append(Object.assign(document.createElement("p"), { textContent: message }),
    Object.assign(document.createElement("div"), { className: "install-actions" }));
  banner.lastChild.append(...actions(close));
  document.body.append(banner);
}

function decline(close) {
  store(localStorage, DECLINED_KEY, new Date().toISOString());
  close();
}

// What this page decided, on <html data-install-offer="shown|none">: tests wait for it instead
// of waiting a while to see that nothing came.
function decided(state) {
  document.documentElement.dataset.installOffer = state;
}

function offerInstall() {
  if (!deferredPrompt || !mayOffer()) return decided("none");
  return showBanner(text("offer"), (close) => [
    button(text("install"), "button small", async () => {
      const prompt = deferredPrompt;
      deferredPrompt = null;
      close();
      await prompt.prompt();
      const choice = await prompt.userChoice;
      if (choice?.outcome === "dismissed") decline(() => {});
    }),
    button(text("later"), "button small secondary", () => decline(close)),
  ]).then(() => decided("shown"));
}

function offerIosHowTo() {
  if (!isIosSafari() || !mayOffer()) return decided("none");
  return showBanner(text("ios"), (close) => [button(text("ok"), "button small", () => decline(close))])
    .then(() => decided("shown"));
}

seenEarlier = stored(localStorage, SEEN_KEY);
if (document.body.classList.contains("page-pass") || document.body.classList.contains("page-scanner")) {
  store(localStorage, SEEN_KEY, new Date().toISOString());
}
window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();  // the browser's own mini-bar would come at the wrong moment
  deferredPrompt = event;
  offerInstall();
});
window.addEventListener("appinstalled", () => {
  document.getElementById(BANNER_ID)?.remove();
  keepStorage();
});
if (isStandalone()) keepStorage();
else offerIosHowTo();
document.documentElement.dataset.installReady = "";
