// A filter's select applies when chosen (the "Filtrer" button does the same without JavaScript).
for (const select of document.querySelectorAll("[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.requestSubmit());
}
