"""Issue 17: an invited agent reads their eductour programme (times, each site's phone and opening
information) from « Mes visites », and again with the server stopped; their hours show the
« Éductours » line of the demo's past programme (two stops ticked at the roll call: 1 h 30 + 1 h)."""
from playwright.sync_api import expect

from .helpers import sign_in, wait_until_kept


def test_the_agent_reads_their_programme_offline_and_sees_eductour_hours(phone, live_server):
    sign_in(phone, live_server.url, "agent@demo.passresot66.fr")
    phone.goto(live_server.url + "/visits")
    expect(phone.locator("[data-eductours]")).to_contain_text("2\u00a0h\u00a030")
    phone.locator("[data-eductours-link]").click()
    expect(phone.locator("h1")).to_have_text("Mes éductours")
    programme = phone.locator("[data-programme]")
    expect(programme.get_by_role("heading")).to_have_text("Éductour Conflent")
    expect(programme.locator("ol li")).to_have_count(3)
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(phone, live_server.url + "/my/eductours")

    live_server.stop()
    phone.reload()
    expect(phone.locator("[data-programme] h2")).to_have_text("Éductour Conflent")
    expect(phone.locator("[data-programme] ol li").first).to_contain_text("09:00 – 10:30")
