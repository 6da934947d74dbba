// A camera frame sharpened for the QR detector. A pass filmed out of focus (a tablet's fixed-focus
// camera, a phone held too close) blurs each module into its neighbours: past about one module of
// blur the detector reads no code at all, while an unsharp mask (the frame plus `amount` times its
// difference from a blurred copy) gives the modules their edges back up to 1.3 or 1.4 modules.
// The camera (scanner-camera.js) tries this copy only when the plain frame held no code.
// bench/scan_defocus.py measures what it reads; tests/js/scanner-sharpen.test.mjs checks the maths.

/** The frame is shrunk to this many pixels on its long side first: the blur below is sized for it. */
export const FRAME_SIDE = 640;
/** Three passes of a box this many pixels either side: close to a Gaussian of σ ≈ 2.4 px. */
export const BLUR_RADIUS = 2;
export const AMOUNT = 5;

/** Sharpens `rgba` (width × height RGBA pixels) in place into grey: each pixel's luminance plus
 * `amount` times its difference from the blurred luminance around it; alpha is left alone. */
export function sharpenGrey(rgba, width, height, { radius = BLUR_RADIUS, amount = AMOUNT } = {}) {
  const size = width * height;
  const { grey, blurred, scratch, line, other, sums } = buffers(width, height);
  for (let i = 0, p = 0; i < size; i += 1, p += 4) {
    grey[i] = 0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2];
  }
  // The three passes along a row are done while the row is in a small buffer; then three passes
  // down the columns, row by row (memory read in order).
  for (let start = 0; start < size; start += width) {
    line.set(grey.subarray(start, start + width));
    boxLine(line, other, width, radius);
    boxLine(other, line, width, radius);
    boxLine(line, other, width, radius);
    blurred.set(other, start);
  }
  boxColumns(blurred, scratch, width, height, radius, sums);
  boxColumns(scratch, blurred, width, height, radius, sums);
  boxColumns(blurred, scratch, width, height, radius, sums);
  for (let i = 0, p = 0; i < size; i += 1, p += 4) {
    const level = grey[i] + amount * (grey[i] - scratch[i]);  // Uint8ClampedArray clamps to 0–255
    rgba[p] = level;
    rgba[p + 1] = level;
    rgba[p + 2] = level;
  }
  return rgba;
}

// The working arrays, kept from one frame to the next while the frame keeps its size.
let kept = null;
function buffers(width, height) {
  if (kept?.width !== width || kept?.height !== height) {
    const size = width * height;
    kept = {
      width, height, grey: new Float32Array(size), blurred: new Float32Array(size), scratch: new Float32Array(size),
      line: new Float32Array(width), other: new Float32Array(width), sums: new Float32Array(width),
    };
  }
  return kept;
}

// Moving averages over 2·radius + 1 pixels, along one line, or down every column at once (row by
// row). Pixels past an edge count as the edge pixel.
function boxLine(source, target, length, radius) {
  const last = length - 1;
  const scale = 1 / (2 * radius + 1);
  let sum = source[0] * (radius + 1);
  for (let k = 1; k <= radius; k += 1) sum += source[Math.min(k, last)];
  for (let x = 0; x < length; x += 1) {
    target[x] = sum * scale;
    sum += source[Math.min(x + radius + 1, last)] - source[Math.max(x - radius, 0)];
  }
}

function boxColumns(source, target, width, height, radius, sums) {
  const row = (y) => Math.min(Math.max(y, 0), height - 1) * width;
  const scale = 1 / (2 * radius + 1);
  for (let x = 0; x < width; x += 1) sums[x] = source[x] * (radius + 1);
  for (let k = 1; k <= radius; k += 1) {
    const at = row(k);
    for (let x = 0; x < width; x += 1) sums[x] += source[at + x];
  }
  for (let y = 0; y < height; y += 1) {
    const out = y * width;
    const enter = row(y + radius + 1);
    const leave = row(y - radius);
    for (let x = 0; x < width; x += 1) {
      target[out + x] = sums[x] * scale;
      sums[x] += source[enter + x] - source[leave + x];
    }
  }
}

/** The video's current frame, at most FRAME_SIDE wide or high, sharpened as ImageData (null while
 * the video has no size yet). `canvas` is reused from frame to frame. */
export function sharpenedFrame(video, canvas) {
  const scale = Math.min(1, FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
  const width = Math.round(video.videoWidth * scale);
  const height = Math.round(video.videoHeight * scale);
  if (!width || !height) return null;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(video, 0, 0, width, height);
  const frame = context.getImageData(0, 0, width, height);
  sharpenGrey(frame.data, width, height);
  return frame;
}

/** A canvas for sharpenedFrame: off screen where the browser draws on one (Safari 16.4 and later). */
export function frameCanvas() {
  if (typeof OffscreenCanvas === "function") {
    const canvas = new OffscreenCanvas(1, 1);
    if (canvas.getContext("2d", { willReadFrequently: true })) return canvas;
  }
  return document.createElement("canvas");
}
