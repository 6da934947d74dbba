"""A form sent after the session ended (signed out in another tab) says so, leads back through the
sign-in page to the same form, and puts back what was typed (never a password)."""
from playwright.sync_api import expect

from passresot.extensions import db
from passresot.partners.models import Partner
from .helpers import DEMO_PASSWORD, live_database, sign_in


NETWORK = "reseau@demo.passresot66.fr"
HOURS = "Tous les jours de 10 h à 18 h\nFermé le 25 décembre"


def test_a_form_sent_after_signing_out_elsewhere_comes_back_filled(page, live_server):
    with live_database(live_server):
        partner_id = db.session.query(Partner.id).order_by(Partner.id).first()[0]
    sign_in(page, live_server.url, NETWORK)
    url = f"{live_server.url}/admin/partners/{partner_id}"
    page.goto(url)
    page.fill("input[name=phone]", "04 68 55 66 77")
    page.fill("textarea[name=opening_info]", HOURS)
    page.get_by_label("Réservation").select_option("required")

    other = page.context.new_page()  # the same browser, another tab: signed out there
    other.goto(live_server.url + "/admin/partners")
    other.locator(".usermenu summary").click()
    other.get_by_role("button", name="Se déconnecter").click()
    other.close()

    page.locator("form", has=page.locator("input[name=phone]")).get_by_role("button", name="Enregistrer").click()
    expect(page.locator("[data-form-expired]")).to_contain_text("votre session a pris fin")
    page.locator("[data-sign-in-again]").click()
    page.fill("input[name=email]", NETWORK)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()

    assert page.url == url
    expect(page.locator("[data-form-restored]")).to_be_visible()
    expect(page.locator("input[name=phone]")).to_have_value("04 68 55 66 77")
    expect(page.locator("textarea[name=opening_info]")).to_have_value(HOURS)
    expect(page.get_by_label("Réservation")).to_have_value("required")
    page.locator("form", has=page.locator("input[name=phone]")).get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flash-success")).to_be_visible()
    with live_database(live_server):
        saved = db.session.get(Partner, partner_id)
        assert (saved.phone, saved.opening_info) == ("04 68 55 66 77", HOURS)

    page.goto(url)  # shown once, not on every later visit
    expect(page.locator("[data-form-restored]")).to_have_count(0)
