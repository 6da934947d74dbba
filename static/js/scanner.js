// The /scanner page (passresot/web/scanner.py). A code arrives from the camera (scanner-camera.js)
// or the text field; the scan is stored in the outbox with its UUID first, the server is asked
// with a 1.5 s limit and the offline verdict (scanner-decide.js) answers when it cannot; the
// verdict fills the screen (scanner-verdict.js). The outbox is flushed on open, on `online`, on
// `visibilitychange`, every 30 s while scans wait and by Background Sync where the browser has it;
// a scan leaves it only when the server acknowledged it.
import { decideOffline, looksLikePassNumber, TO_CHECK } from "./scanner-decide.js";
import { storedBundle, syncBundle, rememberAdmission, forgetAdmission } from "./scanner-bundle.js";
import { acknowledge, addScan, asUpload, countPending, pendingScans, updateScan, writeRecord } from "./scanner-outbox.js";
import { Camera, qrDetector } from "./scanner-camera.js";
import { VerdictScreen, format } from "./scanner-verdict.js";

const DEFAULT_ASK_TIMEOUT_MS = 1500;  // the server's verdict, else this device's (SCANNER_ASK_TIMEOUT_MS)
const FLUSH_EVERY_MS = 30_000;
const BATCH = 100;
const STALE_MS = 24 * 60 * 60 * 1000;
const SYNC_TAG = "scanner-outbox";  // templates/pwa/sw.js sends the outbox on this Background Sync
const REASONS = ["malformed", "unknown_key", "invalid_signature", "revoked", "not_yet_valid", "expired",
  "already_visited", "outside_accepted_period", "not_a_partner_account"];

const root = document.querySelector("[data-scanner]");
const texts = JSON.parse(root.dataset.texts);
const scansApi = root.dataset.scansApi;
const bundleApi = root.dataset.bundleApi;
const csrf = document.querySelector("meta[name=csrf-token]")?.content ?? "";
const ASK_TIMEOUT_MS = Number(root.dataset.askTimeoutMs) || DEFAULT_ASK_TIMEOUT_MS;
const $ = (selector) => root.querySelector(selector);

let flushing = null;
let timer = null;
let camera = null;
let resumeCameraOnShow = false;

async function post(url, body, timeoutMs) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin", signal: AbortSignal.timeout(timeoutMs),
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  });
  if (response.redirected) throw new Error("scans: signed out");
  return response;
}

async function postScans(scans, timeoutMs) {
  const response = await post(scansApi, { scans }, timeoutMs);
  if (!response.ok) throw new Error(`scans: HTTP ${response.status}`);
  return response.json();
}

// ---- status bar -------------------------------------------------------------------------------
function setReachable(value) {
  const network = $("[data-network]");
  network.dataset.state = value ? "online" : "offline";
  network.textContent = value ? texts.online : texts.offline;
}

async function showStatus() {
  const [bundle, count] = await Promise.all([storedBundle(), countPending()]);
  const age = $("[data-bundle-age]");
  if (!bundle?.fetchedAt) {
    age.dataset.state = "missing";
    age.textContent = texts.bundle_missing;
  } else {
    const fetched = new Date(bundle.fetchedAt);
    const stale = Date.now() - fetched.getTime() > STALE_MS;
    age.dataset.state = stale ? "stale" : "fresh";
    age.textContent = format(stale ? texts.bundle_stale : texts.bundle_age, {
      date: fetched.toLocaleString(document.documentElement.lang || "fr", { dateStyle: "short", timeStyle: "short" }),
    });
  }
  const waiting = $("[data-waiting]");
  waiting.dataset.count = String(count);
  waiting.textContent = count ? format(texts.waiting, { count }) : texts.all_sent;
  if (count && !timer) timer = setInterval(flush, FLUSH_EVERY_MS);
  if (!count && timer) { clearInterval(timer); timer = null; }
}

// ---- the outbox -------------------------------------------------------------------------------
/** Send what waits, in batches; keep what the server did not acknowledge. */
function flush() {
  flushing ??= (async () => {
    try {
      const scans = await pendingScans();
      for (let start = 0; start < scans.length; start += BATCH) {
        const batch = scans.slice(start, start + BATCH);
        const answer = await postScans(batch.map(asUpload), 15_000);
        setReachable(true);
        await settle(batch, answer.results ?? []);
      }
      if (scans.length) await syncBundle(bundleApi).catch(() => null);
    } catch {
      setReachable(false);
    } finally {
      flushing = null;
      await showStatus();
    }
  })();
  return flushing;
}

/** Drop what the server acknowledged; an item it refused as malformed stays, marked, to be looked at. */
async function settle(batch, results) {
  const done = [];
  for (const result of results) {
    const scan = batch.find((s) => s.id === result?.id);
    if (!scan) continue;
    if (!result.status) {
      if (!scan.serverError) await updateScan({ ...scan, serverError: result.error ?? {} });
      continue;
    }
    done.push(scan.id);
    if (result.status === "admitted" && !result.undone) {
      await rememberAdmission(scan.passId, result.visited_on ?? new Date().toISOString().slice(0, 10));
    }
  }
  if (done.length) await acknowledge(done);
}

async function askBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync here (Safari, Firefox): the page's own flushes do the work.
  }
}

// ---- a scan ----------------------------------------------------------------------------------
/** One code read (camera or field): stored first, then the server's verdict or this device's. */
async function handleCode(raw, { frameTime, override = false } = {}) {
  const text = raw.replace(/[\r\n]+$/, "");
  const manual = looksLikePassNumber(text);
  const scan = await addScan(manual ? { passNumber: text.trim() } : { qr: text, ...(override && { override: true }) });
  const [bundle, outbox] = await Promise.all([storedBundle(), pendingScans()]);
  let offline = manual ? { status: "pending", reason: TO_CHECK }
    : await decideOffline(text, { bundle, outbox: outbox.filter((s) => s.id !== scan.id), now: new Date(scan.scannedAt) });
  if (override && offline.reason === "outside_accepted_period") offline = { ...offline, status: "admitted", reason: null };
  scan.passId = offline.payload?.passId;
  scan.offlineVerdict = { status: offline.status, reason: REASONS.includes(offline.reason) ? offline.reason : null };
  if (offline.status === "refused" && !scan.offlineVerdict.reason) delete scan.offlineVerdict;  // unverifiable here
  await updateScan(scan);

  let verdict = null;
  if (navigator.onLine) {
    try {
      const upload = { ...asUpload(scan) };
      delete upload.offline_verdict;
      delete upload.offline_reason;
      const answer = await postScans([upload], ASK_TIMEOUT_MS);
      setReachable(true);
      const result = (answer.results ?? [])[0];
      if (result?.status) {
        verdict = { status: result.status, reason: result.reason, holder: result.holder, visitedOn: result.visited_on,
          recorded: true };
        await settle([scan], [result]);
      }
    } catch {
      setReachable(false);
    }
  } else {
    setReachable(false);
  }
  if (!verdict) askBackgroundSync();  // not sent yet: the worker may send it even if this page closes
  verdict ??= { status: offline.status, reason: offline.reason, payload: offline.payload, visitedOn: offline.visitedOn };
  screen.show({ ...verdict, scanId: scan.id, passId: scan.passId, qr: scan.qr, frameTime });
  await showStatus();
}

/** "Annuler cette entrée": the server frees the holder's slot at this site (within 10 minutes). */
async function undo(verdict) {
  const button = $("[data-verdict-undo]");
  button.disabled = true;
  try {
    const response = await post(`${scansApi}/${verdict.scanId}/undo`, {}, 8000);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer?.error?.message ?? texts.undo_failed);
    await forgetAdmission(verdict.passId);
    screen.showUndone();
  } catch (error) {
    button.disabled = false;
    screen.note(error instanceof TypeError || error.name === "TimeoutError" ? texts.undo_offline : error.message);
  }
}

/** "Accepter quand même" outside the accepted periods: a new scan recorded as an override. */
function acceptAnyway(verdict) {
  handleCode(verdict.qr, { override: true }).catch(reportError);
}

function reportError(error) {
  console.error(error);
}

const screen = new VerdictScreen($("[data-verdict-box]"), texts, {
  onClose() {
    $("[data-code]").value = "";
    if (camera?.running) camera.resume();
    else $("[data-code]").focus();
  },
  onUndo: (verdict) => undo(verdict),
  onOverride: (verdict) => acceptAnyway(verdict),
});

// ---- the camera -------------------------------------------------------------------------------
function cameraState(state, message = "") {
  root.dataset.camera = state;
  $("[data-camera-view]").hidden = state !== "on";
  $("[data-camera-start]").hidden = state === "on" || state === "starting";
  $("[data-camera-stop]").hidden = state !== "on";
  $("[data-camera-message]").textContent = message;
}

function cameraProblem(error) {
  if (!window.isSecureContext || !navigator.mediaDevices) return texts.camera_insecure;
  if (error?.name === "NotAllowedError" || error?.name === "SecurityError") return texts.camera_denied;
  if (error?.name === "NotFoundError" || error?.name === "OverconstrainedError") return texts.camera_missing;
  if (error?.name === "NotReadableError") return texts.camera_busy;
  return texts.camera_failed;
}

async function startCamera() {
  cameraState("starting", texts.camera_starting);
  try {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error("no camera API");
    const { detector, kind } = await qrDetector({ polyfillUrl: root.dataset.polyfill, wasmUrl: root.dataset.wasm });
    root.dataset.detector = kind;
    camera ??= new Camera($("[data-camera-video]"), {
      detector,
      onCode: (text, frameTime) => handleCode(text, { frameTime }).catch(reportError),
    });
    await camera.start();
    cameraState("on", texts.camera_on);
  } catch (error) {
    camera?.stop();
    cameraState("error", cameraProblem(error));
  }
}

function stopCamera() {
  camera?.stop();
  cameraState("off");
}

// ---- wiring -----------------------------------------------------------------------------------
$("[data-manual-form]").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("[data-code]").value;
  if (value.trim()) handleCode(value).catch(reportError);
});
$("[data-camera-start]").addEventListener("click", startCamera);
$("[data-camera-stop]").addEventListener("click", stopCamera);
window.addEventListener("online", () => { setReachable(true); flush(); });
window.addEventListener("offline", () => setReachable(false));
document.addEventListener("visibilitychange", () => {
  if (document.hidden) {
    if (camera?.running) {
      resumeCameraOnShow = true;
      camera.stop();  // never film in the background
      cameraState("paused");
    }
  } else {
    if (resumeCameraOnShow) startCamera();
    resumeCameraOnShow = false;
    flush();
  }
});
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data?.type === "SCANS_SENT") showStatus();
});

setReachable(navigator.onLine);
cameraState("off");
writeRecord("csrf", csrf).catch(reportError);  // for the service worker's Background Sync
showStatus();
syncBundle(bundleApi).then(() => setReachable(true), () => setReachable(false)).finally(() => {
  root.dataset.ready = "true";
  return flush();
});
