"""The three journeys that must work with no network, in each engine: the agent's pass, the partner
search, and the scanner's typed pass number with its outbox sent once the server is back."""
from collections import Counter

from passresot.partners.directory import sort_key

from .engines import EngineTimeout
from tests.browser.helpers import AGENT, DEMO_PASSWORD, SEASONAL, STAFF, my_pass, partner_scans

FLUSH_WAIT_S = 75  # the scanner's outbox retries every 30 s while scans wait: two tries and a margin


def sign_in(engine, base_url, email):
    engine.goto(base_url + "/login")
    assert engine.js("return navigator.serviceWorker.controller === null"), "not a fresh browser"
    engine.type("input[name=email]", email)
    engine.type("input[name=password]", DEMO_PASSWORD)
    engine.click("form button[type=submit]")
    engine.wait("return document.readyState === 'complete' && !location.pathname.startsWith('/login')",
                message=f"{email} signed in")


def controlled_and_kept(engine, path):
    """The service worker controls the page and keeps a copy of it for offline use."""
    # Service workers need a secure context: http://127.0.0.1 is one in both engines.
    assert engine.js("return window.isSecureContext && 'serviceWorker' in navigator"), engine.url
    engine.wait("return navigator.serviceWorker.controller !== null", message="the worker controls the page")
    engine.wait("return caches.match(location.origin + arguments[0]).then(Boolean)", path,
                message=f"{path} in the worker's cache")


def test_the_pass_shows_offline_and_says_it_is_a_copy(engine, live_server):
    sign_in(engine, live_server.url, AGENT)
    engine.goto(live_server.url + "/pass")
    controlled_and_kept(engine, "/pass")
    engine.wait_for("[data-qr] svg")
    number = engine.text("[data-pass-number]")
    assert "Pass à jour" in engine.text("[data-freshness]")

    live_server.stop()
    engine.reload()

    engine.wait_for("[data-qr] svg")
    assert engine.text("[data-pass-number]") == number
    engine.wait("const photo = document.querySelector('img.pass-photo');"
                " return photo && photo.complete && photo.naturalWidth > 0", message="the holder's photo")
    # The server is gone: the line must say this is the saved copy, not "Pass à jour".
    try:
        engine.wait("return document.querySelector('[data-freshness]').dataset.state !== 'fresh'", timeout=10)
    except EngineTimeout:
        pass  # the assertions below say what the line shows instead
    freshness = engine.text("[data-freshness]")
    if engine.js("return !document.documentElement.hasAttribute('data-offline-copy')"):
        freshness += " (the worker did not tell the page it answered from its cache: no <html data-offline-copy>)"
    assert engine.attribute("[data-freshness]", "data-state") in ("stale", "offline"), freshness
    assert "copie enregistrée le" in freshness, freshness


def test_the_partner_search_works_offline(engine, live_server):
    sign_in(engine, live_server.url, AGENT)
    engine.goto(live_server.url + "/partners")
    controlled_and_kept(engine, "/partners")
    engine.wait_for("[data-sync][data-state=fresh]")
    count_online = engine.text("[data-count]")

    live_server.stop()
    engine.reload()

    engine.wait_for("[data-ready]")
    assert engine.text("[data-count]") == count_online
    assert engine.attribute("[data-sync]", "data-state") in ("offline", "failed")
    assert "liste enregistrée le" in engine.text("[data-sync]")

    engine.type("[data-query]", "ceret")
    engine.wait("return document.querySelector('[data-count]').innerText !== arguments[0]"
                " && document.querySelectorAll('[data-list] .partner-item').length > 0", count_online,
                message="the list to filter")
    rows = engine.js("return [...document.querySelectorAll('[data-list] .partner-item')].map(r => r.innerText)")
    assert rows and all("ceret" in sort_key(row) for row in rows), rows
    assert any("Céret" in row for row in rows), rows


def typed(engine, number):
    """Type a pass number into the scanner; returns (verdict, reason) and closes the verdict."""
    engine.type("[data-code]", number)
    engine.click("[data-manual-form] button[type=submit]")
    engine.wait("return !document.querySelector('[data-verdict-box]').hidden"
                " && document.querySelector('[data-verdict-box]').dataset.verdict", message="a verdict")
    verdict = (engine.attribute("[data-verdict-box]", "data-verdict"),
               engine.attribute("[data-verdict-box]", "data-reason"))
    engine.click("[data-verdict-close]")
    engine.wait("return document.querySelector('[data-verdict-box]').hidden", message="the verdict closed")
    return verdict


def waiting(engine):
    return engine.attribute("[data-waiting]", "data-count")


def test_the_scanner_takes_typed_numbers_online_then_offline_and_sends_them_once(engine, live_server, staff_site):
    agent_number = my_pass(live_server, AGENT)["pass_number"]
    seasonal_number = my_pass(live_server, SEASONAL)["pass_number"]
    before = {row[0] for row in partner_scans(live_server, staff_site)}
    sign_in(engine, live_server.url, STAFF)
    engine.goto(live_server.url + "/scanner")
    controlled_and_kept(engine, "/scanner")
    engine.wait_for("[data-scanner][data-ready=true]")

    assert typed(engine, agent_number) == ("admitted", "")  # asked to the server
    engine.wait("return document.querySelector('[data-waiting]').dataset.count === '0'", message="nothing waiting")

    live_server.stop()
    engine.reload()
    engine.wait_for("[data-scanner]")
    verdict = typed(engine, seasonal_number)  # decided on the device, to be checked by the server
    assert verdict[0] in ("pending", "admitted"), verdict
    engine.wait("return document.querySelector('[data-waiting]').dataset.count === '1'",
                message="one scan waiting in the outbox")

    live_server.start()
    try:
        engine.wait("return document.querySelector('[data-waiting]').dataset.count === '0'", timeout=FLUSH_WAIT_S,
                    message="the outbox sent after the server came back")
    except EngineTimeout as error:
        uploads = [line for line in live_server.log_tail(400).splitlines() if "/api/v1/scan" in line]
        raise AssertionError(f"{error}\nthe server saw:\n" + "\n".join(uploads[-10:])) from None

    made = [row for row in partner_scans(live_server, staff_site) if row[0] not in before]
    assert Counter((holder, status) for _, holder, status, _, _ in made) == Counter([
        (AGENT, "admitted"), (SEASONAL, "admitted")]), made
