// The agent's report outbox (IndexedDB "passresot-reports"): a report is stored here, under a UUID
// made on the phone, before anything is sent, and removed only once the server has recorded it.
// Sign-out does not delete it (a report is never lost); each item names its author and is only
// ever sent from that agent's session.
import { database } from "./idb.js";

export const DB_NAME = "passresot-reports";
const OUTBOX = "outbox";

const outbox = database(DB_NAME, 1, (db) => db.createObjectStore(OUTBOX, { keyPath: "id" }));
const run = (mode, action) => outbox.run(OUTBOX, mode, action);

/** A UUID v4, from crypto.randomUUID when the browser has it. */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Store a new report {userId, partnerId, partnerName, kind, kindLabel, text}; resolves to it. */
export async function addReport(fields) {
  const report = { id: newId(), writtenAt: new Date().toISOString(), ...fields };
  await run("readwrite", (store) => { store.add(report); });
  return report;
}

export const updateReport = (report) => run("readwrite", (store) => { store.put(report); });
export const removeReport = (id) => run("readwrite", (store) => { store.delete(id); });

/** The reports still to send for one agent, oldest first. */
export async function pendingReports(userId) {
  const all = await run("readonly", (store) => store.getAll());
  return all.filter((report) => String(report.userId) === String(userId))
    .sort((a, b) => a.writtenAt.localeCompare(b.writtenAt));
}

/** The body POST /api/v1/me/reports expects. */
export function asUpload(report) {
  return { id: report.id, partner_id: Number(report.partnerId), kind: report.kind, text: report.text,
           written_at: report.writtenAt };
}
