"""A server that does not answer (a weak signal, a stalled proxy) is not a stopped one: the scanner
still shows its own verdict by itself after 1.5 s, and when the server catches up with the request
that waited, the outbox sends the same scan again and the server keeps it once."""
import time

from playwright.sync_api import expect
from .helpers import SEASONAL, STAFF, my_pass, partner_scans, sign_in


def test_a_silent_server_gets_the_offline_verdict_after_the_time_limit(page, live_server, staff_site):
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    live_server.stop()
    live_server.start(SCANNER_ASK_TIMEOUT_MS="1500")  # the product's limit (restored after the test)
    sign_in(page, live_server.url, STAFF)
    page.goto(live_server.url + "/scanner")
    page.locator("[data-scanner][data-ready=true]").wait_for()
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")

    live_server.freeze()
    page.fill("[data-code]", seasonal_qr)
    started = time.monotonic()
    page.get_by_role("button", name="Vérifier").click()
    box = page.locator("[data-verdict-box]")
    expect(box).to_have_attribute("data-verdict", "admitted", timeout=5000)
    waited = time.monotonic() - started
    assert 1.4 <= waited < 3.5, f"verdict after {waited:.2f} s"  # the 1.5 s limit, then the device's verdict
    expect(page.locator("[data-network]")).to_have_attribute("data-state", "offline")
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "1")
    page.locator("[data-verdict-close]").click()

    live_server.thaw()  # the request that timed out on the phone is served now: the scan is recorded
    page.reload()  # and the outbox sends it again on open
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    scans = partner_scans(live_server, staff_site)
    # Recorded once: from the request that waited (no offline verdict in it) or, if the browser's
    # abort reached the server first, from the outbox (with the device's verdict).
    assert len(scans) == 1
    assert scans[0][1:4] == (SEASONAL, "admitted", None) and scans[0][4] in (None, "admitted")
