"""The two engines behind one small interface: WebKitGTK through Selenium and WebKitWebDriver (in an
Xvfb display: MiniBrowser has no headless mode), Firefox ESR through Marionette (headless, a fresh
profile, no geckodriver). Each test gets a new browser, so no service worker or cache carries over.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
FIREFOX = "/usr/bin/firefox-esr"
WAIT_S = 20  # generous: the machine is small and may be busy


class EngineTimeout(AssertionError):
    pass


class Engine:
    """What a journey needs: open, reload, run a script, type, click, wait for a condition."""

    name = ""

    def wait(self, condition: str, *args, timeout: float = WAIT_S, message: str = ""):
        """Poll `condition` (a script body that returns a value; may return a promise) until truthy."""
        deadline = time.monotonic() + timeout
        last_error = None
        while True:
            try:
                value = self.js(condition, *args)
            except Exception as error:  # a page being replaced by the next one: ask again
                value, last_error = None, error
            if value:
                return value
            if time.monotonic() > deadline:
                raise EngineTimeout(f"{self.name}: waited {timeout} s for {message or condition}"
                                    + (f" (last error: {last_error})" if last_error else ""))
            time.sleep(0.2)

    def wait_for(self, selector: str, timeout: float = WAIT_S):
        """Wait until an element matching `selector` is in the page."""
        return self.wait("return document.querySelector(arguments[0]) !== null", selector,
                         timeout=timeout, message=selector)

    def text(self, selector: str) -> str:
        self.wait_for(selector)
        raw = self.js("return document.querySelector(arguments[0]).innerText", selector)
        return re.sub(r"\s+", " ", raw).strip()

    def attribute(self, selector: str, name: str):
        self.wait_for(selector)
        return self.js("return document.querySelector(arguments[0]).getAttribute(arguments[1])", selector, name)


def own_home(folder: Path) -> dict:
    """The environment with WebKit's data, cache and settings in `folder`: nothing carries over."""
    return {**os.environ, **{name: str(folder / name.lower()) for name in
                             ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebKitGTK(Engine):
    """Selenium's WebKitGTK driver: WebKitWebDriver starts MiniBrowser in automation mode."""

    name = "webkitgtk"

    def __init__(self, log_path):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.service import Service

        options = webdriver.WebKitGTKOptions()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        self._log = open(log_path, "wb")
        service = Service(WEBKIT_DRIVER, log_output=self._log, env=own_home(log_path.parent / "webkit-home"))
        self.driver = webdriver.WebKitGTK(options=options, service=service)
        self.driver.set_script_timeout(WAIT_S)
        self.version = "WebKitGTK " + self.driver.capabilities.get("browserVersion", "?")

    def goto(self, url):
        self.driver.get(url)

    def reload(self):
        self.driver.refresh()

    @property
    def url(self):
        return self.driver.current_url

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def type(self, selector, text, clear=True):
        from selenium.webdriver.common.by import By

        self.wait_for(selector)
        element = self.driver.find_element(By.CSS_SELECTOR, selector)
        if clear:
            element.clear()
        element.send_keys(text)

    def click(self, selector):
        from selenium.webdriver.common.by import By

        self.wait_for(selector)
        self.driver.find_element(By.CSS_SELECTOR, selector).click()

    def quit(self):
        try:
            self.driver.quit()
        finally:
            self._log.close()


class FirefoxESR(Engine):
    """Mozilla's marionette_driver starts `firefox-esr --marionette` itself on a fresh profile."""

    name = "firefox-esr"

    def __init__(self, log_path):
        from marionette_driver.marionette import Marionette

        self.log_path = log_path
        self.client = Marionette(bin=FIREFOX, port=free_port(), headless=True, gecko_log=str(log_path),
                                 startup_timeout=120,
                                 prefs={"browser.shell.checkDefaultBrowser": False,
                                        "intl.accept_languages": "fr-FR, fr"})
        self.client.start_session()
        self.client.timeout.script = WAIT_S
        self.version = "Firefox " + self.client.session_capabilities.get("browserVersion", "?")

    def goto(self, url):
        self.client.navigate(url)

    def reload(self):
        # Not Marionette's refresh: it reloads bypassing the cache, which in Firefox also bypasses
        # the service worker (like Ctrl+Shift+R). A person's reload is location.reload().
        self.js("window.__beforeReload = true; setTimeout(() => location.reload(), 0)")
        self.wait("return window.__beforeReload === undefined && document.readyState === 'complete'",
                  message="the page reloaded")

    @property
    def url(self):
        return self.client.get_url()

    def js(self, script, *args):
        # sandbox=None: the page's own globals (caches, navigator.serviceWorker), not a wrapped copy.
        return self.client.execute_script(script, script_args=list(args), sandbox=None)

    def type(self, selector, text, clear=True):
        self.wait_for(selector)
        element = self.client.find_element("css selector", selector)
        if clear:
            element.clear()
        element.send_keys(text)

    def click(self, selector):
        self.wait_for(selector)
        self.client.find_element("css selector", selector).click()

    def quit(self):
        self.client.cleanup()


ENGINES = {"webkitgtk": WebKitGTK, "firefox-esr": FirefoxESR}


def missing(name: str) -> str:
    """What is missing to run `name` on this machine ('' when nothing is)."""
    needs = {"webkitgtk": [WEBKIT_DRIVER, MINIBROWSER, shutil.which("Xvfb") or "/usr/bin/Xvfb"],
             "firefox-esr": [FIREFOX]}[name]
    absent = [path for path in needs if not os.path.exists(path)]
    return f"{', '.join(absent)} missing (make test-engines installs them)" if absent else ""


class Xvfb:
    """A virtual X display for MiniBrowser, on the first free display number."""

    def __init__(self):
        self.read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=[write_fd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(self.read_fd) as pipe:
            self.display = ":" + pipe.readline().strip()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def webkit_console(url: str) -> str:
    """What WebKit writes to its console while loading `url` in MiniBrowser (not in automation mode,
    where the setting that prints the console is not applied to the driven view)."""
    with tempfile.TemporaryDirectory(prefix="webkit-home-") as home:
        done = subprocess.run([MINIBROWSER, "--enable-write-console-messages-to-stdout=true", "--exit-after-load", url],
                              capture_output=True, text=True, timeout=60, env=own_home(Path(home)))
    return done.stdout + done.stderr
