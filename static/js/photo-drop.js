// Bulk photos: a folder, photos or a zip dropped on the zone go into the photos field (folders
// walked through), which photo-shrink.js then shrinks like a choice made with the button.
const zone = document.querySelector("[data-dropzone]");
const input = zone?.querySelector("input[type=file][name=photos]");
const status = zone?.querySelector("[data-drop-status]");

function entryFiles(entry) {
  if (entry.isFile) return new Promise((resolve) => entry.file((file) => resolve([file]), () => resolve([])));
  if (!entry.isDirectory) return Promise.resolve([]);
  const reader = entry.createReader();
  const all = [];
  // readEntries gives the folder in chunks (100 at a time in Chromium) until it gives none.
  const next = () => new Promise((resolve) => reader.readEntries(resolve, () => resolve([])));
  return (async () => {
    for (let chunk = await next(); chunk.length; chunk = await next()) {
      for (const child of chunk) all.push(...(await entryFiles(child)));
    }
    return all;
  })();
}

if (zone && input) {
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
    const files = entries.length
      ? (await Promise.all(entries.map(entryFiles))).flat()
      : [...event.dataTransfer.files];
    const transfer = new DataTransfer();
    for (const file of files) transfer.items.add(file);
    input.files = transfer.files;
    status.textContent = status.dataset.count?.replace("{n}", files.length) ?? "";
    input.dispatchEvent(new Event("change"));
  });
}
