// The /scanner page (passresot/web/scanner.py): a code arrives (this slice: the text field), the
// scan is stored in the outbox with its UUID first, the server is asked with a 1.5 s limit and the
// offline verdict (scanner-decide.js) answers when it cannot; the verdict fills the screen.
// The outbox is flushed on open, on `online`, on `visibilitychange` and every 30 s while scans wait;
// a scan leaves it only when the server acknowledged it.
import { decideOffline, looksLikePassNumber, TO_CHECK } from "./scanner-decide.js";
import { storedBundle, syncBundle, rememberAdmission } from "./scanner-bundle.js";
import { acknowledge, addScan, asUpload, countPending, pendingScans, updateScan } from "./scanner-outbox.js";

const ASK_TIMEOUT_MS = 1500;
const FLUSH_EVERY_MS = 30_000;
const BATCH = 100;
const STALE_MS = 24 * 60 * 60 * 1000;
const REASONS = ["malformed", "unknown_key", "invalid_signature", "revoked", "not_yet_valid", "expired",
  "already_visited", "outside_accepted_period", "not_a_partner_account"];

const root = document.querySelector("[data-scanner]");
const texts = JSON.parse(root.dataset.texts);
const scansApi = root.dataset.scansApi;
const bundleApi = root.dataset.bundleApi;
const csrf = document.querySelector("meta[name=csrf-token]")?.content ?? "";
const $ = (selector) => root.querySelector(selector);

let reachable = navigator.onLine;
let flushing = null;
let timer = null;

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");
}

function frenchDate(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(document.documentElement.lang || "fr", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

async function post(body, timeoutMs) {
  const response = await fetch(scansApi, {
    method: "POST", credentials: "same-origin", signal: AbortSignal.timeout(timeoutMs),
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  });
  if (!response.ok || response.redirected) throw new Error(`scans: HTTP ${response.status}`);
  return response.json();
}

// ---- status bar -------------------------------------------------------------------------------
function setReachable(value) {
  reachable = value;
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
    age.textContent = stale ? texts.bundle_stale : format(texts.bundle_age, {
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
        const answer = await post({ scans: batch.map(asUpload) }, 15_000);
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

async function settle(batch, results) {
  const done = [];
  for (const result of results) {
    if (!result?.id || !result.status) continue;  // an item refused as malformed stays to be looked at
    const scan = batch.find((s) => s.id === result.id);
    if (!scan) continue;
    done.push(scan.id);
    if (result.status === "admitted" && !result.undone) {
      await rememberAdmission(scan.passId, result.visited_on ?? new Date().toISOString().slice(0, 10));
    }
  }
  if (done.length) await acknowledge(done);
}

// ---- a scan ----------------------------------------------------------------------------------
async function handleCode(raw) {
  const text = raw.replace(/[\r\n]+$/, "");
  const manual = looksLikePassNumber(text);
  const scan = await addScan(manual ? { passNumber: text.trim() } : { qr: text });
  const [bundle, outbox] = await Promise.all([storedBundle(), pendingScans()]);
  const offline = manual ? { status: "pending", reason: TO_CHECK }
    : await decideOffline(text, { bundle, outbox: outbox.filter((s) => s.id !== scan.id), now: new Date(scan.scannedAt) });
  scan.passId = offline.payload?.passId;
  scan.offlineVerdict = { status: offline.status, reason: REASONS.includes(offline.reason) ? offline.reason : null };
  if (offline.status === "refused" && !scan.offlineVerdict.reason) delete scan.offlineVerdict;  // unverifiable here
  await updateScan(scan);

  let verdict = null;
  if (navigator.onLine) {
    try {
      const answer = await post({ scans: [{ ...asUpload(scan), offline_verdict: undefined, offline_reason: undefined }] },
        ASK_TIMEOUT_MS);
      setReachable(true);
      const result = (answer.results ?? [])[0];
      if (result?.status) {
        verdict = { status: result.status, reason: result.reason, holder: result.holder, visitedOn: result.visited_on };
        await settle([scan], [result]);
        if (result.status === "admitted") scan.offlineVerdict = { status: "admitted" };
      }
    } catch {
      setReachable(false);
    }
  } else {
    setReachable(false);
  }
  verdict ??= { status: offline.status, reason: offline.reason, payload: offline.payload, visitedOn: offline.visitedOn };
  showVerdict(verdict);
  await showStatus();
}

function showVerdict({ status, reason, holder, payload, visitedOn }) {
  const box = $("[data-verdict-box]");
  const admitted = status === "admitted";
  box.dataset.verdict = status === "pending" ? "pending" : admitted ? "admitted" : "refused";
  box.dataset.reason = reason ?? "";
  $("[data-verdict-title]").textContent = admitted ? texts.admitted
    : status === "pending" ? texts.to_check : texts.refused;
  let why = "";
  if (!admitted && status !== "pending") {
    why = reason === "already_visited" && visitedOn ? format(texts.visited_on, { date: frenchDate(visitedOn) })
      : texts.reasons[reason] ?? texts.unverifiable;
  }
  $("[data-verdict-reason]").textContent = why;
  const name = holder ? `${holder.first_name ?? ""} ${holder.last_name ?? ""}`.trim() : payload?.displayName ?? "";
  $("[data-verdict-holder]").textContent = name;
  const office = holder?.office?.name ?? holder?.office ?? "";
  $("[data-verdict-office]").textContent = typeof office === "string" && office ? format(texts.office, { office }) : "";
  $("[data-verdict-compare]").hidden = !admitted;
  box.hidden = false;
  if (navigator.vibrate) navigator.vibrate(admitted ? 80 : [80, 60, 80]);
  $("[data-verdict-close]").focus();
}

function closeVerdict() {
  $("[data-verdict-box]").hidden = true;
  $("[data-code]").value = "";
  $("[data-code]").focus();
}

// ---- wiring -----------------------------------------------------------------------------------
$("[data-manual-form]").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("[data-code]").value;
  if (value.trim()) handleCode(value).catch((error) => console.error(error));
});
$("[data-verdict-close]").addEventListener("click", closeVerdict);
window.addEventListener("online", () => { setReachable(true); flush(); });
window.addEventListener("offline", () => setReachable(false));
document.addEventListener("visibilitychange", () => flush());

setReachable(navigator.onLine);
showStatus();
syncBundle(bundleApi).then(() => setReachable(true), () => setReachable(false)).finally(() => {
  root.dataset.ready = "true";
  return flush();
});
