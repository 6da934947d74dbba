// The scanner's camera: the rear camera on one tap, each frame handed to a QR detector, the code
// passed on once. The detector is the browser's own BarcodeDetector where it reads qr_code;
// otherwise the barcode-detector polyfill (npm, zxing-wasm), imported only then, with its .wasm
// served by our own server (static/vendor/, precached by the service worker): never a CDN.
// A frame that held no code is followed by a sharpened one (scanner-sharpen.js), at most every
// SHARPEN_EVERY_MS: out of focus by more than about a module, a pass reads only sharpened.
import { frameCanvas, sharpenedFrame } from "./scanner-sharpen.js";

const SAME_CODE_PAUSE_MS = 2500;  // the holder still shows the same code after "Scanner suivant"
// At most four sharpened tries a second: a blurred pass is read within a quarter of a second, and
// a camera waiting with no code in view spends little more than with plain frames only
// (bench/scanner_idle_cpu.py).
const SHARPEN_EVERY_MS = 250;

let detecting = null;

/** {detector, kind: "native" | "polyfill"}; made once per page. */
export function qrDetector({ polyfillUrl, wasmUrl }) {
  detecting ??= (async () => {
    if (await nativeReadsQr()) {
      return { detector: new globalThis.BarcodeDetector({ formats: ["qr_code"] }), kind: "native" };
    }
    const polyfill = await import(polyfillUrl);
    await polyfill.prepareZXingModule({
      overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasmUrl : prefix + path) },
      fireImmediately: true,  // fetch and compile the .wasm now, not at the first frame
    });
    return { detector: new polyfill.BarcodeDetector({ formats: ["qr_code"] }), kind: "polyfill" };
  })();
  detecting.catch(() => { detecting = null; });  // a failed load may be retried by the next tap
  return detecting;
}

async function nativeReadsQr() {
  if (!("BarcodeDetector" in globalThis)) return false;
  try {
    return (await globalThis.BarcodeDetector.getSupportedFormats()).includes("qr_code");
  } catch {
    return false;
  }
}

/**
 * A camera feeding `onCode(text, frameTime)` from `video`. `frameTime` is when the frame that holds
 * the code was shown (performance.now() time base; bench/scan_frame_to_verdict.py measures from it).
 * Scanning pauses from a code until resume(); the same code is ignored for a moment after that.
 */
export class Camera {
  constructor(video, { detector, onCode }) {
    this.video = video;
    this.detector = detector;
    this.onCode = onCode;
    this.stream = null;
    this.paused = false;
    this.last = { text: null, until: 0 };
    this.looping = false;
    this.sharpenNext = false;  // the last frame held no code: try the next one sharpened
    this.sharpenedAt = -Infinity;
    this.canvas = null;
  }

  get running() { return this.stream !== null; }

  async start() {
    if (this.stream) return;
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    this.stream = stream;
    this.video.setAttribute("playsinline", "");
    this.video.muted = true;
    this.video.srcObject = stream;
    await this.video.play();
    if (!this.looping) this.loop();
  }

  stop() {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
  }

  pause() { this.paused = true; }

  resume() {
    this.paused = false;
    this.last.until = performance.now() + SAME_CODE_PAUSE_MS;
  }

  async loop() {
    this.looping = true;
    while (this.stream) {
      const shown = await nextFrame(this.video);
      if (!this.stream || this.paused || this.video.readyState < 2) continue;
      const frameTime = Math.min(shown ?? Infinity, performance.now());
      const sharpen = this.sharpenNext;
      this.sharpenNext = false;  // a sharpened frame that fails is followed by a plain one
      let codes = [];
      try {
        codes = await this.detector.detect(sharpen ? this.sharpened() : this.video);
      } catch {
        continue;  // a frame the detector could not read (camera starting, resized)
      }
      const text = codes.find((code) => code.rawValue)?.rawValue;
      this.sharpenNext = !text && !sharpen && performance.now() - this.sharpenedAt >= SHARPEN_EVERY_MS;
      if (!text || this.paused || !this.stream) continue;
      if (text === this.last.text && frameTime < this.last.until) continue;
      this.last = { text, until: Infinity };
      this.paused = true;
      this.onCode(text, frameTime);
    }
    this.looping = false;
  }

  sharpened() {
    this.sharpenedAt = performance.now();
    this.canvas ??= frameCanvas();
    return sharpenedFrame(this.video, this.canvas) ?? this.video;
  }
}

// The next camera frame and when it was shown (performance.now() time base), where the browser
// says; a stopped camera sends none, so the wait is bounded.
function nextFrame(video) {
  return new Promise((resolve) => {
    const timeout = setTimeout(resolve, 250);
    const done = (now, metadata) => { clearTimeout(timeout); resolve(metadata?.presentationTime ?? now); };
    if (video.requestVideoFrameCallback && video.srcObject) video.requestVideoFrameCallback(done);
    else requestAnimationFrame(done);
  });
}

/** A short tone: one high beep to admit, two low ones to refuse (after a tap, so audio may play). */
export function beep(admitted) {
  try {
    beep.context ??= new AudioContext();
    const context = beep.context;
    const tones = admitted ? [[880, 0, 0.18]] : [[220, 0, 0.16], [220, 0.24, 0.16]];
    for (const [frequency, at, length] of tones) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.value = 0.25;
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(context.currentTime + at);
      oscillator.stop(context.currentTime + at + length);
    }
  } catch {
    // No sound on this device: the colour and the vibration still tell.
  }
}
