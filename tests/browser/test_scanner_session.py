"""Signed out is not offline: a scanner whose session ended says "Session terminée — reconnectez-vous"
with the scans waiting, keeps them, and sends them once the same site's account signs in again. An
account of another site signing in on the same device never sends them: they stay apart, shown as
waiting for their own site, while that account's own scans flow."""
import pytest
from playwright.sync_api import expect

from passresot.accounts.models import Role, User
from passresot.extensions import db
from passresot.partners.models import Partner
from passresot.visits.models import Scan, Visit
from .helpers import (AGENT, DEMO_PASSWORD, FAST_DEMO_HASH, SEASONAL, STAFF, browser_sessions_ended, live_database,
                      my_pass, partner_scans, shot, sign_in)


OTHER_STAFF = "accueil@autre-site.example"


@pytest.fixture
def other_site(live_server, staff_site):
    """Another partner site open all year, with a staff account of its own (removed afterwards)."""
    with live_database(live_server):
        partner = Partner.query.filter(Partner.id != staff_site, Partner.accepts_all_year.is_(True)).first()
        staff = User(role=Role.partner_staff, email=OTHER_STAFF, first_name="Jordi", last_name="Sala",
                     partner_id=partner.id, password_hash=FAST_DEMO_HASH)
        db.session.add(staff)
        db.session.commit()
        ids = partner.id, partner.name, staff.id
    yield ids
    with live_database(live_server):
        for scan in Scan.query.filter_by(partner_id=ids[0]):
            db.session.delete(scan)
        db.session.flush()
        Visit.query.filter_by(partner_id=ids[0]).delete()
        User.query.filter_by(id=ids[2]).delete()
        db.session.commit()


def open_scanner(page, live_server):
    page.goto(live_server.url + "/scanner")
    page.locator("[data-scanner][data-ready=true]").wait_for()


def scan(page, text, verdict):
    page.fill("[data-code]", text)
    page.get_by_role("button", name="Vérifier").click()
    box = page.locator("[data-verdict-box]")
    expect(box).to_have_attribute("data-verdict", verdict)
    page.locator("[data-verdict-close]").click()
    expect(box).to_be_hidden()


def all_scan_ids(live_server):
    with live_database(live_server):
        return {s.id for s in Scan.query.all()}


def test_a_session_that_ended_keeps_the_scans_until_the_same_site_signs_in(page, live_server, staff_site):
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    sign_in(page, live_server.url, STAFF)
    open_scanner(page, live_server)
    expect(page.locator("[data-session]")).to_be_hidden()

    browser_sessions_ended(live_server, STAFF)  # the session ends (its 30 days are up)
    scan(page, seasonal_qr, "admitted")  # decided on the device
    network = page.locator("[data-network]")
    expect(network).to_have_attribute("data-state", "signed-out")
    session = page.locator("[data-session]")
    expect(session).to_be_visible()
    expect(session).to_contain_text("Session terminée — reconnectez-vous")
    expect(session).to_contain_text("(1 passage en attente sur cet appareil)")
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "1")
    expect(network).not_to_have_text("Hors ligne")
    shot(page, "scanner-session-ended")
    assert partner_scans(live_server, staff_site) == []

    with page.expect_navigation():
        session.get_by_role("link", name="Se reconnecter").click()
    assert "/login" in page.url
    page.fill("input[name=email]", STAFF)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server.url + "/scanner")  # (the sign-in may land elsewhere first)
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    expect(page.locator("[data-session]")).to_be_hidden()
    assert [row[1:] for row in partner_scans(live_server, staff_site)] == [(SEASONAL, "admitted", None, "admitted")]


def test_another_sites_account_never_sends_the_first_sites_scans(page, live_server, staff_site, other_site):
    other_id, other_name, _ = other_site
    agent_qr = my_pass(live_server, AGENT)["qr"]
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    with live_database(live_server):
        first_name = db.session.get(Partner, staff_site).name
    sign_in(page, live_server.url, STAFF)
    open_scanner(page, live_server)
    browser_sessions_ended(live_server, STAFF)
    scan(page, agent_qr, "admitted")  # for the first site, kept on the device
    expect(page.locator("[data-session]")).to_contain_text("(1 passage en attente")
    before = all_scan_ids(live_server)

    sign_in(page, live_server.url, OTHER_STAFF)
    open_scanner(page, live_server)
    expect(page.locator("h1")).to_contain_text(other_name)
    others = page.locator("[data-other-sites]")
    expect(others).to_be_visible()
    expect(others).to_contain_text(f"1 passage en attente pour « {first_name} »")
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")  # none for this site
    shot(page, "scanner-other-site-waiting")
    # This site's own scans flow meanwhile (the server's verdict: it was asked first).
    scan(page, seasonal_qr, "admitted")
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    assert [row[1:3] for row in partner_scans(live_server, other_id)] == [(SEASONAL, "admitted")]
    page.reload()  # one more flush of the outbox under this account
    page.locator("[data-scanner][data-ready=true]").wait_for()
    expect(others).to_contain_text(f"1 passage en attente pour « {first_name} »")
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    new = all_scan_ids(live_server) - before
    assert len(new) == 1  # only the other site's own scan: the first site's scan was never sent
    assert partner_scans(live_server, staff_site) == []

    page.locator(".usermenu summary").click()  # the other site's staff sign out, as on a shared tablet
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    sign_in(page, live_server.url, STAFF)  # the first site's account is back: its scan goes
    open_scanner(page, live_server)
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    expect(others).to_be_hidden()
    assert [row[1:] for row in partner_scans(live_server, staff_site)] == [(AGENT, "admitted", None, "admitted")]
