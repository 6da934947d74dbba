// Sending the outbox so that one bad item never blocks the rest: a batch the server answers with
// an error about its content (400, 413, 422, 500) is split in halves until the item at fault is
// alone; that item is set aside ("rejected") and everything else is sent. A per-item error entry
// names its item directly. Errors that say nothing about the items (no network, time-out, session
// ended, 403 but a wrong site PIN, 429, 502–504, a stale CSRF token) stop the send: everything stays for the next try.
// A lone item answered 5xx is only set aside if some other request of the same send succeeded
// (else the server itself is down, and nothing is blamed). Pure: the page and tests give `post`.
import { HttpError, SignedOut } from "./scanner-net.js";
import { isPinRefusal } from "./scanner-pin.js";

export const BATCH = 100;
const ITEM_STATUSES = new Set([400, 413, 422, 500]);

/** True when an error answer may come from one of the items sent: a 403 about the site's PIN is
 * an override queued with a wrong PIN on an entrance device (scanner-pin.js). */
export function aboutTheItems(error) {
  if (!(error instanceof HttpError) && error?.name !== "HttpError") return false;
  if (error.body?.error?.code === "csrf_failed") return false;
  return ITEM_STATUSES.has(error.status) || isPinRefusal(error);
}

/**
 * scans: in the order they were made. post(scans) → the server's answer {results} or throws.
 * onResults(scans, results) for every batch the server took; onRejected(scan, error) for an item
 * set aside ({code, message}). Resolves to {sent, rejected}; rethrows what stops the send.
 * An entrance device the site withdrew gets its earlier scans recorded and the answer says
 * `withdrawn`: once every batch is answered, that ends the send as a SignedOut with the server's words.
 */
export async function sendScans(scans, post, { batch = BATCH, onResults = async () => {}, onRejected = async () => {} } = {}) {
  const state = { sent: 0, rejected: 0, answered: false, suspects: [], post, onResults, onRejected };
  for (let start = 0; start < scans.length; start += batch) {
    await sendPart(scans.slice(start, start + batch), state);
  }
  if (state.suspects.length) {
    if (!state.answered) throw state.suspects[0].error;  // every request failed: the server, not the items
    for (const { scan, error } of state.suspects) await reject(scan, error, state);
  }
  if (state.withdrawn) throw new SignedOut(state.withdrawn.message ?? null, state.withdrawn.code ?? null);
  return { sent: state.sent, rejected: state.rejected };
}

async function sendPart(scans, state) {
  let answer;
  try {
    answer = await state.post(scans);
  } catch (error) {
    if (!aboutTheItems(error)) throw error;
    if (scans.length > 1) {
      const half = Math.ceil(scans.length / 2);
      await sendPart(scans.slice(0, half), state);
      await sendPart(scans.slice(half), state);
    } else if (error.status >= 500) {
      state.suspects.push({ scan: scans[0], error });
    } else {
      await reject(scans[0], error, state);
    }
    return;
  }
  state.answered = true;
  state.withdrawn ??= answer?.withdrawn;
  state.sent += scans.length;
  const results = answer?.results ?? [];
  await state.onResults(scans, results);
  for (const result of results) {
    if (result?.status || !result?.error) continue;
    const scan = scans.find((s) => s.id === result.id);
    if (scan) {
      state.sent -= 1;
      state.rejected += 1;
      await state.onRejected(scan, describe(result.error, "invalid_scan"));
    }
  }
}

async function reject(scan, error, state) {
  state.rejected += 1;
  await state.onRejected(scan, describe(error.body?.error ?? {}, `http_${error.status}`));
}

// {code, message}: the field's own words when the server named one ("Caractère interdit …").
function describe(error, fallback) {
  const fields = Object.values(error.fields ?? {});
  return { code: error.code ?? fallback, message: (fields.length ? fields.join(" ") : error.message) ?? "" };
}
