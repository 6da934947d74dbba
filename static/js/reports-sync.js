// Sends the agent's waiting reports (reports-outbox.js) to POST /api/v1/me/reports, one by one:
// when any agent page opens, when the browser comes back online or to the foreground, and every
// 30 s while some wait. The server records each UUID once, so sending twice is harmless.
// Configuration: <meta name="passresot-reports" data-user data-api data-csrf> (base.html, agents).
import { asUpload, pendingReports, removeReport, updateReport } from "./reports-outbox.js";

const meta = document.querySelector("meta[name=passresot-reports]");
const RETRY_MS = 30_000;
let flushing = null;

async function sendOne(report) {
  const response = await fetch(meta.dataset.api, {
    method: "POST", credentials: "same-origin", cache: "no-store",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": meta.dataset.csrf },
    body: JSON.stringify(asUpload(report)),
  });
  if (response.status === 200 || response.status === 201) return "sent";
  if (response.status === 400 || response.status === 409) {
    const body = await response.json().catch(() => null);
    if (!body?.error || body.error.code === "csrf_failed") return "later";  // a fresh page brings a new token
    // Refused for good: keep it on the phone with the reason (never dropped).
    await updateReport({ ...report, error: body.error.message });
    return "refused";
  }
  return "later";  // signed out (401), server or proxy error: try again later
}

/** Send what waits for this agent; resolves to the number of reports the server recorded. */
export function flushReports() {
  if (!meta) return Promise.resolve(0);
  flushing ??= (async () => {
    let sent = 0;
    for (const report of await pendingReports(meta.dataset.user)) {
      let outcome;
      try {
        outcome = await sendOne(report);
      } catch {
        break;  // no network, or the server is down
      }
      if (outcome === "later") break;
      if (outcome === "sent") {
        await removeReport(report.id);
        sent += 1;
      }
    }
    if (sent) window.dispatchEvent(new CustomEvent("passresot:reports-sent", { detail: { sent } }));
    return sent;
  })().finally(() => { flushing = null; });
  return flushing;
}

async function flushIfWaiting() {
  if (!meta) return;
  try {
    if ((await pendingReports(meta.dataset.user)).length) await flushReports();
  } catch (error) {
    console.warn("Envoi des signalements :", error);
  }
}

if (meta) {
  flushIfWaiting();
  window.addEventListener("online", flushIfWaiting);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") flushIfWaiting(); });
  setInterval(flushIfWaiting, RETRY_MS);
}
