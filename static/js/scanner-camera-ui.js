// The scanner's camera controls: start and stop buttons, the state shown to the staff and the
// plain-French reason when the camera cannot start; paused while the page is hidden (never film
// in the background) and started again when it comes back. Reading codes is scanner-camera.js.
import { Camera, qrDetector } from "./scanner-camera.js";

export class CameraControls {
  /** root: the [data-scanner] element; onCode(text, frameTime) for every code read. */
  constructor(root, texts, { onCode }) {
    this.root = root;
    this.texts = texts;
    this.onCode = onCode;
    this.camera = null;
    this.resumeOnShow = false;
    this.$ = (selector) => root.querySelector(selector);
    this.$("[data-camera-start]").addEventListener("click", () => this.start());
    this.$("[data-camera-stop]").addEventListener("click", () => this.stop());
    this.state("off");
  }

  state(state, message = "") {
    this.root.dataset.camera = state;
    this.$("[data-camera-view]").hidden = state !== "on";
    this.$("[data-camera-start]").hidden = state === "on" || state === "starting";
    this.$("[data-camera-stop]").hidden = state !== "on";
    this.$("[data-camera-message]").textContent = message;
  }

  problem(error) {
    const texts = this.texts;
    if (!window.isSecureContext || !navigator.mediaDevices) return texts.camera_insecure;
    if (error?.name === "NotAllowedError" || error?.name === "SecurityError") return texts.camera_denied;
    if (error?.name === "NotFoundError" || error?.name === "OverconstrainedError") return texts.camera_missing;
    if (error?.name === "NotReadableError") return texts.camera_busy;
    return texts.camera_failed;
  }

  async start() {
    this.state("starting", this.texts.camera_starting);
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error("no camera API");
      const { detector, kind } = await qrDetector({ polyfillUrl: this.root.dataset.polyfill, wasmUrl: this.root.dataset.wasm });
      this.root.dataset.detector = kind;
      this.camera ??= new Camera(this.$("[data-camera-video]"), { detector, onCode: this.onCode });
      await this.camera.start();
      this.state("on", this.texts.camera_on);
    } catch (error) {
      this.camera?.stop();
      this.state("error", this.problem(error));
    }
  }

  stop() {
    this.camera?.stop();
    this.state("off");
  }

  /** After a verdict: reading again if the camera runs; false when it does not (the field takes over). */
  resume() {
    if (!this.camera?.running) return false;
    this.camera.resume();
    return true;
  }

  visibilityChanged(hidden) {
    if (hidden) {
      if (this.camera?.running) {
        this.resumeOnShow = true;
        this.camera.stop();
        this.state("paused");
      }
    } else {
      if (this.resumeOnShow) this.start();
      this.resumeOnShow = false;
    }
  }
}
