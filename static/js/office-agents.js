// The office's agent list: filters apply when chosen, "tick this page", and the selection count.
const form = document.getElementById("bulk");

for (const select of document.querySelectorAll("[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.requestSubmit());
}

if (form) {
  const boxes = [...form.querySelectorAll("input[name=agent_ids]:not(:disabled)")];
  const pageBox = form.querySelector("[data-select-page]");
  const filteredBox = form.querySelector("[data-select-filtered]");
  const count = form.querySelector("[data-selected-count]");
  const total = Number(document.querySelector("[data-total]").dataset.total);
  const label = (n) => (n === 1 ? count.dataset.one : count.dataset.many.replace("{n}", n));

  const refresh = () => {
    const ticked = boxes.filter((box) => box.checked).length;
    pageBox.checked = ticked > 0 && ticked === boxes.length;
    pageBox.indeterminate = ticked > 0 && ticked < boxes.length;
    for (const box of boxes) box.disabled = filteredBox.checked;
    const n = filteredBox.checked ? total : ticked;
    count.textContent = n ? label(n) : "";
  };
  pageBox.addEventListener("change", () => {
    for (const box of boxes) box.checked = pageBox.checked;
    refresh();
  });
  filteredBox.addEventListener("change", refresh);
  for (const box of boxes) box.addEventListener("change", refresh);
  refresh();
}
