// The scanner's full-screen verdict: green "Entrée gratuite accordée" (or « Éductour : présence
// enregistrée » for a holder of today's programme here, data-reason="eductour") or red with the reason in
// plain French, the holder's name, office and photo when the server gave them, a sound and a
// vibration, announced to screen readers (aria-live). It offers "Annuler cette entrée" after an
// admission the server recorded, "Accepter quand même" outside the site's accepted periods, and
// "Accepter" / "Refuser" when the device cannot decide alone (a typed number offline, data too old
// to trust): the staff's choice is then the offline verdict. Notes (old data) go under it.
// data-verdict / data-reason carry the outcome for tests (DESIGN.md §4).
import { beep } from "./scanner-camera.js";

export function format(template, values) {
  if (typeof template === "object") template = pluralForm(template, values.count);
  return template.replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");
}

const plurals = new Intl.PluralRules(document.documentElement.lang || "fr");

/** {one, other} texts: the form this number takes in the page's language (French: 0 and 1 are "one"). */
export function pluralForm(forms, count) {
  return forms[plurals.select(Number(count) || 0)] ?? forms.other;
}

function localDate(day) {
  const [y, m, d] = day.split("-").map(Number);
  const lang = document.documentElement.lang || "fr";
  const text = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
  return lang.startsWith("fr") && d === 1 ? text.replace(/^1 /, "1er ") : text;  // « 1er juillet 2026 »
}

/** Why a refusal, in the staff's words. */
export function reasonText(texts, { status, reason, visitedOn, closed, eductour }) {
  if (status === "pending") return texts.pending_reasons?.[reason] ?? "";
  if (status === "admitted" && eductour) {
    return format(texts.eductour_reason, { title: eductour.title, starts: eductour.starts_at, ends: eductour.ends_at });
  }
  if (status === "admitted") return "";
  if (reason === "already_visited" && visitedOn) return format(texts.visited_on, { date: localDate(visitedOn) });
  if (reason === "revoked" && texts.closed?.[closed]) return texts.closed[closed];  // rendu, révoqué, remplacé
  return texts.reasons[reason] ?? texts.unverifiable;
}

export class VerdictScreen {
  /** box: the [data-verdict-box] element; handlers: {onClose, onUndo, onOverride, onAccept, onRefuse}(verdict). */
  constructor(box, texts, handlers) {
    this.box = box;
    this.texts = texts;
    this.handlers = handlers;
    this.current = null;
    this.part = (name) => box.querySelector(`[data-verdict-${name}]`);
    this.part("close").addEventListener("click", () => this.close());
    this.part("undo").addEventListener("click", () => this.handlers.onUndo(this.current));
    this.part("override").addEventListener("click", () => this.handlers.onOverride(this.current));
    this.part("accept").addEventListener("click", () => this.handlers.onAccept(this.current));
    this.part("refuse").addEventListener("click", () => this.handlers.onRefuse(this.current));
    this.part("photo").addEventListener("error", () => { this.part("photo").hidden = true; });
  }

  /** verdict: {status, reason, holder?, payload?, visitedOn?, scanId?, code?, recorded?, staffDecides?,
   * notes?: [text], frameTime?}. */
  show(verdict) {
    const { status, reason, holder, payload } = verdict;
    const admitted = status === "admitted";
    this.current = verdict;
    this.box.dataset.verdict = status === "pending" ? "pending" : admitted ? "admitted" : "refused";
    this.box.dataset.reason = admitted && verdict.eductour ? "eductour" : reason ?? "";
    this.part("title").textContent = admitted ? (verdict.eductour ? this.texts.eductour : this.texts.admitted)
      : status === "pending" ? this.texts.to_check : this.texts.refused;
    this.part("reason").textContent = reasonText(this.texts, verdict);
    const name = holder ? `${holder.first_name ?? ""} ${holder.last_name ?? ""}`.trim() : payload?.displayName ?? "";
    this.part("holder").textContent = name;
    const office = typeof holder?.office === "string" ? holder.office : "";
    this.part("office").textContent = office ? format(this.texts.office, { office }) : "";
    this.showPhoto(admitted ? holder?.photo_url : null);
    this.part("compare").hidden = !admitted;
    this.part("undo").hidden = !(admitted && verdict.recorded && verdict.scanId);
    this.part("undo").disabled = false;
    this.part("override").hidden = !(status === "refused" && reason === "outside_accepted_period");
    this.part("accept").hidden = !verdict.staffDecides;
    this.part("refuse").hidden = !verdict.staffDecides;
    this.part("note").textContent = (verdict.notes ?? []).join(" ");
    this.box.hidden = false;
    this.announce();
    beep(admitted);
    if (navigator.vibrate) navigator.vibrate(admitted ? 120 : [90, 70, 90]);
    this.part("close").focus();
    if (verdict.frameTime !== undefined) {
      // Measured at the next frame, when the verdict is drawn (bench/scan_frame_to_verdict.py).
      requestAnimationFrame(() => performance.measure("passresot:frame-to-verdict",
        { start: verdict.frameTime, end: performance.now(), detail: { verdict: status, reason } }));
    }
  }

  /** Says the verdict to screen readers: title, reason, holder, office (scanner.html's live region). */
  announce() {
    const region = this.box.parentElement?.querySelector("[data-verdict-announce]");
    if (!region) return;
    const parts = ["title", "reason", "holder", "office"].map((name) => this.part(name).textContent).filter(Boolean);
    region.textContent = "";
    // A new text in the next task: the same verdict twice in a row is read again.
    setTimeout(() => { region.textContent = parts.join(". "); }, 50);
  }

  showPhoto(url) {
    const photo = this.part("photo");
    photo.hidden = !url;
    if (url) photo.src = url;
    else photo.removeAttribute("src");
  }

  /** After "Annuler cette entrée": the screen says the entry no longer counts. */
  showUndone() {
    this.box.dataset.verdict = "refused";
    this.box.dataset.reason = "undone";
    this.part("title").textContent = this.texts.undone;
    this.part("reason").textContent = "";
    this.part("undo").hidden = true;
    this.part("compare").hidden = true;
    this.showPhoto(null);
    this.part("close").focus();
  }

  note(text) {
    this.part("note").textContent = text;
  }

  close() {
    const verdict = this.current;
    this.box.hidden = true;
    this.current = null;
    this.handlers.onClose(verdict);
  }
}
