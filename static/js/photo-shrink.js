// Photo inputs: shrink what the browser can decode before it is sent, so a phone photo of any size
// goes through, and say the limit beside the field (the form and what was typed stay) when a file
// the browser cannot decode (HEIC outside Safari) is still too big.
const SIDE = 1600; // the server keeps 600 px; twice that and more leaves room for its resampling
const SHRINK_FROM = 1024 * 1024; // smaller files are sent as they are
const DECODABLE = /^image\/(jpeg|png|webp|heic|heif)$/; // HEIC: Safari decodes it, others keep it as it is

async function shrink(file) {
  if (!DECODABLE.test(file.type) || file.size < SHRINK_FROM) return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file; // the server says why it cannot read it
  }
  const scale = Math.min(1, SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // transparent areas on white, as the server does
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
  if (!blob || blob.size >= file.size) return file;
  // The name matters: bulk photos are matched to agents by it.
  return new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" });
}

function errorFor(input) {
  let error = document.getElementById(`${input.id}-error`);
  if (!error) {
    error = document.createElement("p");
    error.className = "error";
    error.id = `${input.id}-error`;
    input.insertAdjacentElement("afterend", error);
  }
  return error;
}

function showError(input, message) {
  const field = input.closest(".field");
  if (message) {
    errorFor(input).textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", `${input.id}-error`);
    field?.classList.add("has-error");
  } else {
    document.getElementById(`${input.id}-error`)?.remove();
    input.removeAttribute("aria-invalid");
    field?.classList.remove("has-error");
  }
}

/** Shrink the input's files in place; true when what is left fits the limits. */
export async function shrinkInput(input) {
  const files = [...input.files];
  input.dataset.shrinking = "1";
  try {
    const smaller = [];
    for (const file of files) smaller.push(await shrink(file));
    if (smaller.some((file, i) => file !== files[i])) {
      const transfer = new DataTransfer();
      for (const file of smaller) transfer.items.add(file);
      input.files = transfer.files;
    }
    const max = Number(input.dataset.maxBytes || Infinity);
    const maxTotal = Number(input.dataset.maxTotal || Infinity);
    const total = smaller.reduce((sum, file) => sum + file.size, 0);
    const tooBig = smaller.find((file) => file.size > max);
    const message = tooBig ? input.dataset.tooBig : total > maxTotal ? input.dataset.tooBigTotal : "";
    showError(input, message);
    return !message;
  } finally {
    delete input.dataset.shrinking;
  }
}

const pending = new Map(); // input → the promise of its last shrink (true when it fits)
for (const input of document.querySelectorAll("input[type=file][data-shrink-photo]")) {
  pending.set(input, Promise.resolve(true));
  input.addEventListener("change", () => pending.set(input, shrinkInput(input)));
}
const forms = new Set([...pending.keys()].map((input) => input.form));
for (const form of forms) {
  form.addEventListener("submit", async (event) => {
    if (event.defaultPrevented) return;
    event.preventDefault(); // sent below, once every photo is shrunk and fits
    const inputs = [...pending.keys()].filter((input) => input.form === form);
    const fits = await Promise.all(inputs.map((input) => pending.get(input)));
    const refused = inputs.find((input, i) => !fits[i]);
    if (refused) {
      refused.focus();
      return;
    }
    const submitter = event.submitter;
    if (submitter?.name) {
      const field = document.createElement("input");
      field.type = "hidden";
      field.name = submitter.name;
      field.value = submitter.value;
      form.append(field);
    }
    HTMLFormElement.prototype.submit.call(form);
  });
}
