"""Processor time headless Chromium spends showing the pass's band, per second on screen.

The band's light sweeps forever (a screenshot cannot move). Three pages at 360×740, 2× pixels,
each shown SECONDS seconds, the processor time of every Chromium process of this run counted
from /proc: the band as static/css/pass.css draws it now (a sliding layer), the band as it was
drawn before (its background moving: a repaint every frame), and the band standing still.

Serves static/ on 127.0.0.1; needs /usr/bin/chromium and Playwright in the venv. Run it on an
otherwise idle machine:

    .venv/bin/python bench/pass_screen_cpu.py [SECONDS]
"""
import functools
import os
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
BAND = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/css/app.css"><link rel="stylesheet" href="/css/pass.css">{extra}</head>
<body class="page-pass"><main><div class="pass-card"><header class="pass-band">
<span class="pass-brand">Pass<strong>ResOT66</strong></span><span class="pass-clock">12:00:00</span>
</header></div></main></body></html>"""
BEFORE = """<style>.pass-band::before { display: none; }
.pass-band { background: linear-gradient(110deg, #0b5563 0%, #0e7285 40%, #2a8f8a 50%, #0e7285 60%, #0b5563 100%);
  background-size: 300% 100%; animation: old-shimmer 6s linear infinite; }
@keyframes old-shimmer { from { background-position: 100% 0; } to { background-position: -200% 0; } }</style>"""
STILL = "<style>.pass-band::before { animation: none; }</style>"
PAGES = {"now (a sliding layer)": "", "before (a moving background)": BEFORE, "standing still": STILL}


class BandPages(SimpleHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server name)
        if self.path.startswith("/band/"):
            body = BAND.format(extra=list(PAGES.values())[int(self.path.rsplit("/", 1)[1])]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def log_message(self, *args):
        pass


def descendants_cpu_seconds() -> float:
    """utime + stime of every live process below this one (the Playwright driver and Chromium)."""
    parent, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / TICKS
    mine, total = os.getpid(), 0.0
    for pid, seconds in cpu.items():
        ancestor = parent.get(pid)
        while ancestor and ancestor != mine:
            ancestor = parent.get(ancestor)
        if ancestor == mine and pid != mine:
            total += seconds
    return total


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(BandPages, directory=str(ROOT / "static")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/band/"
    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for index, label in enumerate(PAGES):
            context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                          has_touch=True, device_scale_factor=2)
            page = context.new_page()
            page.goto(base + str(index))
            page.wait_for_load_state("networkidle")
            time.sleep(2)  # past the first layout and paint
            started = descendants_cpu_seconds()
            time.sleep(seconds)
            figures[label] = (descendants_cpu_seconds() - started) / seconds
            context.close()
        browser.close()
    server.shutdown()
    print(f"Chromium processor time per second of the band on screen ({seconds:g} s each, 360×740 at 2×):")
    for label, share in figures.items():
        print(f"  {label:<30} {share * 1000:6.0f} ms/s")
    now, before = figures["now (a sliding layer)"], figures["before (a moving background)"]
    print(f"  before / now: {before / now:.1f}×")


if __name__ == "__main__":
    main()
