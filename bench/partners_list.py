"""Size and speed of the agent's partner list with 5,000 partners, offline, in headless Chromium.

Makes a fresh SQLite database (the demo, then generated partners up to the count), serves the app
in its own process, and measures:
  1. the gzip size of GET /api/v1/partners (and how long the server takes, cold and warm, and a 304);
  2. on a phone-sized page that opened /partners once online (IndexedDB filled), the server is
     stopped, the page reloaded: the time from navigation start to the first results drawn
     (the "partners:first-results" mark set by static/js/partners.js), over several reloads;
  3. search keystrokes typed one by one: from the input event to the list updated and the next
     frame ("partners:search" measures), median and 95th percentile.
Targets from the issue: ≤ 400 KB gzip, first results ≤ 300 ms, a keystroke ≤ 50 ms.

    .venv/bin/python bench/partners_list.py [partners]     # default 5000
"""
import gzip
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, sign_in  # noqa: E402
from tests.browser.live_server import LiveServer  # noqa: E402

AGENT = "agent@demo.passresot66.fr"
RELOADS = 7
TYPED = "chateau de collioure"  # 20 keystrokes, from thousands of matches down to a few
PHONE = dict(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2)
TARGETS = {"gzip_kb": 400, "first_ms": 300, "keystroke_ms": 50}


def api_token(server) -> str:
    request = urllib.request.Request(
        server.url + "/api/v1/auth/token", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"email": AGENT, "password": DEMO_PASSWORD, "device_name": "bench"}).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["token"]


def get_directory(server, token, **headers):
    request = urllib.request.Request(server.url + "/api/v1/partners",
                                     headers={"Authorization": f"Bearer {token}", **headers})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body, status, etag = response.read(), response.status, response.headers["ETag"]
    except urllib.error.HTTPError as error:  # urllib raises on 304
        body, status, etag = b"", error.code, error.headers["ETag"]
    return body, status, etag, (time.perf_counter() - started) * 1000


def measure_payload(server) -> dict:
    token = api_token(server)
    zipped, _status, etag, cold_ms = get_directory(server, token, **{"Accept-Encoding": "gzip"})
    _body, _status, _etag, warm_ms = get_directory(server, token, **{"Accept-Encoding": "gzip"})
    _body, not_modified, _etag, ms_304 = get_directory(server, token, **{"Accept-Encoding": "gzip",
                                                                         "If-None-Match": etag})
    raw = gzip.decompress(zipped)
    return {"count": json.loads(raw)["count"], "gzip": len(zipped), "raw": len(raw), "cold_ms": cold_ms,
            "warm_ms": warm_ms, "status_304": not_modified, "ms_304": ms_304}


STEPS = """() => {
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime;
  const navigation = performance.getEntriesByType("navigation")[0];
  return { page: navigation.responseEnd, modules: mark("partners:start"), read: mark("partners:stored"),
           parsed: mark("partners:parsed"), drawn: mark("partners:first-results") };
}"""


def first_results(page) -> dict:
    """Milestones of one opening, in ms from navigation start: the page from the worker, partners.js
    running, the stored list read from IndexedDB, parsed, and the first results drawn."""
    page.locator("[data-ready]").wait_for()
    return page.evaluate(STEPS)


def measure_browser(server) -> dict:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", **PHONE)
        page = context.new_page()
        sign_in(page, server.url, AGENT)
        page.goto(server.url + "/partners")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.locator("[data-sync][data-state=fresh]").wait_for(timeout=60_000)
        page.wait_for_function("(url) => caches.match(url).then(Boolean)", arg=server.url + "/partners")
        online_ms = first_results(page)["drawn"]

        server.stop()
        offline = []
        for _ in range(RELOADS):
            page.reload()
            offline.append(first_results(page))
        shown = page.locator("[data-list] .partner-item").count()
        total = page.locator("[data-count]").inner_text()

        page.evaluate("performance.clearMeasures('partners:search')")
        page.locator("[data-query]").click()
        page.keyboard.type(TYPED, delay=120)
        page.wait_for_timeout(300)
        keystrokes = page.evaluate("performance.getEntriesByName('partners:search').map(m => m.duration)")
        browser.close()
    return {"online_ms": online_ms, "offline": offline, "shown": shown, "total": total, "keystrokes": keystrokes}


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory(prefix="bench-partners-") as workdir:
        server = LiveServer(Path(workdir))
        server.flask("db", "upgrade")
        server.flask("load-demo")
        with sqlite3.connect(Path(workdir) / "browser.db") as connection:
            demo = connection.execute("SELECT count(*) FROM partners").fetchone()[0]
        server.flask("generate-partners", str(max(1, wanted - demo)))
        server.start()
        try:
            payload = measure_payload(server)
            browser = measure_browser(server)
        finally:
            server.stop()

    gzip_kb = payload["gzip"] / 1024
    drawn = [steps["drawn"] for steps in browser["offline"]]
    first = statistics.median(drawn)
    steps = {key: statistics.median(run[key] for run in browser["offline"] if run.get(key) is not None)
             for key in ("page", "modules", "read", "parsed")}
    keys = browser["keystrokes"]
    print(f"partners payload: {payload['count']} partners, {gzip_kb:.0f} KB gzip "
          f"({payload['raw'] / 1024:.0f} KB JSON) (target ≤ {TARGETS['gzip_kb']} KB)")
    print(f"  server: {payload['cold_ms']:.0f} ms cold, {payload['warm_ms']:.0f} ms warm, "
          f"If-None-Match → {payload['status_304']} in {payload['ms_304']:.0f} ms")
    print(f"first results offline: {first:.0f} ms median of {len(drawn)} reloads, "
          f"worst {max(drawn):.0f} ms (target ≤ {TARGETS['first_ms']} ms); "
          f"online first visit {browser['online_ms']:.0f} ms; {browser['shown']} rows drawn of {browser['total']}")
    print("  medians from navigation start: " + ", ".join(
        f"{label} {steps[key]:.0f} ms" for key, label in (("page", "page from the worker"), ("modules", "scripts running"),
                                                           ("read", "list read from IndexedDB"), ("parsed", "parsed"))))
    print(f"search keystroke: median {statistics.median(keys):.1f} ms, p95 {p95(keys):.1f} ms, "
          f"worst {max(keys):.1f} ms over {len(keys)} keystrokes (target ≤ {TARGETS['keystroke_ms']} ms)")
    ok = (gzip_kb <= TARGETS["gzip_kb"] and first <= TARGETS["first_ms"]
          and statistics.median(keys) <= TARGETS["keystroke_ms"])
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
