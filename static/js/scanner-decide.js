// The scanner's offline verdict, in the order of DESIGN.md §3: decodes → prefix/version → key id
// known → signature → revoked → validity window (verify.js) → already admitted at this site this
// year (the bundle's admissions plus this device's own outbox) → accepted period of the site.
// A holder the bundle lists at one of today's eductour stops here is admitted as « Éductour » once
// the pass holds (signature, revocation, window): the free entry is neither checked nor used.
// The server applies the same rules (passresot/visits/verdict.py); when it answers, it wins.
//
// decideOffline() never throws: { status: "admitted" | "refused", reason, payload, visitedOn, eductour }.
// A typed pass number cannot be checked offline (the device holds no numbers): the page queues it
// "à vérifier" (TO_CHECK) and the server decides.

import { PREFIX, verifyPass } from "./verify.js";
import { acceptsOn, parisDay } from "./partners-rules.js";

export const TO_CHECK = "to_check";

/** True when typed text looks like a pass number (8 characters, dashes and spaces aside), not a QR. */
export function looksLikePassNumber(text) {
  if (typeof text !== "string" || text.startsWith(PREFIX)) return false;
  return /^[0-9A-Za-z]{8}$/.test(text.replace(/[\s-]/g, ""));
}

/** The site's settings from the bundle, in the shape partners-rules.js reads. */
export function siteRules(site) {
  return {
    all_year: Boolean(site?.accepts_all_year),
    periods: (site?.periods ?? []).map((p) => [p.starts_on, p.ends_on, p.recurring ? 1 : 0]),
  };
}

/**
 * bundle: the merged scanner bundle ({keys, revocations, site, year, admissions, tolerance_seconds}).
 * outbox: this device's scans not yet acknowledged ({passId, offlineVerdict:{status}, scannedAt}).
 * now: a Date (default: this device's clock).
 */
export async function decideOffline(text, { bundle, outbox = [], now = new Date(), ed25519 = "auto" } = {}) {
  try {
    return await decide(text, { bundle, outbox, now, ed25519 });
  } catch (error) {
    return { status: "refused", reason: "unverifiable", error: String(error?.message ?? error) };
  }
}

async function decide(text, { bundle, outbox, now, ed25519 }) {
  if (typeof now === "number") now = new Date(now * 1000);  // Unix seconds, as in verify.js
  const qr = text;
  // How each closed pass was closed (returned, revoked, replaced), to say which when one is shown.
  const closedAs = new Map((bundle?.revocations ?? []).map((r) => [r.pass_id, r.status ?? null]));
  let closed = null;
  const revoked = { has: (passId) => closedAs.has(passId) && ((closed = closedAs.get(passId)), true) };
  const checked = await verifyPass(qr, {
    keys: bundle?.keys ?? [],
    now,
    revoked,
    toleranceSeconds: bundle?.tolerance_seconds ?? 300,
    ed25519,
  });
  if (!checked.ok) {
    return { status: "refused", reason: checked.reason, ...(checked.reason === "revoked" && closed ? { closed } : {}) };
  }
  const payload = checked.payload;
  const day = parisDay(now);
  const year = Number(day.slice(0, 4));
  const eductour = eductourStop(payload.passId, day, bundle);
  if (eductour) return { status: "admitted", reason: null, payload, eductour };
  const earlier = earlierAdmission(payload.passId, year, bundle, outbox);
  if (earlier) return { status: "refused", reason: "already_visited", payload, visitedOn: earlier };
  if (bundle?.site && acceptsOn(siteRules(bundle.site), day) === false) {
    return { status: "refused", reason: "outside_accepted_period", payload };
  }
  return { status: "admitted", reason: null, payload };
}

/** The bundle's eductour stop here on `day` ("YYYY-MM-DD") whose programme invites this pass's holder, or null. */
export function eductourStop(passId, day, bundle) {
  return (bundle?.eductours ?? []).find((stop) => stop.day === day && (stop.pass_ids ?? []).includes(passId)) ?? null;
}

/** The day ("YYYY-MM-DD") this pass was already admitted here this year, or null (eductour
 * attendances in the outbox are no admission). */
export function earlierAdmission(passId, year, bundle, outbox = []) {
  if (bundle && Number(bundle.year) === year) {
    const found = (bundle.admissions ?? []).find((a) => a.pass_id === passId);
    if (found) return found.visited_on;
  }
  for (const scan of outbox) {
    if (scan.passId !== passId || scan.offlineVerdict?.status !== "admitted" || scan.offlineVerdict.eductour) continue;
    const day = parisDay(new Date(scan.scannedAt));
    if (Number(day.slice(0, 4)) === year) return day;
  }
  return null;
}
