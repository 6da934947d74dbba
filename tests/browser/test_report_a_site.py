"""« Signaler un problème avec ce site » on a partner's page: the report form opens with that site
chosen, with no signal too (the page and the form come from the phone's copy, the outbox sends later)."""
from playwright.sync_api import expect

from passresot.extensions import db
from passresot.partners.models import Partner
from passresot.reports.models import Report
from .helpers import live_database, open_list_online, wait_until_kept


def test_reporting_a_site_from_its_page_with_no_signal(phone, live_server):
    open_list_online(phone, live_server)
    phone.goto(live_server.url + "/reports")  # seen once online, as any page the agent opens
    wait_until_kept(phone, live_server.url + "/reports")
    with live_database(live_server):
        partner = db.session.query(Partner).filter_by(active=True).order_by(Partner.id.desc()).first()
        partner_id, name = partner.id, partner.name

    live_server.stop()
    phone.goto(live_server.url + f"/partners/{partner_id}")
    expect(phone.locator("[data-partner-name]")).to_have_text(name)
    phone.locator("[data-report-site]").click()
    expect(phone.locator("[data-report-partner]")).to_have_value(str(partner_id))
    phone.get_by_label("Informations erronées").check()
    phone.fill("[data-report-text]", "Le numéro de téléphone ne répond plus.")
    phone.get_by_role("button", name="Envoyer le signalement").click()
    expect(phone.locator("[data-report-saved]")).to_contain_text("enregistré sur ce téléphone")
    expect(phone.locator("[data-pending-list] .report-item")).to_contain_text(name)

    live_server.start()
    with phone.expect_navigation():
        phone.evaluate("window.dispatchEvent(new Event('online'))")
    with live_database(live_server):
        report = db.session.query(Report).filter_by(text="Le numéro de téléphone ne répond plus.").one()
        assert report.partner_id == partner_id
