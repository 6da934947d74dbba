// What the scanner does with the server's answers to its outbox: acknowledged scans leave it (and
// the admissions they recorded are remembered for the next offline verdict); an item the server
// refused as such stays, set aside and listed. Background Sync is asked for whatever is left.
import { acknowledge, findScan, updateScan } from "./scanner-outbox.js";
import { rememberAdmission } from "./scanner-bundle.js";

const SYNC_TAG = "scanner-outbox";  // templates/pwa/sw.js sends the outbox on this Background Sync

/** Drop what the server acknowledged and remember the admissions it recorded. */
export async function settle(batch, results) {
  const done = [];
  for (const result of results) {
    const scan = batch.find((s) => s.id === result?.id);
    if (!scan || !result.status) continue;
    done.push(scan.id);
    if (result.status === "admitted" && !result.undone) {
      await rememberAdmission(scan.passId, result.visited_on ?? new Date().toISOString().slice(0, 10));
    }
  }
  if (done.length) await acknowledge(done);
}

/** An item the server refused as such ({code, message}): kept, listed, never sent again. */
export async function markRejected(scan, error) {
  const stored = await findScan(scan.id);
  if (stored) await updateScan({ ...stored, rejected: { code: error.code, message: error.message } });
}

/** Not sent yet: the worker may send it even if this page closes (where Background Sync exists). */
export async function askBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync here (Safari, Firefox): the page's own flushes do the work.
  }
}
