"""Browser tests: the real app in its own process, driven by headless Chromium through Playwright.

`live_server` serves the app as `flask run` does, in a process of its own (live_server.py), on a
free port over a fresh SQLite database holding the demo, and can stop and start again on the same
port and database: stopping the server ends its process, the honest way to test offline, because
Playwright's `set_offline()` does not cut the service worker's own requests.
Everything under tests/browser is marked `browser` (`-m "not browser"` leaves it out).
"""
import os
from datetime import date
from pathlib import Path

import pytest

from passresot.extensions import db
from passresot.partners.models import Partner, PartnerPeriod

from .helpers import (CHROMIUM, CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, demo_passwords_hashed_fast, live_database,
                      scans_removed_after, watch_csp)
from .live_server import LiveServer

HERE = Path(__file__).resolve().parent


def pytest_configure(config):
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)  # assertions wait longer than Playwright's 5 s on a busy machine


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


_servers: list[LiveServer] = []


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real app with the demo loaded (every demo account's password is DEMO_PASSWORD)."""
    server = LiveServer(tmp_path_factory.mktemp("live_server"))
    server.flask("db", "upgrade")
    server.flask("load-demo")
    demo_passwords_hashed_fast(server)
    server.start()
    _servers.append(server)
    yield server
    _servers.remove(server)
    server.close()


@pytest.fixture(autouse=True)
def _live_server_restored():
    """After each test, the next one finds the server running normally, whatever this one did."""
    yield
    for server in _servers:
        server.restore()


@pytest.fixture(scope="session")
def playwright():
    """Playwright itself, once per run (a second sync_playwright() in the same thread is refused)."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright):
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()


_pages: list = []  # the test's own pages, whose console a failure's report shows


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report also shows what its pages logged (errors, warnings, uncaught
    exceptions) and the end of the live server's log: on CI that is all there is to go on."""
    report = (yield).get_result()
    if report.when != "call" or not report.failed:
        return
    for page in _pages:
        if page.console_lines:
            report.sections.append((f"browser console of {page.url}", "\n".join(page.console_lines[-40:])))
    for server in _servers:
        report.sections.append(("live server log", server.log_tail(40)))


def _new_page(browser, **options):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = watch_csp(context.new_page())
    page.console_lines = []
    page.on("console", lambda message: page.console_lines.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: page.console_lines.append(f"uncaught: {error}"))
    _pages.append(page)
    return page


def _closed_without_csp_violation(page):
    _pages.remove(page)
    violations = page.csp_violations
    page.context.close()
    assert not violations, f"blocked by the Content-Security-Policy: {violations}"


@pytest.fixture
def page(browser):
    """A desktop page (1280×800) in a fresh context: no cookies, no service worker."""
    page = _new_page(browser, viewport={"width": 1280, "height": 800})
    yield page
    _closed_without_csp_violation(page)


@pytest.fixture
def phone(browser):
    """A phone page (360×740, touch, 2× pixels) in a fresh context."""
    page = _new_page(browser, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                     device_scale_factor=2)
    yield page
    _closed_without_csp_violation(page)


@pytest.fixture
def staff_site(live_server):
    """The demo staff's site; the scans and visits the test made there are removed afterwards."""
    with scans_removed_after(live_server) as partner_id:
        yield partner_id


@pytest.fixture
def closed_site(live_server, staff_site):
    """The staff's site, taking pass holders only in January 2020, for this test only."""
    with live_database(live_server):
        partner = db.session.get(Partner, staff_site)
        assert partner.accepts_all_year and not partner.periods  # the demo site takes holders all year
        partner.accepts_all_year = False
        partner.periods.append(PartnerPeriod(starts_on=date(2020, 1, 1), ends_on=date(2020, 1, 31)))
        db.session.commit()
    yield staff_site
    with live_database(live_server):
        partner = db.session.get(Partner, staff_site)
        partner.accepts_all_year = True
        partner.periods.clear()
        db.session.commit()
