// static/js/scanner-sharpen.js: the unsharp mask the camera applies to a frame that held no code.
// Run from the repository root: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { AMOUNT, sharpenGrey } from "../../static/js/scanner-sharpen.js";

/** An RGBA image of `width` × `height` whose grey level at (x, y) is level(x, y). */
function image(width, height, level) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const p = 4 * (y * width + x);
      rgba.set([level(x, y), level(x, y), level(x, y), 200], p);
    }
  }
  return rgba;
}
const at = (rgba, width, x, y) => rgba[4 * (y * width + x)];

test("a flat frame stays as it is", () => {
  const rgba = sharpenGrey(image(20, 10, () => 140), 20, 10);
  for (let i = 0; i < rgba.length; i += 4) assert.deepEqual([...rgba.slice(i, i + 4)], [140, 140, 140, 200]);
});

test("a soft edge between dark and light gets steeper on both sides", () => {
  // A module edge blurred over 8 px: 60 on the left, 190 on the right.
  const ramp = (x) => (x < 16 ? 60 : x >= 24 ? 190 : 60 + ((x - 16) * 130) / 8);
  const before = image(40, 6, ramp);
  const after = sharpenGrey(image(40, 6, ramp), 40, 6);
  assert.ok(at(after, 40, 17, 3) < at(before, 40, 17, 3) - 10, "the dark side of the edge darkens");
  assert.ok(at(after, 40, 22, 3) > at(before, 40, 22, 3) + 10, "the light side of the edge lightens");
  assert.equal(at(after, 40, 2, 3), 60, "far from the edge, nothing changes");
  assert.equal(at(after, 40, 37, 3), 190);
  const contrast = (rgba) => at(rgba, 40, 22, 3) - at(rgba, 40, 17, 3);
  assert.ok(contrast(after) > 1.5 * contrast(before), `${contrast(before)} → ${contrast(after)}`);
});

test("a lone dark module blurred into grey is dark again, and the overshoot is clamped", () => {
  // One 5-px module at 40 on white, blurred by a 3-px box each way: its centre is only 120.
  const sharp = (x, y) => (x >= 10 && x < 15 && y >= 10 && y < 15 ? 40 : 250);
  const blurred = (x, y) => {
    let sum = 0;
    for (let dy = -3; dy <= 3; dy += 1) for (let dx = -3; dx <= 3; dx += 1) sum += sharp(x + dx, y + dy);
    return sum / 49;
  };
  const before = image(25, 25, blurred);
  const after = sharpenGrey(image(25, 25, blurred), 25, 25);
  assert.ok(at(before, 25, 12, 12) > 110);
  assert.equal(at(after, 25, 12, 12), 0, "the centre goes back below black (clamped)");
  assert.equal(at(after, 25, 0, 0), 250, "the white around it stays white");
  for (let i = 0; i < after.length; i += 4) {
    assert.equal(after[i], after[i + 1]);  // grey: the three channels equal
    assert.equal(after[i + 3], 200);       // alpha untouched
  }
});

test("colour is read as luminance before sharpening", () => {
  const rgba = new Uint8ClampedArray(9 * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([255, 0, 0, 255], i);  // pure red: luminance 76
  sharpenGrey(rgba, 3, 3);
  assert.equal(rgba[0], 76);
  assert.equal(rgba[1], 76);
  assert.ok(AMOUNT > 1);
});
