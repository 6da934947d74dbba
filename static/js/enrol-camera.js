// /enrol: the tablet reads the enrolment QR code the site's manager shows (a link to /enrol/<code>
// on this server) with the scanner's camera, then sends the code with the page's own form, as if
// typed. A QR code for anything else (another site's address, a pass) is said so, never opened.
import { CameraControls } from "./scanner-camera-ui.js";

const CODE = /^[A-Z2-9](?:-?[A-Z2-9]){7,15}$/i;  // as shown under the QR code: ABCD-EFGH-JKMN

/** The enrolment code a QR code carries, or null: a link to this server's /enrol/<code>, or the code. */
export function enrolmentCode(text, origin = window.location.origin) {
  const value = String(text ?? "").trim();
  if (CODE.test(value)) return value;
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  const match = /^\/enrol\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) return null;
  const code = decodeURIComponent(match[1]);
  return CODE.test(code) ? code : null;
}

function start(root) {
  const texts = JSON.parse(root.dataset.texts);
  const form = document.querySelector("[data-enrol-form]");
  const controls = new CameraControls(root, texts, {
    onCode: (text) => {
      const code = enrolmentCode(text);
      if (!code) {
        root.querySelector("[data-camera-message]").textContent = texts.not_a_device_code;
        controls.resume();
        return;
      }
      controls.stop();
      form.elements.code.value = code;
      form.requestSubmit();
    },
  });
  document.addEventListener("visibilitychange", () => controls.visibilityChanged(document.hidden));
}

const root = typeof document === "undefined" ? null : document.querySelector("[data-enrol-camera]");
if (root) start(root);
