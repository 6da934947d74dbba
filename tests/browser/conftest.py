"""Browser tests: the real app in its own process, driven by headless Chromium through Playwright.

`live_server` runs `flask run` on a free port over a fresh SQLite database holding the demo, and
can stop and start again on the same port and database: stopping the server is the honest way to
test offline, because Playwright's `set_offline()` does not cut the service worker's own requests.
Everything under tests/browser is marked `browser` (`-m "not browser"` leaves it out).
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "demo-passresot66"
START_TIMEOUT = 30
DEFAULT_TIMEOUT_MS = 20_000  # generous: CI machines are small and may be busy


def pytest_configure(config):
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)  # assertions wait longer than Playwright's 5 s on a busy machine


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The app served by `flask run` in a child process; `.url`, `.stop()`, `.start(**extra_env)`."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("PASSRESOT_", "FLASK_")) and key != "DATABASE_URL"}
        self.env.update({
            "DATABASE_URL": "sqlite:///" + str(workdir / "browser.db"),
            "PASSRESOT_INSTANCE_PATH": str(workdir / "instance"),
            "SECRET_KEY": "browser-tests-secret",
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "PYTHONUNBUFFERED": "1",
            # Every test signs in from 127.0.0.1 and scans as the demo staff, in the same minutes.
            "SIGN_IN_RATE_LIMIT": "10000/60",
            "SCAN_ITEMS_RATE_LIMIT": "1000000/60",
            "REPORTS_RATE_LIMIT": "100000/60",
            "TYPED_IDENTITY_RATE_LIMIT": "100000/3600",
            # Tests that need the server's own verdict must get it on a busy CI machine too;
            # test_scanner_slow_network.py checks the real 1.5 s limit.
            "SCANNER_ASK_TIMEOUT_MS": "5000",
            # Scans waiting are sent every 3 s here rather than 30 s, so tests wait for the flush
            # after a restart a few seconds, not half a minute (the logic is the same).
            "SCANNER_FLUSH_EVERY_MS": "3000",
        })
        self.extra_env = {}
        self.process = None
        self.frozen = False

    def flask(self, *args: str) -> str:
        """Run a `flask` command on the same database and instance folder; returns its output."""
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, **extra_env: str) -> None:
        """Serve on the same port and database; `extra_env` (e.g. PASSRESOT_SW_SALT) for this run only."""
        if self.process is not None:
            raise RuntimeError("the live server is already running")
        self.extra_env = extra_env
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "app", "run",
                 "--port", str(self.port), "--host", "127.0.0.1"],
                cwd=ROOT, env={**self.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until(self._answers, "did not start")

    def stop(self) -> None:
        """Stop serving: the port refuses connections, as when the phone has no network."""
        if self.process is None:
            return
        if self.frozen:
            self.thaw()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self._wait_until(lambda: not self._port_open(), "still answers after stopping")

    def freeze(self) -> None:
        """The server stops answering but keeps its port: connections hang, as on a weak signal."""
        self.process.send_signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        """Answer again, starting with the requests that waited."""
        self.process.send_signal(signal.SIGCONT)
        self.frozen = False

    def restore(self) -> None:
        """Running again with the default environment (after a test stopped it or simulated a deploy)."""
        if self.frozen:
            self.thaw()
        if self.process is not None and not self.extra_env:
            return
        self.stop()
        self.start()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def _port_open(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"the live server exited ({self.process.returncode}):\n{self.log_tail()}")
        try:
            with urllib.request.urlopen(self.url + "/login", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _wait_until(self, condition, failure: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the live server {failure} within {START_TIMEOUT} s:\n{self.log_tail()}")
            time.sleep(0.1)


_servers: list[LiveServer] = []


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real app with the demo loaded (every demo account's password is DEMO_PASSWORD)."""
    server = LiveServer(tmp_path_factory.mktemp("live_server"))
    server.flask("db", "upgrade")
    server.flask("load-demo")
    server.start()
    _servers.append(server)
    yield server
    _servers.remove(server)
    server.stop()


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


def _new_page(browser, **options):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return watch_csp(context.new_page())


def watch_csp(page):
    """Record what the Content-Security-Policy blocked on this page (page.csp_violations)."""
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return page


def _closed_without_csp_violation(page):
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


def sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real /login form; fails the test if the form refuses."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert "/login" not in page.url, f"sign-in refused for {email}: {page.locator('.flash').all_inner_texts()}"
