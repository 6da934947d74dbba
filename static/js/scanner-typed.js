// A typed pass number without the server: the device holds no numbers, so the token cannot be
// checked; what can be checked is checked (this device's own admissions of the same number this
// year, the site's accepted periods) and otherwise the staff decide ("Accepter" / "Refuser"),
// recorded as an offline verdict the server re-checks like any other.
import { siteRules, TO_CHECK } from "./scanner-decide.js";
import { acceptsOn, parisDay } from "./partners-rules.js";

const ALIASES = { O: "0", I: "1", L: "1", U: "V" };

/** The canonical form of a typed number (case, dashes, spaces, O/0, I/1 forgiven). */
export function normalizeNumber(text) {
  return String(text ?? "").toUpperCase().replace(/[\s-]/g, "").replace(/[OILU]/g, (c) => ALIASES[c]);
}

/** {status: "refused", reason, visitedOn?} when a rule says no, else {status: "pending", reason: TO_CHECK}. */
export function typedNumberVerdict(number, { bundle, outbox = [], now = new Date() } = {}) {
  const wanted = normalizeNumber(number);
  const day = parisDay(now);
  const year = day.slice(0, 4);
  for (const scan of outbox) {
    if (scan.passNumber === undefined || normalizeNumber(scan.passNumber) !== wanted) continue;
    if (scan.offlineVerdict?.status !== "admitted") continue;
    const visited = parisDay(new Date(scan.scannedAt));
    if (visited.slice(0, 4) === year) return { status: "refused", reason: "already_visited", visitedOn: visited };
  }
  if (bundle?.site && acceptsOn(siteRules(bundle.site), day) === false) {
    return { status: "refused", reason: "outside_accepted_period" };
  }
  return { status: "pending", reason: TO_CHECK };
}
