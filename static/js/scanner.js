// The /scanner page (passresot/web/scanner.py). A code arrives from the camera (scanner-camera-ui.js)
// or the text field; the scan is stored in the outbox with its UUID and its site first. On a good
// signal the server is asked within the time limit and the device's verdict answers when it cannot;
// after a miss the device decides first and the scan goes in the background (scanner-mode.js).
// The outbox is flushed on open, on `online`, on `visibilitychange`, every 30 s while scans wait
// and by Background Sync where the browser has it; a scan leaves it only when the server
// acknowledged it, one bad item never blocks the others (scanner-send.js), and it is only sent by
// an account of its own site. A 401 is "Session terminée", not "Hors ligne".
import { decideOffline, looksLikePassNumber } from "./scanner-decide.js";
import { storedBundle, syncBundle, forgetAdmission } from "./scanner-bundle.js";
import { asUpload, findScan, newScan, pendingScans, readForScan, sendable, settleAnswers, storeNewScan, updateScan,
  writeRecord } from "./scanner-outbox.js";
import { askBackgroundSync, markRejected, settle } from "./scanner-settle.js";
import { VerdictScreen } from "./scanner-verdict.js";
import { HttpError, SignedOut, requestJson } from "./scanner-net.js";
import { SignalMode } from "./scanner-mode.js";
import { sendScans } from "./scanner-send.js";
import { scannerNow } from "./scanner-clock.js";
import { typedNumberVerdict } from "./scanner-typed.js";
import { StatusBar, dataIsStale, dataTooOldToTrust } from "./scanner-status.js";
import { CameraControls } from "./scanner-camera-ui.js";
import { PinPrompt, isPinRefusal } from "./scanner-pin.js";

const DEFAULT_ASK_TIMEOUT_MS = 1500;  // the server's verdict, else this device's (SCANNER_ASK_TIMEOUT_MS)
const DEFAULT_FLUSH_EVERY_MS = 30_000;  // SCANNER_FLUSH_EVERY_MS
const SEND_TIMEOUT_MS = 15_000;
const REASONS = ["malformed", "unknown_key", "invalid_signature", "revoked", "not_yet_valid", "expired",
  "already_visited", "outside_accepted_period", "not_a_partner_account", "staff_refused"];
// A refusal the staff chose with no rule behind it: recorded as such, never as another rule.
const STAFF_REFUSAL_REASON = "staff_refused";

const root = document.querySelector("[data-scanner]");
const texts = JSON.parse(root.dataset.texts);
const scansApi = root.dataset.scansApi;
const bundleApi = root.dataset.bundleApi;
const ASK_TIMEOUT_MS = Number(root.dataset.askTimeoutMs) || DEFAULT_ASK_TIMEOUT_MS;
const FLUSH_EVERY_MS = Number(root.dataset.flushEveryMs) || DEFAULT_FLUSH_EVERY_MS;
const $ = (selector) => root.querySelector(selector);
const status = new StatusBar(root, texts);
const needsPin = root.dataset.needsPin === "true";  // an entrance device: overrides and undos need the site's PIN
const pinPrompt = new PinPrompt($("[data-pin-form]"));

let csrf = document.querySelector("meta[name=csrf-token]")?.content ?? "";
let sessionSite = null;  // the site this browser session works for, once the server said so
let signedOut = false;
let flushing = null;
let flushAgain = false;
let timer = null;
let waiting = 0;  // scans in the outbox, told to the server so the site's manager sees them per device

/** What the site's manager sees of this device on /site/devices. */
const deviceHeaders = () => ({ "X-Scanner-Version": root.dataset.appVersion ?? "", "X-Scanner-Pending": String(waiting) });

const mode = new SignalMode({
  limitMs: ASK_TIMEOUT_MS,
  probe: () => refreshBundle(),
  onChange: (value) => { status.mode(value); if (value === "ask") flush(); },
});

// ---- the server --------------------------------------------------------------------------------
async function postScans(scans, timeoutMs, retried = false) {
  try {
    return await requestJson(scansApi, { method: "POST", body: { scans }, csrf, timeoutMs, headers: deviceHeaders() });
  } catch (error) {
    if (retried || !(error instanceof HttpError) || error.body?.error?.code !== "csrf_failed") throw error;
    await refreshCsrf();  // signed in again since this page was made
    return postScans(scans, timeoutMs, true);
  }
}

async function refreshCsrf() {
  const page = await fetch(location.pathname, { credentials: "same-origin", cache: "no-store" }).then((r) => r.text());
  csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(page)?.[1] ?? csrf;
  await writeRecord("csrf", csrf);
}

/** Sync the bundle; learns the session's site. Throws when offline or signed out. */
async function refreshBundle() {
  try {
    const bundle = await syncBundle(bundleApi, { timeoutMs: SEND_TIMEOUT_MS, headers: deviceHeaders() });
    sessionSite = bundle.site?.id ?? null;
    reachable(true);
    return bundle;
  } catch (error) {
    failed(error);
    throw error;
  }
}

function reachable(value) {
  if (value === true) signedOut = false;
  status.network(value);
}

function failed(error) {
  if (error instanceof SignedOut) {
    signedOut = true;
    sessionSite = null;
    reachable("signed-out");
    status.signedOutBecause(error.serverMessage);
  } else {
    status.network(false, { slow: error?.name === "TimeoutError" });
    mode.missed();  // the device decides; the probe notices when the server is back
  }
}

async function showStatus(known = null) {
  const { bundle, scans } = known ?? { bundle: await storedBundle(), scans: await pendingScans() };
  const count = status.show({ bundle, scans, site: sessionSite ?? bundle?.site?.id });
  waiting = scans.length;
  if (count && !timer) timer = setInterval(flush, FLUSH_EVERY_MS);
  if (!count && timer) { clearInterval(timer); timer = null; }
}

// ---- the outbox ---------------------------------------------------------------------------------
/** Send what waits for this session's site; keep what the server did not acknowledge. */
function flush() {
  if (flushing) {
    flushAgain = true;
    return flushing;
  }
  flushing = (async () => {
    try {
      do {
        flushAgain = false;
        const { site, withdrawn } = await siteToSendFor();
        const scans = sendable(await pendingScans(), site);
        if (withdrawn && !scans.length) throw withdrawn;
        if (!scans.length) continue;
        // A small send is timed like a question: it may bring back asking first, or show a weak signal.
        await sendScans(scans, (batch) => (batch.length <= 5 ? mode.timed(() => postScans(batch.map(asUpload), SEND_TIMEOUT_MS))
          : postScans(batch.map(asUpload), SEND_TIMEOUT_MS)), { onResults: settle, onRejected: markRejected });
        waiting = (await pendingScans()).length;  // the bundle call below tells the server what is left
        reachable(true);
        await refreshBundle().catch(() => null);
      } while (flushAgain);
    } catch (error) {
      failed(error);
    } finally {
      flushing = null;
      await showStatus();
    }
  })();
  return flushing;
}

/** The site whose scans this session sends. A device the site withdrew ("Appareil retiré") still
 * sends what it scanned for its site before; the server records those and refuses the rest. */
async function siteToSendFor() {
  if (sessionSite !== null) return { site: sessionSite, withdrawn: null };
  try {
    await refreshBundle();
    return { site: sessionSite, withdrawn: null };
  } catch (error) {
    if (!(error instanceof SignedOut) || error.code !== "device_revoked") throw error;
    return { site: (await storedBundle())?.site?.id ?? null, withdrawn: error };
  }
}

// ---- a scan -------------------------------------------------------------------------------------
/** One code read (camera or field): judged by the device and stored first, then the server's
 * verdict or this device's. Three IndexedDB transactions when the server answers: one read (the
 * bundle, this device's id, the outbox), the scan stored, the answer settled (bench/scan_idb.py).
 * Returns the server's words when it refused the site's PIN of an override (the scan is dropped). */
async function handleCode(raw, { frameTime, override = false, pin = null } = {}) {
  const text = String(raw ?? "").replace(/[\r\n]+$/, "");
  const typed = looksLikePassNumber(text);
  const { bundle, deviceId, scans } = await readForScan();
  const now = scannerNow(bundle);
  const scan = newScan({
    ...(typed ? { passNumber: text.trim() } : { qr: text }), ...(override && { override: true }),
    ...(override && pin && { pin }),
    scannedAt: now.toISOString(), siteId: bundle?.site?.id, siteName: bundle?.site?.name,
    ...(bundle?.server_time && { bundleSyncedAt: bundle.server_time }),
  }, deviceId);
  const offline = await offlineVerdict(scan, text, { bundle, scans, now, override, typed });
  await storeNewScan(scan, deviceId);  // kept before anything leaves: nothing is lost if the page dies
  const asking = navigator.onLine && mode.askFirst && !signedOut ? askServer(scan) : null;
  if (!navigator.onLine) reachable(false);
  const answer = asking && await asking;
  let after = null;
  if (answer?.pinRefused) {
    after = await settleAnswers({ acknowledged: [scan.id] });  // no entry: the staff may try the PIN again
    await showStatus(after);
    return answer.pinRefused;
  }
  let verdict = null;
  if (answer) ({ verdict, after } = await serverVerdict(scan, answer));
  if (!verdict) {
    if (navigator.onLine && !signedOut && !scan.awaitingStaff) flush();  // in the background
    askBackgroundSync();  // not sent yet: the worker may send it even if this page closes
    verdict = { ...offline, staffDecides: Boolean(scan.awaitingStaff), notes: offlineNotes(bundle) };
  }
  screen.show({ ...verdict, scanId: scan.id, passId: scan.passId, code: text, frameTime });
  await showStatus(after ?? { bundle, scans: [...scans, scan] });
  return null;
}

/** The device's own verdict, noted on the scan before it is stored (sent with it unless the server answers first). */
async function offlineVerdict(scan, text, { bundle, scans, now, override, typed }) {
  const outbox = scans.filter((s) => s.siteId == null || s.siteId === scan.siteId);
  let offline = typed ? typedNumberVerdict(text, { bundle, outbox, now })
    : await decideOffline(text, { bundle, outbox, now });
  if (override && offline.reason === "outside_accepted_period") offline = { ...offline, status: "admitted", reason: null };
  if (!typed && offline.status === "admitted" && !override && dataTooOldToTrust(bundle)) {
    offline = { ...offline, status: "pending", reason: "stale_data" };
  }
  scan.passId = offline.payload?.passId;
  scan.awaitingStaff = offline.status === "pending" || undefined;
  scan.offlineVerdict = { status: offline.status, reason: REASONS.includes(offline.reason) ? offline.reason : null,
    ...(offline.eductour && { eductour: offline.eductour.stop_id }) };
  if (offline.status === "refused" && !scan.offlineVerdict.reason) delete scan.offlineVerdict;  // unverifiable here
  return offline;
}

function offlineNotes(bundle) {
  return dataIsStale(bundle) ? [texts.verdict_stale] : [];
}

/** The server's result for this scan within the time limit, or null (the mode notes the miss). */
async function askServer(scan) {
  // The question carries no offline verdict: the server decides as if the device had waited.
  const { offline_verdict: _verdict, offline_reason: _reason, ...upload } = asUpload(scan);
  try {
    const answer = await mode.timed(() => postScans([upload], ASK_TIMEOUT_MS));
    reachable(true);
    if (answer.withdrawn) failed(new SignedOut(answer.withdrawn.message ?? null, answer.withdrawn.code));
    return (answer.results ?? [])[0] ?? null;
  } catch (error) {
    if (isPinRefusal(error)) return { pinRefused: error.body.error.message };
    failed(error);
    return null;
  }
}

/** The server's verdict and the outbox after settling it ({verdict, after}); verdict null when the
 * server recorded nothing (an item it refused as such is set aside). */
async function serverVerdict(scan, result) {
  if (!result?.status) {
    if (!result?.error) return { verdict: null, after: null };
    const fields = Object.values(result.error.fields ?? {});
    const after = await markRejected(scan, { code: result.error.code, message: fields.length ? fields.join(" ") : result.error.message });
    return { verdict: null, after };
  }
  const after = await settle([scan], [result]);
  return { verdict: { status: result.status, reason: result.reason, holder: result.holder, visitedOn: result.visited_on,
    closed: result.closed, eductour: result.eductour, recorded: true, notes: result.identity_withheld ? [texts.identity_withheld] : [] }, after };
}

/** "Accepter" / "Refuser" when the device could not decide alone: the staff's choice is the offline verdict. */
async function staffChose(verdict, admitted) {
  const scan = await findScan(verdict.scanId);
  if (!scan) return;
  scan.awaitingStaff = undefined;
  scan.offlineVerdict = admitted ? { status: "admitted", reason: null }
    : { status: "refused", reason: REASONS.includes(verdict.suggested) ? verdict.suggested : STAFF_REFUSAL_REASON };
  await updateScan(scan);
  screen.show({ ...verdict, status: admitted ? "admitted" : "refused", reason: admitted ? null : STAFF_REFUSAL_REASON,
    staffDecides: false, notes: [texts.staff_recorded] });
  if (navigator.onLine && !signedOut) flush();
  askBackgroundSync();
  await showStatus();
}

/** Closing a verdict the staff did not decide: the scan goes as it is, the server decides. */
async function closedUndecided(verdict) {
  const scan = verdict?.staffDecides ? await findScan(verdict.scanId) : null;
  if (!scan?.awaitingStaff) return;
  await updateScan({ ...scan, awaitingStaff: undefined });
  if (navigator.onLine && !signedOut) flush();
}

/** "Accepter quand même" outside the accepted periods: a new scan of the same code (QR or number),
 * after the site's PIN on an entrance device; a PIN the server refuses leaves the refusal shown. */
async function override(verdict) {
  const pin = needsPin ? await pinPrompt.ask() : null;
  if (needsPin && pin === null) return;
  const refusedPin = await handleCode(verdict.code, { override: true, pin });
  if (refusedPin) screen.show({ ...verdict, notes: [refusedPin] });
}

/** "Annuler cette entrée": the server frees the holder's slot at this site (within 10 minutes). */
async function undo(verdict) {
  const pin = needsPin ? await pinPrompt.ask() : null;
  if (needsPin && pin === null) return;
  const button = $("[data-verdict-undo]");
  button.disabled = true;
  try {
    await requestJson(`${scansApi}/${verdict.scanId}/undo`, { method: "POST", body: needsPin ? { pin } : {}, csrf, timeoutMs: 8000 });
    await forgetAdmission(verdict.passId);
    screen.showUndone();
  } catch (error) {
    button.disabled = false;
    if (error instanceof SignedOut) failed(error);
    screen.note(error instanceof HttpError ? (error.body?.error?.message ?? texts.undo_failed)
      : error instanceof SignedOut ? texts.signed_out : texts.undo_offline);
  }
}

function reportError(error) {
  console.error(error);
}

const camera = new CameraControls(root, texts, {
  onCode: (text, frameTime) => handleCode(text, { frameTime }).catch(reportError),
});

const screen = new VerdictScreen($("[data-verdict-box]"), texts, {
  onClose(verdict) {
    pinPrompt.finish(null);
    closedUndecided(verdict).catch(reportError);
    $("[data-code]").value = "";
    if (!camera.resume()) $("[data-code]").focus();
  },
  onUndo: (verdict) => undo(verdict).catch(reportError),
  onOverride: (verdict) => override(verdict).catch(reportError),
  onAccept: (verdict) => staffChose(verdict, true).catch(reportError),
  onRefuse: (verdict) => staffChose({ ...verdict, suggested: verdict.reason }, false).catch(reportError),
});

// ---- wiring -------------------------------------------------------------------------------------
$("[data-manual-form]").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("[data-code]").value;
  if (value.trim()) handleCode(value).catch(reportError);
});
window.addEventListener("online", () => { reachable(true); flush(); });
window.addEventListener("offline", () => reachable(false));
document.addEventListener("visibilitychange", () => {
  camera.visibilityChanged(document.hidden);
  if (!document.hidden) flush();
});
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "SCANS_SENT") showStatus();
});

async function start() {
  reachable(navigator.onLine);
  status.mode(mode.mode);
  await Promise.all([writeRecord("csrf", csrf), writeRecord("bundleApi", bundleApi)]).catch(reportError);
  // A verdict left open when the page closed is not shown any more: its scan goes as it is.
  for (const scan of (await pendingScans()).filter((s) => s.awaitingStaff)) {
    await updateScan({ ...scan, awaitingStaff: undefined });
  }
  await showStatus();
  await refreshBundle().catch(() => null);
  root.dataset.ready = "true";
  await flush();
}

start().catch(reportError);
