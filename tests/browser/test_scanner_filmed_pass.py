"""The scanner films the real pass page as an agent's phone shows it at the entrance, in the
conditions of a real door (fake_camera.CONDITIONS): the phone tilted by 30°, out of focus by about
one module and by 1.3 modules (read only through the camera's sharpened try, scanner-sharpen.js), a
noisy sensor, a reflection on the glass, and the page as a forced dark theme paints it. The frames
are built from screenshots of /pass at 360×740 taken in Chromium (the forced-dark one in a Chromium
that darkens pages); each must give the scanner's verdict: admitted."""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from .fake_camera import CONDITIONS, camera_args, film, write_y4m_images
from .helpers import (AGENT, CHROMIUM, CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, FORCED_DARK_ARGS, STAFF, sign_in,
                      start_camera, verdict_of)

FILMED = [name for name in CONDITIONS if name != "face-on"]  # face-on: test_scanner_camera.py


@pytest.fixture(scope="module")
def pass_screens(playwright, live_server):
    """{"light" | "forced-dark": (screenshot of the agent's /pass at 360×740, box of its QR's SVG)}."""
    screens = {}
    for name, args, options in (("light", [], {}), ("forced-dark", FORCED_DARK_ARGS, {"color_scheme": "dark"})):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + args, headless=True)
        try:
            page = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 360, "height": 740},
                                       is_mobile=True, has_touch=True, **options).new_page()
            page.set_default_timeout(DEFAULT_TIMEOUT_MS)
            sign_in(page, live_server.url, AGENT)
            page.goto(live_server.url + "/pass")
            page.wait_for_function("() => document.querySelector('img.pass-photo').complete")
            code = page.locator("[data-qr] svg").bounding_box()
            screen = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
            screens[name] = (screen, (code["x"], code["y"], code["width"], code["height"]))
        finally:
            browser.close()
    return screens


@pytest.fixture
def filming_scanner(playwright, tmp_path):
    """open(frame) -> the scanner's page in a phone browser whose camera films `frame`."""
    opened = []

    def open_with(frame: Image.Image):
        video = write_y4m_images(tmp_path / "camera.y4m", [frame])
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile", executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + camera_args(video),
            locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 360, "height": 740},
            is_mobile=True, has_touch=True, device_scale_factor=2, permissions=["camera"])
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        opened.append(context)
        return context.pages[0] if context.pages else context.new_page()

    yield open_with
    for context in opened:
        context.close()


@pytest.mark.parametrize("condition", FILMED)
def test_the_scanner_reads_the_filmed_pass(filming_scanner, live_server, staff_site, pass_screens, condition, tmp_path):
    screen, qr_box = pass_screens["forced-dark" if condition == "forced-dark" else "light"]
    frame = film(screen, qr_box, condition)
    frame.save(tmp_path / f"{condition}.png")  # to look at when it fails

    phone = filming_scanner(frame)
    sign_in(phone, live_server.url, STAFF)
    phone.goto(live_server.url + "/scanner")
    phone.locator("[data-scanner][data-ready=true]").wait_for()
    start_camera(phone)
    assert verdict_of(phone) == ("admitted", "")
    expect(phone.locator("[data-verdict-box]")).to_contain_text("Amélie")  # this pass's holder
