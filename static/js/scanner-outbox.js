// The scanner's IndexedDB: "outbox" holds every scan (admitted or refused) until the server has
// acknowledged it, keyed by the UUID made on this device before any verdict is shown; "records"
// holds the merged scanner bundle (scanner-bundle.js), this device's id, and what the service
// worker's Background Sync needs (csrf, bundleApi). A scan knows its site (siteId, siteName, from
// the bundle): it is only ever sent by an account of that site. A scan the server refused as an
// item (`rejected`: {code, message}) stays, listed on the scanner, and is not sent again; one
// waiting for the staff's "Accepter" / "Refuser" (`awaitingStaff`) is not sent until they choose.
// Each scan is stored once, as the page knows it; the item sent is asUpload(scan), made when it is
// sent, by the page or by the service worker (sw.js imports this module).
import { database } from "./idb.js";

export const DB_NAME = "passresot-scanner";
const OUTBOX = "outbox";
const RECORDS = "records";

const { open: openDb, run, across } = database(DB_NAME, 1, (db) => {
  db.createObjectStore(OUTBOX, { keyPath: "id" });
  db.createObjectStore(RECORDS);
});
export { openDb };

export const readRecord = (key) => run(RECORDS, "readonly", (store) => store.get(key));
export const writeRecord = (key, value) => run(RECORDS, "readwrite", (store) => { store.put(value, key); });

/** A UUID v4: crypto.randomUUID where it exists (not before Safari 15.4), else from random bytes. */
export function newId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- one scan in three transactions: what it is judged against, the scan, the server's answer ----

const byTime = (scans) => scans.sort((a, b) => a.scannedAt.localeCompare(b.scannedAt));

/** Read once for a new scan: {bundle, deviceId, scans} (this device's id may not exist yet). */
export function readForScan() {
  return across([RECORDS, OUTBOX], "readonly", (tx) => ({
    bundle: tx.objectStore(RECORDS).get("bundle"),
    deviceId: tx.objectStore(RECORDS).get("deviceId"),
    scans: tx.objectStore(OUTBOX).getAll(),
  })).then((read) => ({ ...read, scans: byTime(read.scans) }));
}

/** A new scan with what the device decided, from readForScan()'s `deviceId` (made here the first
 * time): {id, qr | passNumber, scannedAt, siteId, override?, pin?, offlineVerdict?, ...}. */
export function newScan(fields, deviceIdRead) {
  const scan = { id: newId(), scannedAt: new Date().toISOString(), deviceId: deviceIdRead || `scanner-${newId()}`, ...fields };
  if (scan.scannedAt === undefined) scan.scannedAt = new Date().toISOString();
  return scan;
}

/** Store a new scan (and this device's id the first time) in one transaction, before it is sent. */
export function storeNewScan(scan, deviceIdRead) {
  return across([RECORDS, OUTBOX], "readwrite", (tx) => {
    if (!deviceIdRead) tx.objectStore(RECORDS).put(scan.deviceId, "deviceId");
    tx.objectStore(OUTBOX).add(scan);
  });
}

/** The server's answers in one transaction: acknowledged scans leave the outbox, the admissions
 * they recorded join the stored bundle (`admitted`: [{passId, visitedOn}]), items the server
 * refused as such stay, set aside (`rejected`: [{scan, error}]); resolves to {bundle, scans} after. */
export function settleAnswers({ acknowledged = [], admitted = [], rejected = [] }) {
  let bundle;
  const kept = admitted.filter((a) => a.passId != null);
  return across([RECORDS, OUTBOX], "readwrite", (tx) => {
    const outbox = tx.objectStore(OUTBOX);
    const records = tx.objectStore(RECORDS);
    for (const id of acknowledged) outbox.delete(id);
    for (const { scan, error } of rejected) {
      outbox.put({ ...scan, rejected: { code: error.code, message: error.message } });
    }
    records.get("bundle").onsuccess = (event) => {
      bundle = withAdmissions(event.target.result, kept);
      if (bundle && kept.length) records.put(bundle, "bundle");
    };
    return { scans: outbox.getAll() };  // after the writes above: what the status bar shows next
  }).then(({ scans }) => ({ bundle, scans: byTime(scans) }));
}

/** `stored` with these admissions noted (the next offline verdict knows them at once). */
export function withAdmissions(stored, admitted) {
  if (!stored || !admitted.length) return stored;
  const passIds = new Set(admitted.map((a) => a.passId));
  return { ...stored, admissions: (stored.admissions ?? []).filter((a) => !passIds.has(a.pass_id))
    .concat(admitted.map((a) => ({ pass_id: a.passId, visited_on: a.visitedOn }))) };
}

/** A new scan stored on its own (tests and tools seed the outbox with it; the page uses
 * readForScan / storeNewScan so the scan is judged before it is stored). */
export async function addScan(fields) {
  const { deviceId } = await readForScan();
  const scan = newScan(fields, deviceId);
  await storeNewScan(scan, deviceId);
  return scan;
}

export const updateScan = (scan) => run(OUTBOX, "readwrite", (store) => { store.put(scan); });

/** The scans waiting, in the order they were made (the server must see them in that order). */
export const pendingScans = () => run(OUTBOX, "readonly", (store) => store.getAll()).then(byTime);
export const countPending = () => run(OUTBOX, "readonly", (store) => store.count());

/** Scans of `siteId` (and those made before scans knew their site) that may be sent now. */
export function sendable(scans, siteId) {
  return scans.filter((s) => !s.rejected && !s.awaitingStaff && (s.siteId == null || s.siteId === siteId));
}

/** The scan stored under `id`, or undefined. */
export const findScan = (id) => run(OUTBOX, "readonly", (store) => store.get(id));

/** Drop the scans the server acknowledged (by id). */
export function acknowledge(ids) {
  return run(OUTBOX, "readwrite", (store) => { for (const id of ids) store.delete(id); });
}

/** The item POST /api/v1/scans expects for a stored scan. */
export function asUpload(scan) {
  const item = { id: scan.id, scanned_at: scan.scannedAt, device_id: scan.deviceId };
  if (scan.passNumber !== undefined) item.pass_number = scan.passNumber;
  else item.qr = scan.qr;
  if (scan.override) item.override = true;
  if (scan.override && scan.pin) item.pin = scan.pin;  // an entrance device's PIN, checked when sent
  // What the device knew when it decided: an admission of a pass its bundle listed as revoked is no conflict.
  if (scan.bundleSyncedAt) item.bundle_synced_at = scan.bundleSyncedAt;
  if (scan.offlineVerdict && scan.offlineVerdict.status !== "pending") {
    item.offline_verdict = scan.offlineVerdict.status;
    if (scan.offlineVerdict.reason) item.offline_reason = scan.offlineVerdict.reason;
  }
  return item;
}
