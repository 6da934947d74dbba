"""The door on one bar of signal: how long the pass and the scanner's verdicts take when every
answer is slow ("lie-fi": the network is up, each request waits D seconds).

Serves the real app with the demo (tests/browser/conftest.py's LiveServer, SQLite) behind the
test proxy (tests/browser/faulty_proxy.py) whose `delay` holds every request D seconds before it
reaches the server. A phone (360×740) signs in as the demo agent and opens its pass once on a good
connection (the service worker keeps it); the partner staff's scanner likewise opens /scanner.
Then, for each delay:
- the time from navigating to `/pass`, and to the installed app's start URL `/`, until the QR
  code is on screen (median of --runs navigations);
- the scanner's verdict time (typed QR codes, from submitting to the verdict on screen) for the
  first scan at that delay and the median of the 2nd to 5th.
Targets (issue "the door in real conditions"): pass ≤ 300 ms median at every delay; first scan
≤ the time limit (SCANNER_ASK_TIMEOUT_MS, 1500 ms) + 150 ms; following scans ≤ 150 ms median.

    .venv/bin/python bench/door_weak_signal.py [--delays 0 2 8 30] [--runs 3]
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scan_frame_to_verdict import pass_qr  # noqa: E402
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD  # noqa: E402
from tests.browser.live_server import LiveServer  # noqa: E402
from tests.browser.faulty_proxy import FaultyProxy  # noqa: E402

AGENT = "agent@demo.passresot66.fr"
HOLDERS = ("agent@demo.passresot66.fr", "saisonnier@demo.passresot66.fr")
STAFF = "partenaire@demo.passresot66.fr"
ASK_TIMEOUT_MS = 1500
SCANS = 5
QR_SHOWN = "[data-qr] svg"

# Types a code, submits it and resolves with the milliseconds until a verdict is on screen.
TIMED_SCAN = """async (code) => {
  const box = document.querySelector("[data-verdict-box]");
  const field = document.querySelector("[data-code]");
  field.value = code;
  const start = performance.now();
  document.querySelector("[data-manual-form]").requestSubmit();
  await new Promise((resolve) => {
    const check = () => (!box.hidden && box.dataset.verdict) ? resolve() : requestAnimationFrame(check);
    check();
  });
  return performance.now() - start;
}"""


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()


def wait_for_worker(page) -> None:
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=60_000)


def time_to_pass(page, url: str, timeout_ms: int) -> float:
    """Seconds from asking for `url` to the pass's QR code on screen."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.locator(QR_SHOWN).first.wait_for(state="visible", timeout=timeout_ms)
    return time.perf_counter() - start


def scan_times(page, codes: list[str]) -> list[float]:
    """Milliseconds to each verdict, closing each verdict before the next scan."""
    times = []
    for code in codes:
        times.append(page.evaluate(TIMED_SCAN, code))
        page.locator("[data-verdict-close]").click()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delays", type=float, nargs="+", default=[0, 2, 8, 30])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="door-bench-"))
    server = LiveServer(workdir)
    server.env["SCANNER_ASK_TIMEOUT_MS"] = str(ASK_TIMEOUT_MS)  # the product's own limit, not the tests'
    server.flask("db", "upgrade")
    server.flask("load-demo")
    server.start()
    proxy = FaultyProxy(server.port)
    rows = []
    try:
        codes = [pass_qr(server, email) for email in HOLDERS]
        codes = (codes * SCANS)[:SCANS]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                        locale="fr-FR", timezone_id="Europe/Paris").new_page()
            sign_in(phone, proxy.url, AGENT)
            phone.goto(f"{proxy.url}/pass")
            wait_for_worker(phone)
            phone.goto(f"{proxy.url}/pass")  # now through the worker, which keeps a copy
            phone.locator(QR_SHOWN).first.wait_for(state="visible")
            tablet = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR",
                                         timezone_id="Europe/Paris").new_page()
            sign_in(tablet, proxy.url, STAFF)
            tablet.goto(f"{proxy.url}/scanner")
            wait_for_worker(tablet)
            tablet.goto(f"{proxy.url}/scanner")
            tablet.wait_for_selector("[data-scanner][data-ready=true]", timeout=60_000)
            for delay in args.delays:
                proxy.delay = delay
                timeout_ms = int((delay * 3 + 60) * 1000)
                pass_s = [time_to_pass(phone, f"{proxy.url}/pass", timeout_ms) for _ in range(args.runs)]
                start_s = [time_to_pass(phone, f"{proxy.url}/", timeout_ms) for _ in range(args.runs)]
                scans = scan_times(tablet, codes)
                rows.append((delay, statistics.median(pass_s), statistics.median(start_s), scans[0],
                             statistics.median(scans[1:])))
                print(f"  delay {delay:g} s done", flush=True)
            browser.close()
    finally:
        proxy.close()
        server.stop()

    print(f"\nThe door on a weak signal (median of {args.runs} navigations; scanner time limit {ASK_TIMEOUT_MS} ms)")
    print("| delay | /pass shown | / shown | 1st scan verdict | scans 2–5 verdict (median) |")
    print("|---|---|---|---|---|")
    for delay, pass_s, start_s, first_ms, rest_ms in rows:
        print(f"| {delay:g} s | {pass_s * 1000:.0f} ms | {start_s * 1000:.0f} ms | {first_ms:.0f} ms | {rest_ms:.0f} ms |")
    print("targets: pass ≤ 300 ms; 1st scan ≤ %d ms; scans 2–5 ≤ 150 ms" % (ASK_TIMEOUT_MS + 150))


if __name__ == "__main__":
    main()
