"""Background Sync: a scan made with the server down is sent by the service worker itself once the
browser fires the "scanner-outbox" sync, with no scanner page open. DevTools' dispatchSyncEvent
fires it on demand (the browser's own retry would come minutes later)."""
import time

from playwright.sync_api import expect
from .helpers import POISON, SEASONAL, STAFF, my_pass, open_scanner, partner_scans, queue, recorded, sign_in


def scanner_with_worker_events(page, live_server):
    """The staff's /scanner under its worker, and the worker registrations DevTools reports (to
    fire a sync event at them): (cdp session, list of registrations)."""
    sign_in(page, live_server.url, STAFF)
    open_scanner(page, live_server)
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(r for r in event["registrations"] if not r["isDeleted"]))
    cdp.send("ServiceWorker.enable")
    return cdp, registrations


def test_the_worker_sends_the_outbox_on_background_sync(page, live_server, staff_site):
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    cdp, registrations = scanner_with_worker_events(page, live_server)

    live_server.stop()
    page.fill("[data-code]", seasonal_qr)
    page.get_by_role("button", name="Vérifier").click()
    expect(page.locator("[data-verdict-box]")).to_have_attribute("data-verdict", "admitted")
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "1")
    page.goto("about:blank")  # no scanner page left to flush: only the worker can send it now

    live_server.start()
    assert partner_scans(live_server, staff_site) == []
    registration = next(r for r in registrations if r["scopeURL"] == live_server.url + "/")
    cdp.send("ServiceWorker.dispatchSyncEvent", {"origin": live_server.url, "registrationId":
                                                 registration["registrationId"], "tag": "scanner-outbox",
                                                 "lastChance": False})
    deadline = time.monotonic() + 10
    while not partner_scans(live_server, staff_site) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [row[1:] for row in partner_scans(live_server, staff_site)] == [
        (SEASONAL, "admitted", None, "admitted")]

    page.goto(live_server.url + "/scanner")  # the worker removed what the server acknowledged
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    assert len(partner_scans(live_server, staff_site)) == 1  # nothing sent twice


def test_the_worker_sets_a_bad_item_aside_and_never_sends_another_sites_scans(page, live_server, staff_site):
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    cdp, registrations = scanner_with_worker_events(page, live_server)

    live_server.stop()
    ids = queue(page, [POISON, seasonal_qr])
    elsewhere = page.evaluate("""async () => {
      const outbox = await import("/static/js/scanner-outbox.js");
      return (await outbox.addScan({ qr: "PR1:AILLEURS", siteId: 999999, siteName: "Autre site" })).id;
    }""")
    page.goto("about:blank")
    live_server.start()
    registration = next(r for r in registrations if r["scopeURL"] == live_server.url + "/")
    cdp.send("ServiceWorker.dispatchSyncEvent", {"origin": live_server.url, "registrationId":
                                                 registration["registrationId"], "tag": "scanner-outbox",
                                                 "lastChance": False})
    deadline = time.monotonic() + 15
    while not recorded(live_server, ids[1:]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [row[1:3] for row in partner_scans(live_server, staff_site)] == [(SEASONAL, "admitted")]

    page.goto(live_server.url + "/help")  # not the scanner: what the worker left in the outbox
    left = page.evaluate("""async () => (await (await import("/static/js/scanner-outbox.js")).pendingScans())
      .map((s) => [s.id, s.rejected ? s.rejected.code : null])""")
    assert sorted(left) == sorted([[ids[0], "invalid_scan"], [elsewhere, None]])
    assert recorded(live_server, [ids[0], elsewhere]) == set()
