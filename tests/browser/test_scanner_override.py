"""The verdict screen's two second chances: "Accepter quand même" when the site does not take pass
holders today (recorded as an override, online and offline), and "Annuler cette entrée" after an
admission the server recorded (the holder's slot at this site is free again; both audited)."""

from playwright.sync_api import expect

from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.visits.models import Scan, Visit
from .helpers import AGENT, SEASONAL, STAFF, expect_image_shown, live_database, my_pass, open_scanner, paste, sign_in


def test_override_outside_the_periods_then_undo(page, live_server, closed_site):
    with live_database(live_server):  # other tests of the session (an entrance tablet) override here too
        events_before = db.session.query(db.func.max(AuditEvent.id)).scalar() or 0
    agent_qr = my_pass(live_server, AGENT)["qr"]
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    sign_in(page, live_server.url, STAFF)
    open_scanner(page, live_server)

    box = paste(page, agent_qr)
    expect(box).to_have_attribute("data-reason", "outside_accepted_period")
    expect(page.locator("[data-verdict-undo]")).to_be_hidden()
    page.get_by_role("button", name="Accepter quand même").click()
    expect(box).to_have_attribute("data-verdict", "admitted")
    expect(page.locator("[data-verdict-override]")).to_be_hidden()
    expect(page.locator("[data-verdict-photo]")).to_be_visible()  # the holder's photo, from the server
    expect_image_shown(page.locator("[data-verdict-photo]"))

    page.get_by_role("button", name="Annuler cette entrée").click()
    expect(box).to_have_attribute("data-reason", "undone")
    expect(box).to_contain_text("Entrée annulée")
    page.locator("[data-verdict-close]").click()
    # The slot is free again: the same pass is refused for the period, not as already visited.
    expect(paste(page, agent_qr)).to_have_attribute("data-reason", "outside_accepted_period")
    page.locator("[data-verdict-close]").click()

    live_server.stop()
    page.reload()
    page.locator("[data-scanner]").wait_for()
    box = paste(page, seasonal_qr)
    expect(box).to_have_attribute("data-reason", "outside_accepted_period")  # decided on the device
    page.get_by_role("button", name="Accepter quand même").click()
    expect(box).to_have_attribute("data-verdict", "admitted")
    page.locator("[data-verdict-close]").click()
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "2")

    live_server.start()
    page.reload()  # the outbox is sent on open
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")

    with live_database(live_server):
        scans = Scan.query.filter_by(partner_id=closed_site).order_by(Scan.received_at, Scan.scanned_at).all()
        made = [(s.pass_.holder.email, s.status.value, s.reason, s.override, s.undone_at is not None) for s in scans]
        assert made == [
            (AGENT, "refused", "outside_accepted_period", False, False),
            (AGENT, "admitted", "outside_accepted_period", True, True),
            (AGENT, "refused", "outside_accepted_period", False, False),
            (SEASONAL, "refused", "outside_accepted_period", False, False),
            (SEASONAL, "admitted", "outside_accepted_period", True, False),
        ]
        visits = {v.holder.email for v in Visit.query.filter_by(partner_id=closed_site)}
        assert visits == {SEASONAL}  # the undone admission left no visit behind
        actions = [e.action for e in AuditEvent.query.filter(AuditEvent.action.like("scan.%"),
                                                            AuditEvent.id > events_before)
                   .filter_by(target_id=closed_site).order_by(AuditEvent.id)]
        assert actions == ["scan.override", "scan.undone", "scan.override"]
