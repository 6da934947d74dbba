// Photos in bulk being prepared: ask the server for one slice of work after another, show how
// far it is, and open the preview once every photo is ready (the button does the same without JS).
const form = document.querySelector("form[data-prepare]");

async function run() {
  const bar = form.querySelector("[data-progress]");
  const text = form.querySelector("[data-progress-text]");
  form.querySelector("button[type=submit]").hidden = true;
  for (;;) {
    let answer;
    try {
      const response = await fetch(form.action, { method: "POST", body: new FormData(form),
                                                   headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      answer = await response.json();
    } catch {
      form.querySelector("button[type=submit]").hidden = false; // the admin can go on by hand
      return;
    }
    bar.max = answer.total;
    bar.value = answer.done;
    text.textContent = text.dataset.template.replace("{done}", answer.done).replace("{total}", answer.total);
    if (answer.done >= answer.total) {
      window.location.reload();
      return;
    }
  }
}

if (form) run();
