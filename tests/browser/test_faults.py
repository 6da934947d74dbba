"""Faults, with the real app on PostgreSQL (a scratch database of its own) and a real browser:
500 scans made offline over a week, synced through answers lost after the server committed and a
server stopped in the middle of the upload: the server holds exactly those scans, once each. The
browser closed with scans waiting and reopened days later sends them. The database unavailable for
a moment: clear pages and JSON errors, the scanner keeps its scans, and everything recovers
without restarting the app."""
import os
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from .faulty_proxy import FaultyProxy
from .helpers import (AGENT, CHROMIUM, CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, SEASONAL, STAFF, api,
                      demo_passwords_hashed_fast, my_pass, open_scanner_at, sign_in)
from .live_server import LiveServer

PG_SERVER = os.environ.get("TEST_PG_SERVER", "postgresql://root@127.0.0.1:5432")
DATABASE = f"passresot_faults_{os.getpid()}"  # of its own: two runs at once must not share it


def _admin_connection():
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is needed for the fault tests: {error}")
        pytest.skip(f"PostgreSQL is not reachable: {error}")


@pytest.fixture(scope="module")
def pg_server(tmp_path_factory):
    """The app on a fresh PostgreSQL database holding the demo, behind a proxy that can lose answers."""
    with _admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    server = LiveServer(tmp_path_factory.mktemp("faults"))
    server.env["DATABASE_URL"] = f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://')}/{DATABASE}"
    server.flask("db", "upgrade")
    server.flask("load-demo")
    demo_passwords_hashed_fast(server)
    server.start()
    proxy = FaultyProxy(server.port)
    server.public_url = proxy.url
    yield server, proxy
    proxy.close()
    server.close()
    with _admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _sql(query, *params, database=DATABASE):
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(f"{PG_SERVER}/{database}", autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else None


QUEUE_SCANS = """async ({ codes, days }) => {
  // What the page does for each scan (scanner-outbox.js), spread over the last `days` days.
  const outbox = await import("/static/js/scanner-outbox.js");
  const ids = [];
  const now = Date.now();
  for (let i = 0; i < codes.length; i += 1) {
    const scan = await outbox.addScan({ qr: codes[i] });
    scan.scannedAt = new Date(now - days * 86400000 + (i * days * 86400000) / codes.length).toISOString();
    scan.offlineVerdict = { status: "refused", reason: "malformed" };
    await outbox.updateScan(scan);
    ids.push(scan.id);
  }
  return ids;
}"""


def test_500_offline_scans_survive_lost_answers_and_a_server_stopped_mid_upload(phone, pg_server):
    server, proxy = pg_server
    url = proxy.url
    sign_in(phone, url, STAFF)
    open_scanner_at(phone, url)
    before = _sql("SELECT count(*) FROM scans")[0][0]

    server.stop()
    codes = [f"PR1:NOT-A-PASS-{n}" if n % 5 else f"https://example.org/{n}" for n in range(500)]
    ids = phone.evaluate(QUEUE_SCANS, {"codes": codes, "days": 7})
    assert len(set(ids)) == 500

    proxy.lose_answers(b"POST /api/v1/scans", 1)  # the first batch: committed, its answer lost
    server.start()
    phone.reload()  # the outbox is sent on open, 100 at a time; the lost answer stops this try
    deadline = time.monotonic() + 30
    while not proxy.lost and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proxy.lost == 1
    waiting = phone.locator("[data-waiting]")
    expect(waiting).to_have_attribute("data-count", "500")
    # Try again: the first batch is a replay now; the server is stopped while it works on the third.
    stopping = proxy.on_request(b"POST /api/v1/scans", 3, server.stop)
    phone.reload()
    deadline = time.monotonic() + 30
    while stopping.ident is None and time.monotonic() < deadline:
        time.sleep(0.05)
    stopping.join(timeout=30)
    assert server.process is None
    # Two batches acknowledged and removed; the rest stays until acknowledged.
    expect(waiting).to_have_attribute("data-count", "300")
    server.start()
    phone.reload()
    expect(waiting).to_have_attribute("data-count", "0", timeout=60_000)

    rows = _sql("SELECT id, status, reason FROM scans WHERE id = ANY(%s)", ids)
    assert sorted(row[0] for row in rows) == sorted(ids)  # every scan, once
    assert _sql("SELECT count(*) FROM scans")[0][0] == before + 500
    assert Counter(row[1] for row in rows) == {"refused": 500}


def test_scans_left_in_a_closed_browser_are_sent_days_later(playwright, pg_server, tmp_path):
    server, proxy = pg_server
    url = proxy.url
    seasonal_qr = my_pass(server, SEASONAL)["qr"]

    def launch(**clock):
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile", executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 360, "height": 740})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page = context.pages[0] if context.pages else context.new_page()
        if clock:
            page.clock.install(time=clock["at"])
        return context, page

    context, page = launch()
    sign_in(page, url, STAFF)
    open_scanner_at(page, url)
    server.stop()
    page.fill("[data-code]", seasonal_qr)
    page.get_by_role("button", name="Vérifier").click()
    expect(page.locator("[data-verdict-box]")).to_have_attribute("data-verdict", "admitted")
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "1")
    scan_id = page.evaluate("""async () => (await (await import("/static/js/scanner-outbox.js"))
        .pendingScans())[0].id""")
    context.close()  # the tablet is switched off with a scan waiting

    server.start()
    three_days_later = datetime.now(timezone.utc) + timedelta(days=3)
    context, page = launch(at=three_days_later)
    page.goto(url + "/scanner")
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0", timeout=30_000)
    assert _sql("SELECT status, offline_verdict FROM scans WHERE id = %s", scan_id) == [("admitted", "admitted")]
    context.close()


def test_a_database_outage_gives_clear_errors_keeps_scans_and_recovers_without_restart(page, pg_server):
    server, proxy = pg_server
    url = proxy.url
    agent_qr = my_pass(server, AGENT)["qr"]
    token = api(server, "/api/v1/auth/token", {"email": STAFF, "password": "demo-passresot66",
                                               "device_name": "faults"})["token"]
    sign_in(page, url, STAFF)
    open_scanner_at(page, url)
    _sql(f"ALTER DATABASE {DATABASE} ALLOW_CONNECTIONS false", database="postgres")
    _sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", DATABASE,
         database="postgres")
    try:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(server.url + "/api/v1/scanner/bundle",
                                         headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(request, timeout=10)
        assert failed.value.code == 503
        body = failed.value.read().decode()
        assert '"code":"unavailable"' in body.replace(" ", "") and "Traceback" not in body

        page.fill("[data-code]", agent_qr)
        page.get_by_role("button", name="Vérifier").click()  # the server answers 503: the device decides
        expect(page.locator("[data-verdict-box]")).to_have_attribute("data-verdict", "admitted")
        expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "1")
        page.locator("[data-verdict-close]").click()

        shown = page.goto(url + "/site")
        assert shown.status == 503
        assert "momentanément indisponible" in page.content()
    finally:
        _sql(f"ALTER DATABASE {DATABASE} ALLOW_CONNECTIONS true", database="postgres")

    page.goto(url + "/scanner")  # the same app process, no restart
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    assert _sql("SELECT s.status, s.offline_verdict FROM scans s JOIN passes p ON p.id = s.pass_id "
                "JOIN users u ON u.id = p.user_id WHERE u.email = %s", AGENT) == [("admitted", "admitted")]


def test_two_scanners_admitting_one_pass_at_the_same_instant(browser, pg_server):
    server, proxy = pg_server
    url = proxy.url
    email = _sql("SELECT u.email FROM users u JOIN passes p ON p.user_id = u.id WHERE u.role = 'agent' "
                 "AND p.status = 'active' AND u.email NOT IN (%s, %s) ORDER BY u.id LIMIT 1", AGENT, SEASONAL)[0][0]
    qr = my_pass(server, email)["qr"]
    pages = []
    for _ in range(2):  # two tablets at the same entrance, one staff account
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page = context.new_page()
        sign_in(page, url, STAFF)
        page.goto(url + "/scanner")
        page.locator("[data-scanner][data-ready=true]").wait_for()
        page.fill("[data-code]", qr)
        pages.append(page)
    at = int(time.time() * 1000) + 800
    for page in pages:  # both press "Vérifier" at the same millisecond
        page.evaluate("""(at) => setTimeout(() => document.querySelector("[data-manual-form] button").click(),
                                             at - Date.now())""", at)
    verdicts = []
    for page in pages:
        box = page.locator("[data-verdict-box]")
        expect(box).to_be_visible()
        verdicts.append((box.get_attribute("data-verdict"), box.get_attribute("data-reason")))
        page.context.close()
    rows = _sql("SELECT s.status, s.reason FROM scans s JOIN passes p ON p.id = s.pass_id JOIN users u "
                "ON u.id = p.user_id WHERE u.email = %s", email)
    assert Counter(verdicts) == {("admitted", ""): 1, ("refused", "already_visited"): 1}
    assert Counter(rows) == {("admitted", None): 1, ("refused", "already_visited"): 1}
    assert _sql("SELECT count(*) FROM visits v JOIN users u ON u.id = v.user_id WHERE u.email = %s AND v.partner_id = "
                "(SELECT partner_id FROM users WHERE email = %s)", email, STAFF) == [(1,)]  # the demo has visits elsewhere
