"""The help page opens with the server stopped, once seen online: partner staff at an entrance
with no signal can still read what a refusal means; reached from the user menu."""
from playwright.sync_api import expect
from .helpers import sign_in, wait_until_kept


def test_help_from_the_menu_then_offline(phone, live_server):
    sign_in(phone, live_server.url, "partenaire@demo.passresot66.fr")
    phone.locator(".usermenu summary").click()
    phone.locator(".usermenu").get_by_role("link", name="Aide").click()
    expect(phone.locator("h1")).to_have_text("Aide")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(phone, live_server.url + "/help")

    live_server.stop()
    phone.reload()
    expect(phone.get_by_role("heading", name="Les raisons d'un refus")).to_be_visible()
    expect(phone.locator("#reason-already_visited")).to_have_text("Ce pass a déjà servi sur ce site cette année.")
    assert phone.evaluate("getComputedStyle(document.querySelector('.help-reasons dt')).fontWeight") == "700"
