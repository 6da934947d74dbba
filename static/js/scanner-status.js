// The scanner's status bar: network (online, offline, session ended), the mode it decides in
// (server first, or device first on a weak signal), the age of its data, the clock's drift, the
// scans waiting for this site, those kept for another site, and the ones the server refused.
import { format } from "./scanner-verdict.js";
import { clockIsOff, offsetMinutes } from "./scanner-clock.js";

const STALE_MS = 24 * 60 * 60 * 1000;
const LISTED = 3;

export class StatusBar {
  constructor(root, texts) {
    this.root = root;
    this.texts = texts;
    this.$ = (name) => root.querySelector(`[data-${name}]`);
  }

  /** reachable: true | false | "signed-out"; slow: no answer in time (the network may be up). */
  network(reachable, { slow = false } = {}) {
    const element = this.$("network");
    element.dataset.state = reachable === "signed-out" ? "signed-out" : reachable ? "online" : "offline";
    element.textContent = reachable === "signed-out" ? this.texts.signed_out_short : reachable ? this.texts.online
      : slow ? this.texts.no_answer : this.texts.offline;
    this.$("session").hidden = reachable !== "signed-out";
  }

  /** The title of the "signed out" alert: the server's own words (e.g. "Appareil retiré") or the default. */
  signedOutBecause(message) {
    const title = this.$("session-title");
    title.dataset.default ??= title.textContent;
    title.textContent = message || title.dataset.default;
  }

  mode(mode) {
    const element = this.$("mode");
    element.dataset.mode = mode;
    element.textContent = mode === "decide" ? this.texts.mode_decide : this.texts.mode_ask;
  }

  /** bundle: the stored bundle; scans: the whole outbox; site: the site this session works for. */
  show({ bundle, scans, site }) {
    this.age(bundle);
    this.clock(bundle);
    const mine = scans.filter((s) => !s.rejected && (s.siteId == null || s.siteId === site));
    const waiting = this.$("waiting");
    waiting.dataset.count = String(mine.length);
    waiting.textContent = mine.length ? format(this.texts.waiting, { count: mine.length }) : this.texts.all_sent;
    this.$("session-count").textContent = format(this.texts.session_waiting, { count: mine.length });
    this.otherSites(scans.filter((s) => !s.rejected && s.siteId != null && s.siteId !== site));
    this.rejected(scans.filter((s) => s.rejected));
    return mine.length;
  }

  age(bundle) {
    const age = this.$("bundle-age");
    if (!bundle?.fetchedAt) {
      age.dataset.state = "missing";
      age.textContent = this.texts.bundle_missing;
      return;
    }
    const fetched = new Date(bundle.fetchedAt);
    const stale = dataIsStale(bundle);
    age.dataset.state = stale ? "stale" : "fresh";
    age.textContent = format(stale ? this.texts.bundle_stale : this.texts.bundle_age, { date: when(fetched) });
  }

  clock(bundle) {
    const element = this.$("clock");
    const off = clockIsOff(bundle);
    element.hidden = !off;
    element.textContent = off ? format(this.texts.clock_off, { minutes: Math.abs(offsetMinutes(bundle)) }) : "";
  }

  otherSites(scans) {
    const element = this.$("other-sites");
    const bySite = new Map();
    for (const scan of scans) {
      const entry = bySite.get(scan.siteId) ?? { name: scan.siteName ?? `#${scan.siteId}`, count: 0 };
      entry.count += 1;
      bySite.set(scan.siteId, entry);
    }
    element.dataset.count = String(scans.length);
    element.hidden = !scans.length;
    element.textContent = [...bySite.values()]
      .map(({ name, count }) => format(this.texts.other_site_waiting, { count, site: name })).join(" ");
  }

  rejected(scans) {
    const element = this.$("rejected");
    element.dataset.count = String(scans.length);
    element.hidden = !scans.length;
    if (!scans.length) {
      element.textContent = "";
      return;
    }
    const what = scans.slice(0, LISTED).map((s) => format(this.texts.rejected_item, {
      time: when(new Date(s.scannedAt)), code: shortCode(s), why: s.rejected.message || s.rejected.code,
    })).join(" ; ");
    element.textContent = format(scans.length === 1 ? this.texts.rejected_one : this.texts.rejected_many,
      { count: scans.length, what: scans.length > LISTED ? `${what} …` : what });
  }
}

/** True past the bundle's maximum age (24 h by default). */
export function dataIsStale(bundle, now = Date.now()) {
  if (!bundle?.fetchedAt) return false;
  return now - Date.parse(bundle.fetchedAt) > (bundle.max_age ? bundle.max_age * 1000 : STALE_MS);
}

/** True when the network wants verdicts "à vérifier" after N days without sync (verify_after_days). */
export function dataTooOldToTrust(bundle, now = Date.now()) {
  const days = Number(bundle?.verify_after_days);
  if (!bundle?.fetchedAt || !days) return false;
  return now - Date.parse(bundle.fetchedAt) > days * 24 * 60 * 60 * 1000;
}

function when(date) {
  return date.toLocaleString(document.documentElement.lang || "fr", { dateStyle: "short", timeStyle: "short" });
}

// What the staff can recognise of a refused item, with invisible characters made visible.
function shortCode(scan) {
  const text = scan.passNumber ?? scan.qr ?? "";
  const shown = [...text].slice(0, 16).map((c) => (/[\p{Cc}\p{Cs}]/u.test(c) ? "�" : c)).join("");
  return text.length > 16 ? `${shown}…` : shown;
}
