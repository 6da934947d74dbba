"""R8 on a phone with no signal: a report written with the server stopped waits in the outbox, reaches
the network admin once the server is back, and the agent sees the admin's answer. Text stays text."""
import re

from playwright.sync_api import expect
from .helpers import sign_in, wait_until_kept


AGENT = "agent@demo.passresot66.fr"
NETWORK = "reseau@demo.passresot66.fr"
TEXT = 'Entrée refusée à 10 h <img src=x onerror="window.__pwned = 1"> malgré le pass.'


def test_a_report_written_offline_reaches_the_admin_and_the_answer_comes_back(phone, page, live_server):
    sign_in(phone, live_server.url, AGENT)
    phone.goto(live_server.url + "/reports")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(phone, live_server.url + "/reports")

    live_server.stop()
    phone.reload()
    phone.locator("[data-freshness][data-state=offline]").wait_for()
    site = phone.locator("[data-report-partner] option").nth(3)
    site_name = site.inner_text().split(" — ")[0]
    phone.select_option("[data-report-partner]", site.get_attribute("value"))
    phone.get_by_label("Entrée refusée").check()
    phone.fill("[data-report-text]", TEXT)
    phone.get_by_role("button", name="Envoyer le signalement").click()
    expect(phone.locator("[data-report-saved]")).to_contain_text("enregistré sur ce téléphone")
    waiting = phone.locator("[data-pending-list] .report-item")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(TEXT)  # shown as text, not markup
    expect(waiting).to_contain_text("En attente d'envoi")

    # Still offline after a reload: the report is on the phone, not lost.
    phone.reload()
    expect(phone.locator("[data-pending-list] .report-item")).to_have_count(1)

    live_server.start()
    with phone.expect_navigation():  # sent, then the page reloads to list it among "Mes signalements"
        phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("[data-pending]")).to_be_hidden()
    mine = phone.locator("[data-reports] .report-item").first
    expect(mine).to_contain_text(site_name)
    expect(mine).to_contain_text("Nouveau")

    sign_in(page, live_server.url, NETWORK)
    page.goto(live_server.url + "/admin/reports")
    row = page.locator("tr[data-report]", has_text=site_name).first
    expect(row).to_contain_text("Entrée refusée")
    row.get_by_role("link", name="Ouvrir").click()
    expect(page.locator("[data-report-text]")).to_have_text(TEXT)
    page.get_by_label("Résolu").check()
    page.fill("textarea[name=answer]", "Le site a rappelé son personnel à l'ordre. Merci !")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flash-success")).to_contain_text("Signalement mis à jour")

    phone.reload()
    mine = phone.locator("[data-reports] .report-item").first
    expect(mine.locator("[data-answer]")).to_contain_text("rappelé son personnel")
    expect(mine).to_contain_text("Résolu")
    assert phone.evaluate("window.__pwned") is None and page.evaluate("window.__pwned") is None
    assert re.search(r"/reports$", phone.url)


def test_the_visits_page_seen_once_opens_with_the_server_stopped(phone, live_server):
    sign_in(phone, live_server.url, AGENT)
    phone.goto(live_server.url + "/visits")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(phone, live_server.url + "/visits")
    online_total = phone.locator("[data-hours-total]").inner_text()
    sites = phone.locator("[data-todo-list] .visit-item").count()

    live_server.stop()
    phone.reload()
    phone.locator("[data-freshness][data-state=offline]").wait_for()
    expect(phone.locator("[data-freshness]")).to_contain_text("Hors connexion · données du")
    assert phone.locator("[data-hours-total]").inner_text() == online_total
    assert phone.locator("[data-todo-list] .visit-item").count() == sites > 0
