"""The install offer (static/js/install.js) in Chromium, with a synthetic beforeinstallprompt: not
before the agent has seen their pass, not over the first look at it, then "Installer
l'application" calls the browser's prompt; at most once a session, never again after "Plus tard";
appinstalled asks for persistent storage. iOS Safari's how-to is decided by isIosSafari()."""
from playwright.sync_api import expect
from .helpers import run_axe, sign_in


AGENT = "agent@demo.passresot66.fr"
FAKE_PROMPT = """() => {
    const event = new Event("beforeinstallprompt", {cancelable: true});
    event.prompt = () => { window.promptCalls = (window.promptCalls || 0) + 1; return Promise.resolve(); };
    event.userChoice = Promise.resolve({outcome: "accepted", platform: "web"});
    window.dispatchEvent(event);
    return event.defaultPrevented;
}"""


def open_and_prompt(phone, url):
    phone.goto(url)
    phone.locator("html[data-install-ready]").wait_for(state="attached")
    phone.evaluate("delete document.documentElement.dataset.installOffer")  # the load's own decision
    assert phone.evaluate(FAKE_PROMPT) is True  # kept for later: no browser mini-bar
    phone.locator("html[data-install-offer]").wait_for(state="attached")  # decided: shown or not
    return phone.locator("#install-offer")


def test_install_offer_after_the_pass_was_seen_once_and_not_after_plus_tard(phone, live_server):
    base = live_server.url
    sign_in(phone, base, AGENT)  # lands on the pass: start again as a device that never showed it
    phone.evaluate("localStorage.clear(); sessionStorage.clear()")
    expect(open_and_prompt(phone, base + "/partners")).to_have_count(0)  # pass never seen
    expect(open_and_prompt(phone, base + "/pass")).to_have_count(0)  # the first look is not covered

    offer = open_and_prompt(phone, base + "/visits")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Installez PassResOT66")
    offer.get_by_role("button", name="Installer l'application").click()
    expect(offer).to_have_count(0)
    assert phone.evaluate("window.promptCalls") == 1
    expect(open_and_prompt(phone, base + "/pass")).to_have_count(0)  # once a session

    phone.evaluate("sessionStorage.clear()")  # a new day, a new session
    offer = open_and_prompt(phone, base + "/pass")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Plus tard").click()
    expect(offer).to_have_count(0)
    phone.evaluate("sessionStorage.clear()")
    expect(open_and_prompt(phone, base + "/pass")).to_have_count(0)  # declined: never again
    expect(open_and_prompt(phone, base + "/partners")).to_have_count(0)

    phone.evaluate("""() => {
        navigator.storage.persisted = async () => false;
        navigator.storage.persist = async () => { window.persistCalls = (window.persistCalls || 0) + 1; return true; };
        window.dispatchEvent(new Event("appinstalled"));
    }""")
    expect(phone.locator("html")).to_have_attribute("data-storage-persisted", "true")
    assert phone.evaluate("window.persistCalls") == 1


def test_ios_safari_is_told_how_to_install(phone, live_server):
    sign_in(phone, live_server.url, AGENT)
    phone.goto(live_server.url + "/pass")
    phone.locator("html[data-install-ready]").wait_for(state="attached")
    detect = "async (ua) => (await import('/static/js/install.js')).isIosSafari(ua, 5)"
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
    assert phone.evaluate(detect, iphone) is True
    assert phone.evaluate(detect, iphone.replace("Version/17.5", "CriOS/126.0")) is False
    assert phone.evaluate(detect, "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36") is False


def test_ios_safari_how_to_shows_once(browser, live_server):
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
    context = browser.new_context(locale="fr-FR", user_agent=iphone, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, AGENT)
        page.evaluate("localStorage.clear(); sessionStorage.clear()")
        page.goto(live_server.url + "/pass")
        expect(page.locator("html[data-install-ready]")).to_have_count(1)
        expect(page.locator("#install-offer")).to_have_count(0)  # not over the first look
        page.goto(live_server.url + "/partners")
        offer = page.locator("#install-offer")
        expect(offer).to_contain_text("Sur l'écran d'accueil")
        expect(offer).to_contain_text("que dans l'application installée")
        assert [v["id"] for v in run_axe(page) if v["impact"] in ("serious", "critical")] == []
        offer.get_by_role("button", name="J'ai compris").click()
        page.evaluate("sessionStorage.clear()")
        page.goto(live_server.url + "/visits")
        expect(page.locator("html")).to_have_attribute("data-install-offer", "none")
        expect(offer).to_have_count(0)
    finally:
        context.close()
