"""Clock and data age. A device whose clock is 10 minutes behind the server's: the scanner warns at
sync and decides (and dates its scans) with the server's time. The network's setting
SCANNER_VERIFY_AFTER_DAYS: past that many days without sync the device's verdicts are "à vérifier"
with "Accepter" / "Refuser"."""
from datetime import timedelta

from playwright.sync_api import expect

from passresot.timeutil import utcnow
from passresot.visits.models import Scan
from .helpers import AGENT, SEASONAL, STAFF, live_database, my_pass, open_scanner, paste, shot, sign_in


# The page's clock, shifted by localStorage["test-clock-shift"] milliseconds (read at each load).
SHIFTED_DATE = """(() => {
  const shift = Number(localStorage.getItem("test-clock-shift") || 0);
  if (!shift) return;
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) { if (args.length) super(...args); else super(RealDate.now() + shift); }
    static now() { return RealDate.now() + shift; }
  }
  globalThis.Date = ShiftedDate;
})();"""


def shift_clock(page, milliseconds):
    page.evaluate("(ms) => localStorage.setItem('test-clock-shift', String(ms))", milliseconds)
    page.reload()
    page.locator("[data-scanner]").wait_for()


def test_a_clock_ten_minutes_behind_is_warned_and_corrected(page, live_server, staff_site):
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    page.context.add_init_script(SHIFTED_DATE)
    sign_in(page, live_server.url, STAFF)
    open_scanner(page, live_server)
    clock = page.locator("[data-clock]")
    expect(clock).to_be_hidden()

    shift_clock(page, -10 * 60 * 1000)
    page.locator("[data-scanner][data-ready=true]").wait_for()
    expect(clock).to_be_visible()
    expect(clock).to_contain_text("10 min d'écart avec le serveur")
    shot(page, "scanner-clock-off")

    live_server.stop()  # decided on the device, with the server's time
    page.reload()
    page.locator("[data-scanner]").wait_for()
    expect(clock).to_be_visible()  # measured at the last sync, kept
    expect(paste(page, seasonal_qr)).to_have_attribute("data-verdict", "admitted")
    page.locator("[data-verdict-close]").click()
    live_server.start()
    page.reload()
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    with live_database(live_server):
        scan = Scan.query.filter_by(partner_id=staff_site).one()
        # Dated by the corrected clock: within a minute or two of now, not ten minutes earlier.
        assert abs(scan.scanned_at - utcnow()) < timedelta(minutes=3), (scan.scanned_at, utcnow())
        assert scan.offline_verdict.value == "admitted"


def test_past_the_networks_limit_without_sync_verdicts_are_to_be_checked(page, live_server, staff_site):
    agent_qr = my_pass(live_server, AGENT)["qr"]
    live_server.stop()
    live_server.start(SCANNER_VERIFY_AFTER_DAYS="2")
    page.context.add_init_script(SHIFTED_DATE)
    sign_in(page, live_server.url, STAFF)
    open_scanner(page, live_server)

    live_server.stop()
    shift_clock(page, 3 * 24 * 3600 * 1000)  # three days later, still no network
    expect(page.locator("[data-bundle-age]")).to_have_attribute("data-state", "stale")
    box = paste(page, agent_qr)
    expect(box).to_have_attribute("data-verdict", "pending")
    expect(box).to_have_attribute("data-reason", "stale_data")
    expect(box).to_contain_text("trop anciennes")
    expect(box).to_contain_text("plus de 24 h")  # said on every verdict past the bundle's maximum age
    shot(page, "scanner-data-too-old")
    page.get_by_role("button", name="Accepter", exact=True).click()
    expect(box).to_have_attribute("data-verdict", "admitted")
    page.locator("[data-verdict-close]").click()
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "1")
