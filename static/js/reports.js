// The report page: the form writes into the outbox (works offline), the waiting reports are listed
// from it, and once the server has them the page reloads to show them among "Mes signalements".
import { showFreshness } from "./freshness.js";
import { addReport, pendingReports } from "./reports-outbox.js";
import { flushReports } from "./reports-sync.js";

const form = document.querySelector("[data-report-form]");
const pending = document.querySelector("[data-pending]");
const list = pending.querySelector("[data-pending-list]");
const userId = pending.dataset.user;
const lang = document.documentElement.lang === "en" ? "en-GB" : "fr-FR";
const when = new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
                                             timeZone: "Europe/Paris" });

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;  // never innerHTML: report text is the agent's own
  return node;
}

async function showPending() {
  const reports = await pendingReports(userId);
  list.replaceChildren(...reports.map((report) => {
    const item = element("li", "report-item card");
    item.dataset.pendingReport = report.id;
    const head = element("div", "report-head");
    head.append(element("strong", "", report.partnerName), element("span", "badge wait", pending.dataset.textWaiting));
    item.append(head, element("p", "muted report-meta",
      `${report.kindLabel} · ${pending.dataset.textWritten.replace("%(when)s", when.format(new Date(report.writtenAt)))}`),
    element("p", "report-text", report.text));
    if (report.error) item.append(element("p", "error", pending.dataset.textRefused.replace("%(message)s", report.error)));
    return item;
  }));
  pending.hidden = reports.length === 0;
}

function fail(message) {
  const error = form.querySelector("[data-report-error]");
  error.textContent = message;
  error.hidden = false;
}

async function submit(event) {
  event.preventDefault();
  const data = new FormData(form);
  const partner = form.querySelector("[data-report-partner]");
  const kind = form.querySelector("input[name=kind]:checked");
  const text = String(data.get("text") || "").trim();
  if (!partner.value) return fail(form.dataset.textRequiredSite);
  if (!kind) return fail(form.dataset.textRequiredKind);
  if (!text) return fail(form.dataset.textRequiredText);
  form.querySelector("[data-report-error]").hidden = true;
  await addReport({
    userId, partnerId: partner.value, partnerName: partner.selectedOptions[0].textContent.trim(),
    kind: kind.value, kindLabel: kind.closest("label").textContent.trim(), text,
  });
  form.reset();
  const saved = form.querySelector("[data-report-saved]");
  saved.textContent = form.dataset.textSaved;
  saved.hidden = false;
  saved.scrollIntoView({block: "center"});
  await showPending();
  const sent = await flushReports();
  if (sent) confirmSent();
}

// Opened from a visit ("Signaler un problème"): the site is chosen already, even from the offline copy.
function preselect() {
  const wanted = new URLSearchParams(window.location.search).get("partner");
  const select = form.querySelector("[data-report-partner]");
  if (wanted && !select.value && [...select.options].some((option) => option.value === wanted)) select.value = wanted;
}

// The confirmation outlives the reload below, so that nobody sends the same report twice.
const CONFIRMED = "passresot:report-confirmed";

function confirmSent() {
  const saved = form.querySelector("[data-report-saved]");
  saved.textContent = form.dataset.textSent;
  saved.hidden = false;
  saved.scrollIntoView({block: "center"});
}

window.addEventListener("passresot:reports-sent", async () => {
  await showPending();
  // The server has them: show them among "Mes signalements", unless the agent is writing.
  if (!form.querySelector("[data-report-text]").value.trim()) {
    sessionStorage.setItem(CONFIRMED, "1");
    window.location.reload();
  }
});

if (sessionStorage.getItem(CONFIRMED)) {
  sessionStorage.removeItem(CONFIRMED);
  confirmSent();
}

// The network's new answers count as seen once this page has them on screen, not when the server
// renders it (an installed app renders it in the background): the menu's badge goes then.
async function answersSeen() {
  const ids = [...document.querySelectorAll("[data-new-answer]")].map((badge) => badge.dataset.newAnswer);
  if (!ids.length || document.visibilityState !== "visible") return;
  const meta = document.querySelector("meta[name=passresot-reports]");
  try {
    const response = await fetch(form.dataset.seenUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": meta?.dataset.csrf ?? "" },
      body: JSON.stringify({ ids }),
    });
    if (!response.ok) return;
    const { unseen } = await response.json();
    if (!unseen) document.querySelector("[data-unseen-answers]")?.remove();
    document.documentElement.dataset.answersSeen = "";
  } catch {
    // Offline: said the next time this page is open with the network.
  }
}

form.addEventListener("submit", submit);
document.addEventListener("visibilitychange", answersSeen);
answersSeen();
preselect();
showFreshness();
showPending();
