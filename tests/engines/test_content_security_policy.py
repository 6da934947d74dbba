"""WebKit reads our Content-Security-Policy without complaint (Chromium's side: the browser tests
fail on any CSP message in the console)."""
import pytest

from .engines import missing, webkit_console


def test_webkit_understands_every_directive(live_server, x_display):
    if missing("webkitgtk"):
        pytest.skip(missing("webkitgtk"))
    console = webkit_console(live_server.url + "/login")  # every response carries the same policy
    complaints = [line for line in console.splitlines() if "CONSOLE SECURITY" in line]
    assert not complaints, complaints
