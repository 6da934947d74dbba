// The scanner bundle kept on the device (passresot/visits/bundle.py): fetched complete the first
// time, then as changes since the last sync, merged here and stored in IndexedDB ("bundle").
// Merge rules: keys, site and year are replaced; revocations are added by pass id;
// `admissions_removed` are dropped first, then `admissions` added (keyed by pass id). A new year
// starts from no admissions. A bundle for another site (someone signed in for another site on this
// device) replaces the stored one whole. Each sync also measures the device's clock against
// `server_time` (scanner-clock.js).
import { readRecord, writeRecord } from "./scanner-outbox.js";
import { clockOffset } from "./scanner-clock.js";
import { requestJson } from "./scanner-net.js";

const KEY = "bundle";

export const storedBundle = () => readRecord(KEY);

/** The stored bundle merged with one answer of GET /api/v1/scanner/bundle (pure: for tests too). */
export function mergeBundle(stored, answer) {
  if (!stored || answer.full) return { ...answer, syncedAt: answer.server_time };
  const revocations = new Map((stored.revocations ?? []).map((r) => [r.pass_id, r]));
  for (const r of answer.revocations ?? []) revocations.set(r.pass_id, r);
  const sameYear = Number(stored.year) === Number(answer.year);
  const admissions = new Map(sameYear ? (stored.admissions ?? []).map((a) => [a.pass_id, a]) : []);
  for (const removed of answer.admissions_removed ?? []) admissions.delete(removed.pass_id);
  for (const a of answer.admissions ?? []) admissions.set(a.pass_id, a);
  return {
    ...stored, ...answer, full: true,
    revocations: [...revocations.values()],
    admissions: [...admissions.values()],
    syncedAt: answer.server_time,
  };
}

/** Fetch the changes since the last sync and store the merged bundle; returns it (throws offline,
 * SignedOut when the session ended). */
export async function syncBundle(url, { timeoutMs = 8000, headers = {} } = {}) {
  const stored = await storedBundle();
  let { answer, sentAt, answeredAt } = await fetchBundle(url, stored?.syncedAt, timeoutMs, headers);
  let base = stored;
  if (stored && answer.site?.id !== stored.site?.id) {
    base = undefined;  // another site's account: start again from its complete bundle
    if (!answer.full) ({ answer, sentAt, answeredAt } = await fetchBundle(url, null, timeoutMs, headers));
  }
  const merged = mergeBundle(base, answer);
  merged.fetchedAt = new Date().toISOString();
  merged.clockOffsetMs = clockOffset(answer.server_time, sentAt, answeredAt);
  await writeRecord(KEY, merged);
  return merged;
}

async function fetchBundle(url, since, timeoutMs, headers) {
  const address = new URL(url, location.href);
  if (since) address.searchParams.set("since", since);
  const sentAt = Date.now();
  const answer = await requestJson(address.href, { timeoutMs, headers });
  return { answer, sentAt, answeredAt: Date.now() };
}

/** Forget an admission the staff undid ("Annuler cette entrée"): the holder may come in again. */
export async function forgetAdmission(passId) {
  const stored = await storedBundle();
  if (!stored || passId == null) return;
  await writeRecord(KEY, { ...stored, admissions: (stored.admissions ?? []).filter((a) => a.pass_id !== passId) });
}
