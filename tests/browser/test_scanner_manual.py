"""The scanner's manual path on a phone: a pasted pass QR is admitted online, refused the second
time (and so is its typed pass number); with the server stopped the page still opens, admits
another valid pass, refuses a tampered one and the same pass again (from its own outbox), and
queues a typed number "à vérifier"; once the server is back the outbox empties by itself and the
server holds exactly those scans, once each."""
from collections import Counter

from playwright.sync_api import expect

from .helpers import (AGENT, FLUSH_WAIT_MS, SEASONAL, STAFF, my_pass, online_as_asked, open_scanner,
                      partner_scans, scan, sign_in, tampered)


def test_manual_scans_online_then_offline_then_flushed(phone, live_server, staff_site):
    agent_pass = my_pass(live_server, AGENT)
    agent_qr, agent_number = agent_pass["qr"], agent_pass["pass_number"]
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    before = {row[0] for row in partner_scans(live_server, staff_site)}

    sign_in(phone, live_server.url, STAFF)
    open_scanner(phone, live_server)
    expect(phone.locator("[data-bundle-age]")).to_have_attribute("data-state", "fresh")

    phone.fill("[data-code]", agent_qr)
    phone.get_by_role("button", name="Vérifier").click()
    verdict = phone.locator("[data-verdict-box]")
    expect(verdict).to_have_attribute("data-verdict", "admitted")
    expect(verdict).to_have_attribute("aria-live", "assertive")
    expect(verdict).to_contain_text("Entrée gratuite accordée")
    phone.locator("[data-verdict-close]").click()

    phone.fill("[data-code]", agent_qr)
    phone.get_by_role("button", name="Vérifier").click()
    expect(verdict).to_have_attribute("data-reason", "already_visited")
    expect(verdict).to_contain_text("Entrée déjà enregistrée ici le")
    phone.locator("[data-verdict-close]").click()
    assert scan(phone, agent_number) == ("refused", "already_visited")  # a typed number, checked online
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "0")

    live_server.stop()
    phone.reload()  # the page itself opens without the server
    phone.locator("[data-scanner]").wait_for()
    assert scan(phone, seasonal_qr) == ("admitted", "")
    assert scan(phone, tampered(seasonal_qr)) == ("refused", "invalid_signature")
    assert scan(phone, seasonal_qr) == ("refused", "already_visited")  # from the outbox itself
    assert scan(phone, agent_number) == ("pending", "to_check")  # offline, a number waits "à vérifier"
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "4")
    expect(phone.locator("[data-network]")).to_have_attribute("data-state", "offline")

    live_server.start()
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "0", timeout=FLUSH_WAIT_MS)

    made = [row for row in partner_scans(live_server, staff_site) if row[0] not in before]
    assert Counter(online_as_asked(row[1:]) for row in made) == Counter([
        (AGENT, "admitted", None, None),
        (AGENT, "refused", "already_visited", None),
        (AGENT, "refused", "already_visited", None),
        (AGENT, "refused", "already_visited", None),
        (SEASONAL, "admitted", None, "admitted"),
        (None, "refused", "invalid_signature", "refused"),
        (SEASONAL, "refused", "already_visited", "refused"),
    ])
    assert len({row[0] for row in made}) == 7
