"""Time static/js/verify.js in headless Chromium: one cold verification and the median of 200 warm ones.

Serves static/ on 127.0.0.1 (a secure context, so WebCrypto is on), opens a fresh browser
context per mode so nothing is cached between them, and prints the figures. Needs
/usr/bin/chromium, Playwright in the venv and `node scripts/copy_vendor.mjs` done.

    .venv/bin/python bench/verify_token_browser.py
"""
import functools
import json
import statistics
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

VECTORS = json.loads((ROOT / "tests/vectors/pass_tokens.json").read_text(encoding="utf-8"))
WARM_RUNS = 200

MEASURE = """async ({ qr, keys, now, mode, runs }) => {
  const started = performance.now();
  const { verifyPass } = await import("/js/verify.js");
  const first = await verifyPass(qr, { keys, now, ed25519: mode });
  const cold = performance.now() - started;
  const times = [];
  const batchStart = performance.now();
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    const result = await verifyPass(qr, { keys, now, ed25519: mode });
    times.push(performance.now() - t);
    if (!result.ok) return { error: JSON.stringify(result) };
  }
  const batch = performance.now() - batchStart;
  return { first, cold, times, batch };
}"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_static() -> ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(ROOT / "static"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(browser, base_url: str, mode: str) -> dict:
    valid = next(v for v in VECTORS["vectors"] if v["name"] == "valid_accented_name")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base_url + "/css/")  # any same-origin page; the module is imported in it
        return page.evaluate(MEASURE, {"qr": valid["qr"], "keys": VECTORS["keys"],
                                       "now": VECTORS["now"], "mode": mode, "runs": WARM_RUNS})
    finally:
        context.close()


def main() -> int:
    if not (ROOT / "static/vendor/noble-ed25519/index.js").exists():
        print("static/vendor is empty: run `npm ci && node scripts/copy_vendor.mjs` first")
        return 1
    server = serve_static()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=CHROMIUM_ARGS)
            print(f"Chromium {browser.version}, sample token of {len(VECTORS['vectors'][0]['qr'])} chars")
            for mode in ("webcrypto", "fallback"):
                figures = measure(browser, base_url, mode)
                if "error" in figures or not figures["first"]["ok"]:
                    print(f"{mode:>9}: verification failed: {figures}")
                    continue
                print(f"{mode:>9}: cold {figures['cold']:.1f} ms (module import included), "
                      f"warm median {statistics.median(figures['times']):.3f} ms, "
                      f"warm mean {figures['batch'] / WARM_RUNS:.3f} ms over {WARM_RUNS}")
            browser.close()
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
