"""The scanner with a camera: Chromium films a `.y4m` of a real pass QR (fake_camera.py) and the page
reads it through the barcode-detector polyfill (headless Chromium on Linux has no native
BarcodeDetector). Online: admitted, then the same pass `already_visited`. With the server stopped:
the page opens from the service worker, another valid pass is admitted offline and a forged one
refused. The browser is closed between codes (Chromium picks its camera file at start) and keeps
its profile, so the outbox survives as on a phone; once the server is back the outbox empties by
itself and the server holds exactly the scans made, once each."""
from collections import Counter

import pytest
from playwright.sync_api import expect

from .fake_camera import camera_args, write_y4m
from .helpers import (AGENT, CHROMIUM, CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, FLUSH_WAIT_MS, SEASONAL, STAFF,
                      my_pass, online_as_asked, open_scanner, partner_scans, sign_in, start_camera, tampered,
                      verdict_of)


@pytest.fixture
def scanner_phone(playwright, tmp_path):
    """open(code) -> a phone page in a browser whose camera films `code`; one browser at a time,
    all sharing one profile (cookies, service worker, IndexedDB) as one device would."""
    profile = tmp_path / "profile"
    opened = []

    def open_with(code: str | None):
        for context in opened:
            context.close()
        opened.clear()
        video = write_y4m(tmp_path / f"camera-{len(list(tmp_path.glob('camera-*')))}.y4m", code)
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + camera_args(video),
            locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 360, "height": 740},
            is_mobile=True, has_touch=True, device_scale_factor=2, permissions=["camera"])
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        opened.append(context)
        return context.pages[0] if context.pages else context.new_page()

    yield open_with
    for context in opened:
        context.close()


def set_hidden(page, hidden: bool):
    """What the browser does when the page goes to the background or comes back: headless Chromium
    never hides a page, so `document.hidden` is set and the event fired by hand."""
    page.evaluate("""(hidden) => {
        window.__tracks = document.querySelector('[data-camera-video]').srcObject?.getTracks() ?? window.__tracks;
        Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
        Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
    }""", hidden)


def test_camera_scans_online_then_offline_then_flushed(scanner_phone, live_server, staff_site):
    agent_qr = my_pass(live_server, AGENT)["qr"]
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    before = {row[0] for row in partner_scans(live_server, staff_site)}

    phone = scanner_phone(agent_qr)
    sign_in(phone, live_server.url, STAFF)
    open_scanner(phone, live_server)
    start_camera(phone)
    assert phone.locator("[data-scanner]").get_attribute("data-detector") == "polyfill"
    assert verdict_of(phone) == ("admitted", "")
    box = phone.locator("[data-verdict-box]")
    expect(box).to_contain_text("Entrée gratuite accordée")
    expect(box).to_contain_text("Amélie")  # the holder's name, from the server
    expect(phone.locator("[data-verdict-undo]")).to_be_visible()
    phone.locator("[data-verdict-close]").click()
    expect(box).to_be_hidden()
    # Still in front of the lens: read again after the pause, refused this time.
    expect(box).to_have_attribute("data-reason", "already_visited", timeout=8000)
    expect(box).to_contain_text("Entrée déjà enregistrée ici le")
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    phone.locator("[data-verdict-close]").click()

    set_hidden(phone, True)  # the phone locked or another app in front: the camera goes off
    expect(phone.locator("[data-scanner]")).to_have_attribute("data-camera", "paused")
    assert phone.evaluate("document.querySelector('[data-camera-video]').srcObject") is None
    assert phone.evaluate("window.__tracks.every((track) => track.readyState === 'ended')")
    set_hidden(phone, False)
    expect(phone.locator("[data-scanner]")).to_have_attribute("data-camera", "on")
    expect(phone.locator("[data-verdict-box]")).to_have_attribute("data-reason", "already_visited")

    live_server.stop()
    phone = scanner_phone(seasonal_qr)
    phone.goto(live_server.url + "/scanner")  # from the service worker: the server is down
    phone.locator("[data-scanner]").wait_for()
    start_camera(phone)
    assert verdict_of(phone) == ("admitted", "")
    expect(phone.locator("[data-verdict-undo]")).to_be_hidden()  # undo needs the server
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "1")

    phone = scanner_phone(tampered(seasonal_qr))
    phone.goto(live_server.url + "/scanner")
    start_camera(phone)
    assert verdict_of(phone) == ("refused", "invalid_signature")
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "2")
    phone.locator("[data-verdict-close]").click()
    phone.get_by_role("button", name="Arrêter la caméra").click()

    live_server.start()
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "0", timeout=FLUSH_WAIT_MS)
    made = [row for row in partner_scans(live_server, staff_site) if row[0] not in before]
    assert Counter(online_as_asked(row[1:]) for row in made) == Counter([
        (AGENT, "admitted", None, None),
        (AGENT, "refused", "already_visited", None),
        (SEASONAL, "admitted", None, "admitted"),
        (None, "refused", "invalid_signature", "refused"),
    ])
    assert len({row[0] for row in made}) == 4
