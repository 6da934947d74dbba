"""The main offline journeys in the engines our users hold besides Chromium: WebKitGTK (Safari's
engine) and Firefox ESR. Run by `make test-engines`, never by `make test` (slow; CI leaves it out).

The app is served by the browser tests' `LiveServer` (as `flask run` serves it, on a free port, a
fresh SQLite database holding the demo): `.stop()` is the honest way to be offline, as in
tests/browser.
"""
import os

import pytest

from tests.browser.helpers import scans_removed_after
from tests.browser.live_server import LiveServer

from .engines import ENGINES, Xvfb, missing


_versions: dict[str, str] = {}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("engines_server"))
    server.flask("db", "upgrade")
    server.flask("load-demo")
    server.start()
    yield server
    server.close()


@pytest.fixture
def staff_site(live_server):
    """The demo staff's site; the scans and visits the test made there are removed afterwards."""
    with scans_removed_after(live_server) as partner_id:
        yield partner_id


@pytest.fixture(autouse=True)
def _server_running_after_each_test(request):
    yield
    if "live_server" in request.fixturenames:
        request.getfixturevalue("live_server").restore()


@pytest.fixture(scope="session")
def x_display():
    """MiniBrowser (WebKitGTK) has no headless mode: it draws in a virtual X display."""
    display = Xvfb()
    previous = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display.display
    yield display.display
    display.stop()
    if previous is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = previous


@pytest.fixture(params=sorted(ENGINES))
def engine(request, tmp_path):
    """A fresh browser of each engine (no cookies, no service worker, no cache)."""
    name = request.param
    if missing(name):
        pytest.skip(missing(name))
    if name == "webkitgtk":
        request.getfixturevalue("x_display")
    browser = ENGINES[name](tmp_path / f"{name}.log")
    _versions[name] = browser.version
    yield browser
    browser.quit()


def pytest_terminal_summary(terminalreporter):
    if _versions:
        terminalreporter.write_sep("=", "engines: " + ", ".join(_versions[name] for name in sorted(_versions)))
