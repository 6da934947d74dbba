// The site's PIN on an entrance device (a shared tablet with no personal account): "Accepter quand
// même" and "Annuler cette entrée" ask for it first. The server checks it: at once when the scanner
// asks it, or when a scan queued offline is sent (the PIN travels with that scan and no further).

/** True when the server refused because of the site's PIN (missing, wrong or not set yet). */
export function isPinRefusal(error) {
  return error?.status === 403 && /^site_pin_/.test(error.body?.error?.code ?? "");
}

/** The PIN form of the verdict box: ask() resolves to the digits typed, or null if cancelled. */
export class PinPrompt {
  constructor(form) {
    this.form = form;
    this.input = form.querySelector("input[name=pin]");
    this.pending = null;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!this.input.checkValidity()) return this.input.reportValidity();
      this.finish(this.input.value);
    });
    form.querySelector("[data-pin-cancel]").addEventListener("click", () => this.finish(null));
  }

  ask() {
    this.finish(null);  // one question at a time
    this.input.value = "";
    this.form.hidden = false;
    this.input.focus();
    return new Promise((resolve) => { this.pending = resolve; });
  }

  /** Hide the form; a question still open is answered null. */
  finish(pin) {
    this.form.hidden = true;
    this.input.value = "";
    const resolve = this.pending;
    this.pending = null;
    if (resolve) resolve(pin);
  }
}
