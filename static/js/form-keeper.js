// What was typed in a form survives its token running out or the session ending: each form sent
// is kept in this tab (sessionStorage, never a password nor a file) until the next page; the
// « Formulaire expiré » page (templates/form_expired.html) asks for it back, and the form's page,
// reached again (after signing in if needed), is filled with it.
const SENT = "passresot:form-sent";
const WANTED = "passresot:form-wanted";
const KEEP_MS = 60 * 60 * 1000;
const SKIPPED = new Set(["password", "file", "submit", "button", "reset", "image"]);

function read(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}

function keep(form) {
  if (sessionStorage.getItem(WANTED)) return;  // signing in again on the way back: keep the first form
  if (form.method !== "post") return;  // a search or a filter has no token to expire
  const fields = [];
  for (const input of form.elements) {
    if (!input.name || input.name === "csrf_token" || SKIPPED.has(input.type) || input.disabled) continue;
    if (input.type === "checkbox" || input.type === "radio") fields.push([input.name, input.value, input.checked]);
    else if (input.type !== "hidden") fields.push([input.name, input.value]);
  }
  const action = new URL(form.action || window.location.href, window.location.href);
  sessionStorage.setItem(SENT, JSON.stringify({
    page: window.location.pathname + window.location.search, action: action.pathname, fields, at: Date.now() }));
}

function fill(form, fields) {
  for (const [name, value, checked] of fields) {
    const inputs = [...form.elements].filter((input) => input.name === name);
    for (const input of inputs) {
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.value === value) input.checked = checked;
      } else if (inputs.length === 1 || input.value === "") {
        input.value = value;
        break;
      }
    }
  }
}

function restore(sent) {
  const forms = [...document.forms];
  const form = forms.find((f) => new URL(f.action || window.location.href, window.location.href).pathname === sent.action)
    || forms.find((f) => sent.fields.some(([name]) => f.elements.namedItem(name)));
  if (!form) return;
  fill(form, sent.fields);
  const note = document.createElement("p");
  note.className = "flash flash-warning";
  note.dataset.formRestored = "";
  note.setAttribute("role", "status");
  note.textContent = document.body.dataset.textFormRestored || "";
  form.prepend(note);
  note.scrollIntoView({ block: "center" });
}

const sent = read(SENT);
const expired = document.querySelector("[data-form-expired]");
const wanted = read(WANTED);
if (expired && sent) {
  sessionStorage.setItem(WANTED, JSON.stringify(sent.page));
} else if (wanted && sent && Date.now() - sent.at < KEEP_MS) {
  if (wanted === window.location.pathname + window.location.search || wanted === window.location.pathname) {
    sessionStorage.removeItem(WANTED);
    sessionStorage.removeItem(SENT);
    restore(sent);
  }  // else: on the way back (the sign-in page): keep both
} else {
  sessionStorage.removeItem(WANTED);
  sessionStorage.removeItem(SENT);
}

// Bubbling, so that a form a script handles itself (the scanner, the report outbox) has said so by
// now: it does not leave the page, and its text (a pass's code) is not kept.
document.addEventListener("submit", (event) => {
  if (!event.defaultPrevented) keep(event.target);
});
