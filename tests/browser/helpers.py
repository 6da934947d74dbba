"""Helpers shared by the browser tests: the demo accounts, signing in, the live server's database,
the scanner's gestures. Fixtures are in conftest.py."""
import functools
import json
import os
import time
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from passresot import create_app
from passresot.extensions import db
from passresot.passes.base45 import b45decode, b45encode
from passresot.timeutil import utcnow
from passresot.accounts.models import ApiToken, SignInKind, User
from passresot.visits.models import Scan, Visit
from tests.helpers import FAST_HASH_METHOD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "demo-passresot66"
#: The browser lane signs in ~130 times, and scrypt (the app's hash) costs 0.1 s of processor each:
#: its accounts get 1,000 rounds of PBKDF2 instead. Signing in checks whichever method a hash names;
#: the app's own hashing is tested in tests/accounts.
FAST_DEMO_HASH = generate_password_hash(DEMO_PASSWORD, method=FAST_HASH_METHOD)
DEFAULT_TIMEOUT_MS = 20_000  # generous: CI machines are small and may be busy

STAFF = "partenaire@demo.passresot66.fr"
AGENT = "agent@demo.passresot66.fr"
SEASONAL = "saisonnier@demo.passresot66.fr"
OFFLINE_READY = "Disponible hors connexion"  # what a page says once its files are all on the device
FLUSH_WAIT_MS = 20_000  # the outbox retries every 3 s here (SCANNER_FLUSH_EVERY_MS) while scans wait
FORCED_DARK_ARGS = ["--blink-settings=forceDarkModeEnabled=true"]
#: A pass code with a NUL character, as the zxing polyfill returns it.
POISON = "PR1:\x00" + "6BFOXN*TS0BI$ZD4" * 4
AXE = "/static/vendor/axe-core/axe.min.js"


def wait_until(page, predicate: str, arg=None, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Waits until `predicate` (JavaScript, which may return a promise) gives a truthy value.

    Playwright's wait_for_function takes a returned promise for a truthy value at once, so an
    asynchronous check (the caches, IndexedDB, the worker's registration) never waited: a test went
    on before the worker had kept the page, and failed on a busy machine. This evaluates again
    until the promise resolves to something truthy."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(predicate, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms} ms: {predicate} ({arg!r})")
        page.wait_for_timeout(100)


def expect_image_shown(image, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Waits until the <img> has loaded a picture (fails on a broken image or a timeout): visible is
    not enough, the picture may still be on its way on a busy machine."""
    image.page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle(),
                                 timeout=timeout_ms)


def watch_network(page):
    """Keep the page's requests in flight, for wait_for_quiet_network; call it before navigating."""
    if not hasattr(page, "requests_in_flight"):
        page.requests_in_flight, page.network_quiet_since = set(), time.monotonic()

        def ended(request):
            page.requests_in_flight.discard(request)
            if not page.requests_in_flight:
                page.network_quiet_since = time.monotonic()

        page.on("request", lambda request: page.requests_in_flight.add(request))
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
    return page


def wait_for_quiet_network(page, quiet_ms: int = 150, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Playwright's "networkidle" (loaded, then no request for 500 ms) with a shorter quiet time:
    what a page fetches after loading starts within a few milliseconds here, and the 500 ms were
    half the time of each page the axe tests check. The page must be watched (watch_network)."""
    page.wait_for_load_state("load")
    deadline = time.monotonic() + timeout_ms / 1000
    while page.requests_in_flight or (time.monotonic() - page.network_quiet_since) * 1000 < quiet_ms:
        if time.monotonic() > deadline:
            raise AssertionError(f"requests still in flight after {timeout_ms} ms: "
                                 f"{[request.url for request in page.requests_in_flight]}")
        page.wait_for_timeout(25)


def wait_until_kept(page, *urls: str) -> None:
    """Waits until the service worker's caches hold every URL (a page, a photo)."""
    wait_until(page, """async (urls) => {
        for (const url of urls) if (!(await caches.match(url))) return false;
        return true;
    }""", list(urls))


def sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real /login form; fails the test if the form refuses."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert "/login" not in page.url, f"sign-in refused for {email}: {page.locator('.flash').all_inner_texts()}"


def watch_csp(page):
    """Record what the Content-Security-Policy blocked on this page (page.csp_violations)."""
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return page


@contextmanager
def live_database(live_server):
    """An app context on the live server's own database, to add and remove rows around a test."""
    app = _app_on(live_server.env["DATABASE_URL"], live_server.env["PASSRESOT_INSTANCE_PATH"])
    with app.app_context():
        yield
        db.session.remove()
        db.engine.dispose()  # no connection left open while the server's database is changed or dropped


@functools.cache
def _app_on(database_url: str, instance_path: str):
    """One app per live server database, for every live_database of the run: building the app (its
    blueprints, their URL rules) cost 30 s of processor per browser lane when each use built its own."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": instance_path, "SECRET_KEY": "x"})


def browser_sessions_ended(live_server, email: str) -> None:
    """`email`'s browser sign-ins reach the end of their lifetime now, on the server (the 30 days
    are up): the browser still holds its cookie, which opens nothing any more. Clearing the cookie
    instead raced with any answer still in flight, whose Set-Cookie brought the session back."""
    with live_database(live_server):
        user = User.query.filter_by(email=email).one()
        ended = ApiToken.query.filter(ApiToken.user_id == user.id, ApiToken.kind == SignInKind.browser,
                                      ApiToken.revoked_at.is_(None)).update(
            {ApiToken.expires_at: utcnow() - timedelta(seconds=1)}, synchronize_session=False)
        db.session.commit()
    assert ended, f"{email} had no browser sign-in to end"


def demo_passwords_hashed_fast(live_server) -> None:
    """The demo accounts (one password, hashed once by load-demo) get FAST_DEMO_HASH instead."""
    with live_database(live_server):
        demo_hash = User.query.filter_by(email=STAFF).one().password_hash
        changed = User.query.filter_by(password_hash=demo_hash).update({User.password_hash: FAST_DEMO_HASH})
        assert changed >= 5, changed
        db.session.commit()


def api(live_server, path, body=None, token=None):
    request = urllib.request.Request(live_server.url + path, method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", "Accept": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def my_pass(live_server, email):
    """The holder's pass as their phone gets it (bearer token, /me/pass): `qr` is the exact QR text."""
    token = api(live_server, "/api/v1/auth/token",
                {"email": email, "password": DEMO_PASSWORD, "device_name": "browser test"})["token"]
    return api(live_server, "/api/v1/me/pass", token=token)


def tampered(qr):
    """The same token with one byte of its signed part changed: the signature no longer holds."""
    raw = bytearray(b45decode(qr[4:]))
    raw[8] ^= 0x01  # inside the pass id
    return qr[:4] + b45encode(bytes(raw))


def partner_scans(live_server, partner_id):
    with live_database(live_server):
        return [(s.id, s.pass_.holder.email if s.pass_id else None, s.status.value, s.reason,
                 s.offline_verdict.value if s.offline_verdict else None)
                for s in Scan.query.filter_by(partner_id=partner_id).order_by(Scan.received_at)]


def online_as_asked(row):
    """(holder, status, reason, offline verdict) of a scan made while the server was up. On a loaded
    machine the server may miss the 1.5 s limit: the device then decides the same verdict itself and
    sends it with the scan. Either way the server must record the same outcome."""
    holder, status, reason, offline = row
    if holder == AGENT and offline == status:
        return holder, status, reason, None
    return row


def paste(page, text):
    page.fill("[data-code]", text)
    page.get_by_role("button", name="Vérifier").click()
    box = page.locator("[data-verdict-box]")
    expect(box).to_be_visible()
    return box


def scan(phone, text):
    """Paste `text`, read the verdict box's (verdict, reason), close it."""
    verdict = paste(phone, text)
    result = verdict.get_attribute("data-verdict"), verdict.get_attribute("data-reason")
    phone.locator("[data-verdict-close]").click()
    expect(verdict).to_be_hidden()
    return result


def wait_until_ready_offline(page, scope: str, timeout_ms: int = 60_000) -> None:
    """Waits until the device holds everything the page needs offline (for the scanner: its page,
    its files with the QR decoder, the bundle), by the check behind the page's own line « Disponible
    hors connexion » (offline-ready.js, already loaded by the page), asked every 100 ms rather than at
    the line's growing intervals. The scanner's own files are stored only once it asks: before that a
    reload without network finds no scanner.js (seen on CI: the page stayed inert)."""
    wait_until(page, """async (scope) => {
        const { checkReadiness } = await import("/static/js/offline-ready.js");
        return (await checkReadiness(scope)).ready;
    }""", scope, timeout_ms)


def open_scanner(page, live_server):
    open_scanner_at(page, live_server.url)


def open_scanner_at(page, url: str) -> None:
    """Open the scanner online at `url` (the server, or a proxy in front of it) and wait until it can
    work offline, as the staff are told to."""
    page.goto(url + "/scanner")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.locator("[data-scanner][data-ready=true]").wait_for()
    wait_until_scanner_works_offline(page, url)


def wait_until_scanner_works_offline(page, url: str) -> None:
    """The scanner page at `url` is kept, with everything it needs offline."""
    wait_until_kept(page, url + "/scanner")
    wait_until_ready_offline(page, "scanner")


def open_list_online(phone, live_server):
    """Sign in, open /partners, and wait until the list is synced and the worker keeps the page."""
    sign_in(phone, live_server.url, AGENT)
    phone.goto(live_server.url + "/partners")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.locator("[data-sync][data-state=fresh]").wait_for()
    wait_until_kept(phone, live_server.url + "/partners")


def shot(page, name):
    """Screenshots of the new states for people to look at (SCANNER_SCREENSHOTS=folder)."""
    folder = os.environ.get("SCANNER_SCREENSHOTS")
    if not folder:
        return
    size = page.viewport_size
    for width, height in ((360, 740), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=os.path.join(folder, f"{name}-{width}x{height}.png"))
    page.set_viewport_size(size)


def run_axe(page):
    """axe's violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE)
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5)}));
    }""")


def start_camera(page):
    page.get_by_role("button", name="Scanner avec la caméra").click()
    expect(page.locator("[data-scanner]")).to_have_attribute("data-camera", "on")


def verdict_of(page):
    box = page.locator("[data-verdict-box]")
    expect(box).to_be_visible()
    return box.get_attribute("data-verdict"), box.get_attribute("data-reason")


@contextmanager
def scans_removed_after(live_server):
    """The demo staff's site (its id); the scans and visits made there meanwhile are removed at the end."""
    with live_database(live_server):
        partner_id = User.query.filter_by(email=STAFF).one().partner_id
        before = {s.id for s in Scan.query.filter_by(partner_id=partner_id)}
        visits_before = {v.id for v in Visit.query.filter_by(partner_id=partner_id)}
    yield partner_id
    with live_database(live_server):
        for scan in Scan.query.filter_by(partner_id=partner_id):
            if scan.id not in before:
                db.session.delete(scan)
        db.session.flush()
        for visit in Visit.query.filter_by(partner_id=partner_id):
            if visit.id not in visits_before:
                db.session.delete(visit)
        db.session.commit()


def queue(page, codes):
    """Put scans in the outbox as the page itself does (same module), oldest first; their ids."""
    return page.evaluate("""async (codes) => {
      const outbox = await import("/static/js/scanner-outbox.js");
      const { storedBundle } = await import("/static/js/scanner-bundle.js");
      const site = (await storedBundle()).site;
      const start = Date.now() - 60_000;
      const ids = [];
      for (const [index, qr] of codes.entries()) {
        const scan = await outbox.addScan({ qr, siteId: site.id, siteName: site.name,
                                            scannedAt: new Date(start + index).toISOString() });
        ids.push(scan.id);
      }
      return ids;
    }""", codes)


def recorded(live_server, ids):
    with live_database(live_server):
        return {s.id for s in Scan.query.filter(Scan.id.in_(ids))}
