"""How far out of focus the scanner still reads a pass: the real QR decoder (the barcode-detector
polyfill and its zxing .wasm, as on a scanner without a native BarcodeDetector) in headless
Chromium, on camera frames of freshly signed pass tokens filmed as tests/browser/fake_camera.py
films them (the code 250 px wide in a 640×480 frame), blurred by 0.8 to 1.6 modules. Each frame is
decoded plain, then sharpened by static/js/scanner-sharpen.js; the camera (scanner-camera.js) tries
the sharpened copy after a plain frame that held no code, so it reads a frame when either does.

Prints, per blur and per code version (the demo agent's 14-byte name gives a version 6 code, 41
modules; the longest name kept, 24 bytes, a version 7, 45 modules, smaller in the same 250 px), how
many frames each way reads (the right text only), and the median times of a plain decode, a
sharpening and a sharpened decode. Needs /usr/bin/chromium, Playwright in the
venv and `node scripts/copy_vendor.mjs` done.

    .venv/bin/python bench/scan_defocus.py [tokens per blur, default 40]
"""
import base64
import random
import statistics
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.verify_token_browser import serve_static  # noqa: E402
from passresot.passes.qr import _code  # noqa: E402
from passresot.passes.token import sign_pass_token  # noqa: E402
from tests.browser.fake_camera import _MODULE_PX, defocused, film  # noqa: E402
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

BLURS = (0.8, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6)
#: Where /pass shows its QR's SVG on a 360×740 phone (bounding box measured in Chromium).
PASS_QR_BOX = (14.6875, 340.3125, 330.625, 330.625)
#: Demo names: 14 bytes (the demo agent's, a version 6 code) and 24 (the longest kept, version 7).
NAMES = ("Amélie Rigaud", "Marie-Françoise Rodrigu")

PREPARE = """async () => {
  const polyfill = await import("/vendor/barcode-detector/ponyfill.js");
  await polyfill.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? "/vendor/zxing-wasm/zxing_reader.wasm" : prefix + path),
    },
    fireImmediately: true,
  });
  window.detector = new polyfill.BarcodeDetector({ formats: ["qr_code"] });
  window.sharpen = (await import("/js/scanner-sharpen.js")).sharpenGrey;
}"""

DECODE = """async ({ grey, width, height }) => {
  const bytes = Uint8Array.from(atob(grey), (c) => c.charCodeAt(0));
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < bytes.length; i += 1) rgba.set([bytes[i], bytes[i], bytes[i], 255], 4 * i);
  const texts = (codes) => codes.map((code) => code.rawValue);
  let started = performance.now();
  const plain = texts(await window.detector.detect(new ImageData(rgba, width, height)));
  const plainMs = performance.now() - started;
  const copy = new ImageData(new Uint8ClampedArray(rgba), width, height);
  started = performance.now();
  window.sharpen(copy.data, width, height);
  const sharpenMs = performance.now() - started;
  started = performance.now();
  const sharp = texts(await window.detector.detect(copy));
  return { plain, sharp, plainMs, sharpenMs, sharpMs: performance.now() - started };
}"""


def pass_screen(text: str) -> Image.Image:
    """A 360×740 white screen with `text`'s code where /pass draws it (crisp module edges)."""
    matrix = _code(text).get_matrix()  # the SVG's modules, its border included
    screen = Image.new("L", (360, 740), 255)
    x0, y0, side, _ = PASS_QR_BOX
    step = side / len(matrix)
    draw = ImageDraw.Draw(screen)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            left, top = round(x0 + col * step), round(y0 + row * step)
            right, bottom = round(x0 + (col + 1) * step), round(y0 + (row + 1) * step)
            if dark and right > left and bottom > top:
                draw.rectangle([left, top, right - 1, bottom - 1], fill=0)
    return screen.convert("RGB")


def tokens(count: int, name: str, rng: random.Random) -> list[str]:
    """`count` tokens for `name`, each signed by a key of its own (the signature differs each time)."""
    now = datetime.now(timezone.utc)
    return [sign_pass_token(pass_id=rng.randrange(1, 10**6), office_id=rng.randrange(1, 60), valid_from=now,
                            valid_until=now + timedelta(days=365), display_name=name,
                            private_key=Ed25519PrivateKey.generate())
            for _ in range(count)]


def main() -> int:
    if not (ROOT / "static/vendor/zxing-wasm/zxing_reader.wasm").exists():
        print("static/vendor is empty: run `npm ci && node scripts/copy_vendor.mjs` first")
        return 1
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    rng = random.Random(66)
    server = serve_static()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    times = {"plainMs": [], "sharpenMs": [], "sharpMs": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(base_url + "/css/")
            page.evaluate(PREPARE)
            print(f"Chromium {browser.version}, zxing polyfill, {count} tokens per blur and code version; blur in "
                  f"modules (full width at half maximum; {_MODULE_PX:.2f} px a module of a version 6 code)")
            print(f"{'blur':>5} {'version':>8} {'plain':>8} {'sharpened':>10} {'either':>8}")
            for blur in BLURS:
                for name in NAMES:
                    read = {"plain": 0, "sharp": 0, "either": 0}
                    signed = tokens(count, name, rng)
                    for text in signed:
                        frame = defocused(film(pass_screen(text), PASS_QR_BOX, "face-on"), blur, _MODULE_PX)
                        result = page.evaluate(DECODE, {"grey": base64.b64encode(frame.tobytes()).decode(),
                                                        "width": frame.width, "height": frame.height})
                        plain, sharp = text in result["plain"], text in result["sharp"]
                        read["plain"] += plain
                        read["sharp"] += sharp
                        read["either"] += plain or sharp
                        for key in times:
                            times[key].append(result[key])
                    print(f"{blur:>5} {_code(signed[0]).version:>8} {read['plain']:>5}/{count} "
                          f"{read['sharp']:>7}/{count} {read['either']:>5}/{count}")
            browser.close()
    finally:
        server.shutdown()
    print("median ms: plain decode {plainMs:.1f}, sharpening {sharpenMs:.1f}, sharpened decode {sharpMs:.1f} "
          "(640×480 frames)".format(**{key: statistics.median(values) for key, values in times.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
