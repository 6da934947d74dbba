"""After sending a report online the page reloads to list it: the confirmation must still be there
(otherwise the form looks untouched and people send the same report twice)."""
from playwright.sync_api import expect
from .helpers import sign_in


AGENT = "agent@demo.passresot66.fr"


def test_a_report_sent_online_says_so_after_the_page_reloads(phone, live_server):
    sign_in(phone, live_server.url, AGENT)
    phone.goto(live_server.url + "/reports")
    site = phone.locator("[data-report-partner] option").nth(2)
    phone.select_option("[data-report-partner]", site.get_attribute("value"))
    phone.get_by_label("Site fermé").check()
    phone.fill("[data-report-text]", "Porte close à 14 h un jour d'ouverture.")
    with phone.expect_navigation():  # sent, then reloaded to list it among "Mes signalements"
        phone.get_by_role("button", name="Envoyer le signalement").click()
    saved = phone.locator("[data-report-saved]")
    expect(saved).to_have_text("Signalement envoyé au réseau RESOT66.")
    expect(saved).to_be_in_viewport()
    expect(phone.locator("[data-report-text]")).to_have_value("")
    phone.reload()  # shown once, not on every later visit
    expect(phone.locator("[data-reports] .report-item").first).to_contain_text("Porte close")
    expect(saved).to_be_hidden()
