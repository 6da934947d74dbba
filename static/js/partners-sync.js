// Bringing the stored partner list up to date: GET /api/v1/partners with If-None-Match (a 304
// costs a few bytes) and GET /api/v1/me/visits; what comes back is stored in IndexedDB before
// it is shown, so the next opening offline finds it.
import { writeMany } from "./partners-db.js";

/** What the list needs of each partner (the "list" record); the rest waits for a detail page. */
const LIST_FIELDS = ["id", "name", "commune", "category", "booking", "all_year", "periods", "lat", "lon", "postal_code"];
const TIMEOUT_MS = 15_000;

async function fetchWithTimeout(url, headers) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    // Our own If-None-Match makes the browser hand the 304 over instead of its cached copy.
    return await fetch(url, { headers, credentials: "same-origin", cache: "no-store", signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

function listRecord(partners) {
  return JSON.stringify(partners.map((partner) => Object.fromEntries(
    LIST_FIELDS.filter((key) => partner[key] !== undefined).map((key) => [key, partner[key]]))));
}

/**
 * Ask the server for the directory (`etag`: the stored one, if any). Resolves to
 * {outcome: "fresh", at, partners?, etag?} (partners only when it changed), or {outcome: "signed_out"
 * | "failed"}; rejects when the network is down.
 */
export async function downloadDirectory(url, etag) {
  const headers = { Accept: "application/json", ...(etag ? { "If-None-Match": etag } : {}) };
  const response = await fetchWithTimeout(url, headers);
  if (response.status === 401) return { outcome: "signed_out" };
  if (response.status !== 200 && response.status !== 304) return { outcome: "failed" };
  const at = new Date();
  if (response.status === 304) {
    await writeMany({ checked: { at } });
    return { outcome: "fresh", at };
  }
  const text = await response.text();
  const { partners } = JSON.parse(text);
  const newEtag = response.headers.get("ETag");
  await writeMany({
    checked: { at },
    directory: { etag: newEtag, text, savedAt: at },
    list: { etag: newEtag, text: listRecord(partners), savedAt: at },
  });
  return { outcome: "fresh", at, partners, etag: newEtag };
}

/** The agent's visits of this year, stored as {userId, year, ids, savedAt}; null when refused. */
export async function downloadVisits(url, userId) {
  const response = await fetchWithTimeout(url, { Accept: "application/json" });
  if (!response.ok) return null;
  const body = await response.json();
  const record = { userId, year: body.year, ids: body.visits.map((visit) => visit.partner_id), savedAt: new Date() };
  await writeMany({ visits: record });
  return record;
}
