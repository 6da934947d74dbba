// Small page helpers without inline scripts: confirmation before dangerous posts, copy-to-clipboard.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const input = document.querySelector(button.dataset.copy);
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    document.execCommand("copy");
  }
  const label = button.textContent;
  button.textContent = document.documentElement.lang === "en" ? "Copied" : "Copié";
  setTimeout(() => { button.textContent = label; }, 2000);
});
