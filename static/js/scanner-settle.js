// What the scanner does with the server's answers to its outbox: acknowledged scans leave it (and
// the admissions they recorded are remembered for the next offline verdict); an item the server
// refused as such stays, set aside and listed. Background Sync is asked for whatever is left.
import { settleAnswers } from "./scanner-outbox.js";

const SYNC_TAG = "scanner-outbox";  // static/js/sw.js sends the outbox on this Background Sync
const today = () => new Date().toISOString().slice(0, 10);

/** Drop what the server acknowledged and remember the admissions it recorded, in one transaction;
 * resolves to {bundle, scans} after it. (Items it refused as such: markRejected.) */
export function settle(batch, results) {
  const acknowledged = [], admitted = [];
  for (const result of results) {
    const scan = batch.find((s) => s.id === result?.id);
    if (!scan || !result.status) continue;
    acknowledged.push(scan.id);
    // An eductour attendance is no admission: the holder's free entry stays unused.
    if (result.status === "admitted" && !result.undone && !result.eductour) admitted.push({ passId: scan.passId, visitedOn: result.visited_on ?? today() });
  }
  return settleAnswers({ acknowledged, admitted });
}

/** An item the server refused as such ({code, message}): kept, listed, never sent again. */
export function markRejected(scan, error) {
  return settleAnswers({ rejected: [{ scan, error }] });
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
