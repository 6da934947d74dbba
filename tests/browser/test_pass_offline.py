"""The promise of the PWA: an agent who opened the pass once online still shows it with no network."""
import re

import pytest
from .helpers import DEMO_PASSWORD, expect_image_shown, sign_in, wait_until_kept


AGENT = "agent@demo.passresot66.fr"


def open_pass_online(phone, live_server):
    """Sign in and open /pass (unless already there), then wait until the worker controls the
    page and keeps the page and the photo."""
    if "/pass" not in phone.url:
        sign_in(phone, live_server.url, AGENT)
        phone.goto(live_server.url + "/pass")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.locator("[data-qr] svg").wait_for()
    photo = phone.locator("img.pass-photo")
    photo_url = photo.evaluate("img => img.src")
    wait_until_kept(phone, live_server.url + "/pass", photo_url)
    expect_image_shown(photo)
    return photo_url


def _kept(phone):
    """Each cache's keys, and the workers (state and script) of the page's origin."""
    return phone.evaluate("""async () => {
        const kept = {};
        for (const name of await caches.keys()) {
          kept[name] = (await (await caches.open(name)).keys()).map((r) => r.url).filter((u) => !u.includes("/static/"));
        }
        const workers = (await navigator.serviceWorker.getRegistrations()).map((r) =>
          [r.active?.state, r.active?.scriptURL, r.waiting?.state, r.installing?.state]);
        return [kept, workers];
    }""")


def freshness(phone):
    return re.sub(r"\s+", " ", phone.locator("[data-freshness]").inner_text()).strip()


def test_the_pass_seen_once_online_is_shown_with_the_server_stopped(phone, live_server):
    open_pass_online(phone, live_server)
    number = phone.locator("[data-pass-number]").inner_text()
    qr_online = phone.locator("[data-qr] svg").inner_html()

    live_server.stop()
    phone.reload()

    assert phone.locator("[data-pass-number]").inner_text() == number
    assert phone.locator("[data-qr] svg").inner_html() == qr_online
    assert phone.locator("[data-qr] svg").is_visible()
    expect_image_shown(phone.locator("img.pass-photo"))
    # The network is up but the server is not: the worker tells the page it shows its copy.
    phone.wait_for_function("() => document.documentElement.dataset.offlineCopy !== undefined")
    assert re.search(r"\d{1,2} \w+ (à )?\d{2}:\d{2}", freshness(phone)), freshness(phone)


def test_the_installed_app_opening_offline_on_its_start_url_shows_the_saved_pass(phone, live_server):
    open_pass_online(phone, live_server)
    live_server.stop()

    phone.goto(live_server.url + "/")  # the manifest's start_url

    assert phone.locator("[data-qr] svg").is_visible()
    expect_image_shown(phone.locator("img.pass-photo"))


def test_with_no_network_at_all_the_pass_says_it_is_an_offline_copy(phone, live_server):
    open_pass_online(phone, live_server)
    live_server.stop()
    phone.context.set_offline(True)

    phone.reload()

    assert phone.locator("[data-qr] svg").is_visible()
    expect_image_shown(phone.locator("img.pass-photo"))
    assert "Hors connexion" in freshness(phone)
    assert "copie enregistrée le" in freshness(phone)


def test_signing_out_forgets_the_pass_on_this_device(phone, live_server):
    photo_url = open_pass_online(phone, live_server)

    phone.locator(".usermenu summary").click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Se déconnecter").click()
    assert phone.evaluate("caches.match(location.origin + '/pass')") is None
    assert phone.evaluate("(url) => caches.match(url)", photo_url) is None

    live_server.stop()
    phone.goto(live_server.url + "/pass")
    assert phone.get_by_role("heading", level=1).inner_text() == "Vous êtes hors connexion"
    assert "Rigaud" not in phone.content()


def test_a_pass_opened_before_the_worker_was_installed_is_kept_too(phone, live_server):
    # Signed in by the form's own request, outside any page: no page of this device has registered a
    # worker yet (unregistering one afterwards left it finishing its work in the background, which
    # raced with this test on a busy machine).
    form = phone.request.get(live_server.url + "/login").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    signed_in = phone.request.post(live_server.url + "/login", form={
        "email": AGENT, "password": DEMO_PASSWORD, "csrf_token": token}, max_redirects=0)
    assert signed_in.status == 302 and "/login" not in signed_in.headers["location"]
    phone.goto(live_server.url + "/pass")
    assert phone.evaluate("navigator.serviceWorker.controller") is None  # loaded from the network only

    photo_url = open_pass_online(phone, live_server)  # the worker claims the page and fetches it again
    before = (phone.url, _kept(phone))
    live_server.stop()
    phone.reload()

    if not phone.locator("[data-qr] svg").is_visible():  # seen in two-worker full runs: say what was shown
        pytest.fail(f"no pass after the offline reload; page: {phone.content()[:200]!r}; before the reload: "
                    f"{before}; after: {_kept(phone)}")
    assert phone.evaluate("(url) => caches.match(url).then(Boolean)", photo_url)
    expect_image_shown(phone.locator("img.pass-photo"))
