"""The pass as the partner sees it at the door: on one phone screen (360×740 and 320×568) with the
QR as wide as the screen, still white under a forced dark theme, and a screen kept on while shown.
The printable card gives the QR its full height."""
import io

import pytest
from PIL import Image
from tests.helpers import read_qr_codes

from .helpers import CHROMIUM, CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, FORCED_DARK_ARGS, my_pass, sign_in


AGENT = "agent@demo.passresot66.fr"
#: What Chrome's auto-dark theme (and Samsung Internet's dark mode) does to pages: Blink's forced
#: darkening. It only applies, as on a phone, when the preferred colour scheme is dark (Playwright
#: otherwise emulates "light", and Blink then darkens even pages that opt out).
AT_THE_DOOR = ("img.pass-photo", ".pass-name", ".pass-office", "[data-clock]", "[data-qr]")


def phone_context(browser, width, height, **options):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": width, "height": height},
                                  is_mobile=True, has_touch=True, device_scale_factor=2, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


def open_pass(page, base_url):
    sign_in(page, base_url, AGENT)
    page.goto(base_url + "/pass")
    page.locator("[data-qr] svg").wait_for()
    page.wait_for_function("() => /\\d\\d:\\d\\d:\\d\\d/.test(document.querySelector('[data-clock]').textContent)")
    page.wait_for_function("() => document.querySelector('img.pass-photo').complete")


def box(page, selector):
    found = page.locator(selector).bounding_box()
    assert found, f"{selector} is not shown"
    return found


def screenshot(page, **options) -> Image.Image:
    return Image.open(io.BytesIO(page.screenshot(**options))).convert("L")


def decoded(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in read_qr_codes(image)]


def modules_of(page) -> int:
    """The SVG's side in modules (its viewBox), 2-module border included."""
    return page.evaluate("document.querySelector('[data-qr] svg').viewBox.baseVal.width")


@pytest.mark.parametrize("width,height", [(360, 740), (320, 568)])
def test_the_whole_pass_is_on_the_first_screen_with_the_qr_as_wide_as_the_screen(browser, live_server, width, height):
    context = phone_context(browser, width, height)
    page = context.new_page()
    open_pass(page, live_server.url)

    for selector in AT_THE_DOOR:
        shown = box(page, selector)
        assert 0 <= shown["y"] and shown["y"] + shown["height"] <= height, (selector, shown)
        assert 0 <= shown["x"] and shown["x"] + shown["width"] <= width, (selector, shown)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The white area spans the screen; the SVG (2-module border) sits 2 more modules inside it.
    white, code = box(page, "[data-qr]"), box(page, "[data-qr] svg")
    assert white["width"] >= width - 1
    module = code["width"] / modules_of(page)
    assert module >= width / (modules_of(page) - 4 + 8) - 0.05  # the width shared by the code and 4+4 modules
    for inner, outer in ((code["x"], white["x"]), (code["y"], white["y"]),
                         (white["x"] + white["width"], code["x"] + code["width"]),
                         (white["y"] + white["height"], code["y"] + code["height"])):
        assert inner - outer >= 2 * module - 0.5
    if width == 360:
        assert module >= 7.2  # 6.1 px before (a 300 px box with its own 4-module quiet zone)

    # What the screen shows reads as the pass's code, and the quiet zone is white.
    shown = screenshot(page)
    scale = shown.width / width
    ring = shown.crop(tuple(round(v * scale) for v in (white["x"], white["y"], code["x"] + 1, code["y"] + code["height"])))
    assert ring.getextrema()[0] >= 250
    assert decoded(shown) == [my_pass(live_server, AGENT)["qr"]]
    context.close()


def test_a_forced_dark_theme_leaves_the_pass_and_the_card_white(playwright, live_server):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + FORCED_DARK_ARGS, headless=True)
    try:
        page = phone_context(browser, 360, 740, color_scheme="dark").new_page()
        qr_text = my_pass(live_server, AGENT)["qr"]
        page.goto(live_server.url + "/login")
        # The mode is on: a page that does not opt out (the sign-in page, white) is darkened.
        assert screenshot(page).getpixel((10, 400)) < 60
        open_pass(page, live_server.url)

        white = box(page, "[data-qr]")
        shown = screenshot(page)
        scale = shown.width / 360
        qr = shown.crop(tuple(round(v * scale) for v in (white["x"], white["y"], white["x"] + white["width"],
                                                          white["y"] + white["height"])))
        levels = sorted(qr.tobytes())
        light = [level for level in levels if level > 128]
        assert len(light) > len(levels) / 3
        assert light[len(light) // 100] >= 235 and light[len(light) // 2] >= 250  # white stays near white
        assert levels[len(levels) // 10] <= 40  # and black near black (#121212 and #000 once darkened)
        quiet_zone = qr.crop((2, 2, qr.width - 2, round(2 * scale * white["width"] / modules_of(page))))
        assert quiet_zone.getextrema()[0] >= 245
        assert decoded(shown) == [qr_text]

        page.goto(live_server.url + "/pass/card")
        card = page.locator(".card-pass")
        card_image = Image.open(io.BytesIO(card.screenshot())).convert("L")
        assert card_image.getpixel((card_image.width - 8, card_image.height // 2)) >= 250
        assert decoded(card_image) == [qr_text]
    finally:
        browser.close()


def test_the_printable_card_gives_the_qr_its_full_height(page, live_server):
    sign_in(page, live_server.url, AGENT)
    page.goto(live_server.url + "/pass/card")
    card, code = box(page, ".card-pass"), box(page, ".card-qr svg")
    mm = 96 / 25.4  # CSS pixels per millimetre
    assert code["width"] >= 43 * mm  # 26 mm before
    assert code["y"] >= card["y"] and code["y"] + code["height"] <= card["y"] + card["height"]
    assert code["x"] + code["width"] <= card["x"] + card["width"] - 2 * mm  # white beyond the 2-module border
    for selector in (".card-photo", ".card-name", ".card-office", ".card-valid", ".card-number"):
        shown = box(page, selector)
        assert shown["x"] + shown["width"] <= code["x"] and shown["y"] + shown["height"] <= card["y"] + card["height"], selector
    assert decoded(screenshot(page)) == [my_pass(live_server, AGENT)["qr"]]


def set_hidden(page, hidden: bool):
    """What the browser does when the phone locks or another app comes in front: headless Chromium
    never hides a page, so `document.visibilityState` is set and the event fired by hand."""
    page.evaluate("""(hidden) => {
        Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
        Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
    }""", hidden)


WAKE_LOCK_SPY = """
    window.__wakeLocks = [];
    const request = WakeLock.prototype.request;
    WakeLock.prototype.request = async function (type) {
        const sentinel = await request.call(this, type);
        window.__wakeLocks.push(sentinel);
        return sentinel;
    };
"""


def test_the_screen_stays_on_while_the_pass_is_shown(phone, live_server):
    phone.context.add_init_script(WAKE_LOCK_SPY)
    open_pass(phone, live_server.url)
    held = "() => window.__wakeLocks.map((lock) => [lock.type, lock.released])"
    phone.wait_for_function("() => window.__wakeLocks.length === 1")
    assert phone.evaluate(held) == [["screen", False]]

    set_hidden(phone, True)  # the phone locked or another app in front
    phone.wait_for_function("() => window.__wakeLocks[0].released")
    assert phone.evaluate("window.__wakeLocks.length") == 1

    set_hidden(phone, False)  # back to the pass: asked for again
    phone.wait_for_function("() => window.__wakeLocks.length === 2")
    assert phone.evaluate(held) == [["screen", True], ["screen", False]]


def test_the_band_moves_and_only_its_layer_slides(phone, live_server):
    """A screenshot cannot pass for the pass: the band's light moves. It moves by a transform (the
    browser slides a layer; a moving background made it repaint the band every frame: a fifth of a
    processor core for as long as the pass was shown, bench/pass_screen_cpu.py)."""
    open_pass(phone, live_server.url)
    running = phone.evaluate("""() => document.getAnimations().map((a) => ({
        name: a.animationName, state: a.playState, target: a.effect.pseudoElement || a.effect.target.className,
        properties: a.effect.getKeyframes().flatMap((k) => Object.keys(k).filter((p) => !["offset", "easing", "composite", "computedOffset"].includes(p)))
      })).filter((a) => a.name === "pass-shimmer")""")
    assert running == [{"name": "pass-shimmer", "state": "running", "target": "::before", "properties": ["transform", "transform"]}]
    brand = box(phone, ".pass-brand")  # the band's left part, without the ticking clock
    left = {"x": 0, "y": brand["y"], "width": brand["x"] + brand["width"], "height": brand["height"]}
    first = phone.screenshot(clip=left, animations="allow")
    phone.wait_for_timeout(500)  # a sixth of the sweep's period later
    assert phone.screenshot(clip=left, animations="allow") != first
