"""An entrance tablet enrolled by its link (issue 13): the site manager adds "Caisse 1" on
/site/devices, the tablet opens the short link and becomes a device of the site, scans a pass,
keeps a scan made with no signal, is revoked from /site/devices, and then gets "Appareil retiré":
the scan sent after the withdrawal but made before it is recorded (flagged), a later one is not. Screenshots of /site/devices and of the enrolment QR at 360×740 and 1280×800."""
import os

from playwright.sync_api import expect

from passresot.accounts.models import ApiToken, Role, SignInKind, User
from passresot.visits.models import Scan

from .fake_camera import camera_args, write_y4m
from .helpers import (AGENT, CHROMIUM, CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, SEASONAL, STAFF, live_database,
                      my_pass, paste, scan, sign_in, wait_until_scanner_works_offline, watch_csp)


def shoot(page, name):
    """Both sizes of the page now shown, 1280×800 then 360×740, into SCANNER_SCREENSHOTS=folder when
    set (docs/screenshots/ holds the last ones looked at); the viewport is put back."""
    folder = os.environ.get("SCANNER_SCREENSHOTS")
    if not folder:
        return
    for width, height in ((1280, 800), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=os.path.join(folder, f"{name}-{width}x{height}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_tablet_enrolled_by_its_link_scans_then_is_revoked(page, phone, live_server, staff_site):
    agent_qr = my_pass(live_server, AGENT)["qr"]
    seasonal_qr = my_pass(live_server, SEASONAL)["qr"]
    page.on("dialog", lambda dialog: dialog.accept())  # "Retirer cet appareil ?"

    sign_in(page, live_server.url, STAFF)
    page.goto(live_server.url + "/site/devices")
    page.get_by_label("Nom de l'appareil").fill("Caisse 1")
    page.get_by_role("button", name="Ajouter un appareil d'entrée").click()
    expect(page.locator(".enrol-qr svg")).to_be_visible()
    link = page.locator("#enrol-link").inner_text()
    shoot(page, "site-devices-enrolment-qr")

    # The tablet: nothing says which site before the code is accepted.
    phone.goto(link)
    expect(phone.get_by_role("button", name="Activer cet appareil")).to_be_visible()
    with live_database(live_server):
        site_name = User.query.filter_by(email=STAFF).one().partner.name
    assert site_name not in phone.content()
    phone.get_by_role("button", name="Activer cet appareil").click()
    phone.wait_for_url("**/scanner")
    phone.locator("[data-scanner][data-ready=true]").wait_for()
    assert scan(phone, agent_qr) == ("admitted", "")

    wait_until_scanner_works_offline(phone, live_server.url)

    # No signal: the tablet admits the seasonal agent on its own and keeps the scan; the page is closed.
    live_server.stop()
    assert scan(phone, seasonal_qr) == ("admitted", "")
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "1")
    tablet_context = phone.context
    phone.close()
    live_server.start()

    page.goto(live_server.url + "/site/devices")
    row = page.locator("tr[data-device]", has_text="Caisse 1")
    expect(row).to_be_visible()
    shoot(page, "site-devices")
    with live_database(live_server):
        device = User.query.filter_by(role=Role.entrance_device, first_name="Caisse 1").one()
        device_id = device.id
        assert [s.scanned_by_id for s in Scan.query.filter_by(partner_id=staff_site)] == [device_id]
    row.get_by_role("button", name="Retirer").click()
    expect(page.locator(".flash-success")).to_contain_text("est retiré")
    expect(page.locator("tr[data-device]", has_text="Caisse 1")).to_have_count(0)

    # The scanner opened again on the tablet, from its copy: the scan made before the withdrawal is
    # sent and recorded (flagged for the network admin), and the page says why nothing more is sent.
    tablet = watch_csp(tablet_context.new_page())
    tablet.goto(live_server.url + "/scanner")
    expect(tablet.locator("[data-session-title]")).to_have_text("Appareil retiré")
    expect(tablet.locator("[data-session]")).to_be_visible()
    expect(tablet.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    with live_database(live_server):
        scans = Scan.query.filter_by(partner_id=staff_site).order_by(Scan.scanned_at).all()
        assert [(s.scanned_by_id, s.status.value, s.after_withdrawal) for s in scans] == [
            (device_id, "admitted", False), (device_id, "admitted", True)]

    # A scan made now is decided on the device but never recorded: the server refuses it.
    scan(tablet, agent_qr)
    expect(tablet.locator("[data-session-title]")).to_have_text("Appareil retiré")

    # Its next call to the server: 401 device_revoked, "Appareil retiré".
    answer = tablet.evaluate("""async () => {
        const csrf = document.querySelector("meta[name=csrf-token]").content;
        const response = await fetch("/api/v1/scanner/bundle", {headers: {Accept: "application/json", "X-CSRFToken": csrf}});
        return [response.status, await response.json()];
    }""")
    assert answer == [401, {"error": {"code": "device_revoked", "message": "Appareil retiré"}}]
    tablet.goto(live_server.url + "/me/devices")
    expect(tablet.locator(".flash-error")).to_have_text("Appareil retiré")
    assert "/login" in tablet.url
    with live_database(live_server):
        assert Scan.query.filter_by(partner_id=staff_site).count() == 2
    assert not tablet.csp_violations, tablet.csp_violations


def enrol_tablet(page, tablet, live_server, name):
    """The site manager (signed in on `page`) adds a device; the tablet opens its link: the scanner."""
    page.goto(live_server.url + "/site/devices")
    page.get_by_label("Nom de l'appareil").fill(name)
    page.get_by_role("button", name="Ajouter un appareil d'entrée").click()
    tablet.goto(page.locator("#enrol-link").inner_text())
    tablet.get_by_role("button", name="Activer cet appareil").click()
    tablet.wait_for_url("**/scanner")
    tablet.locator("[data-scanner][data-ready=true]").wait_for()


def override_with_pin(tablet, qr, pin):
    box = paste(tablet, qr)
    expect(box).to_have_attribute("data-reason", "outside_accepted_period")
    tablet.get_by_role("button", name="Accepter quand même").click()
    tablet.get_by_label("Code PIN du site").fill(pin)
    tablet.get_by_role("button", name="Valider").click()
    return box


def test_a_tablet_asks_the_sites_pin_to_override_online_and_offline(page, phone, live_server, closed_site):
    agent_qr, seasonal_qr = my_pass(live_server, AGENT)["qr"], my_pass(live_server, SEASONAL)["qr"]
    sign_in(page, live_server.url, STAFF)
    page.goto(live_server.url + "/site/devices")
    page.fill("input[name=pin]", "4821")
    page.get_by_role("button", name="Enregistrer le code PIN").click()
    enrol_tablet(page, phone, live_server, "Caisse PIN")
    wait_until_scanner_works_offline(phone, live_server.url)

    # Online, a wrong PIN: the server's words, the refusal stays, no entry recorded.
    box = override_with_pin(phone, agent_qr, "1111")
    expect(box.locator("[data-verdict-note]")).to_contain_text("Code PIN du site incorrect")
    expect(box).to_have_attribute("data-verdict", "refused")
    # Cancelling the question leaves the refusal as it was.
    phone.get_by_role("button", name="Accepter quand même").click()
    phone.locator("[data-pin-form] [data-pin-cancel]").click()
    expect(phone.locator("[data-pin-form]")).to_be_hidden()
    expect(box).to_have_attribute("data-verdict", "refused")
    # The right PIN: admitted as an override.
    phone.get_by_role("button", name="Accepter quand même").click()
    phone.get_by_label("Code PIN du site").fill("4821")
    phone.get_by_role("button", name="Valider").click()
    expect(box).to_have_attribute("data-verdict", "admitted")
    # "Annuler cette entrée" asks for the PIN too.
    phone.get_by_role("button", name="Annuler cette entrée").click()
    phone.get_by_label("Code PIN du site").fill("4821")
    phone.get_by_role("button", name="Valider").click()
    expect(box).to_have_attribute("data-reason", "undone")
    phone.locator("[data-verdict-close]").click()

    # Offline: the PIN goes with the queued scan and the server checks it when the scan is sent.
    live_server.stop()
    box = override_with_pin(phone, seasonal_qr, "4821")
    expect(box).to_have_attribute("data-verdict", "admitted")
    phone.locator("[data-verdict-close]").click()
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "2")  # the refusal, then the override
    live_server.start()
    phone.reload()
    phone.locator("[data-scanner][data-ready=true]").wait_for()
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "0", timeout=20_000)

    with live_database(live_server):
        device = User.query.filter_by(role=Role.entrance_device, first_name="Caisse PIN").one()
        scans = Scan.query.filter_by(partner_id=closed_site, scanned_by_id=device.id).order_by(Scan.scanned_at).all()
        # Each code refused first (outside the periods), then admitted on the right PIN; the wrong PIN
        # left nothing behind.
        assert [(s.status.value, s.override, s.undone_at is not None) for s in scans] == [
            ("refused", False, False), ("admitted", True, True), ("refused", False, False), ("admitted", True, False)]
        sign_in_row = ApiToken.query.filter_by(user_id=device.id, kind=SignInKind.device).one()
        assert sign_in_row.app_version and sign_in_row.pending_scans == 0  # what /site/devices shows
    page.goto(live_server.url + "/site/devices")
    expect(page.locator("tr[data-device]", has_text="Caisse PIN")).to_contain_text(sign_in_row.app_version)


def test_a_tablet_reads_the_enrolment_qr_with_its_camera(page, playwright, live_server, staff_site, tmp_path):
    """The tablet's camera on the enrolment screen: a pass's QR is said not to be a device code;
    the manager's enrolment QR makes the tablet a device of the site."""
    sign_in(page, live_server.url, STAFF)
    page.goto(live_server.url + "/site/devices")
    page.get_by_label("Nom de l'appareil").fill("Caisse caméra")
    page.get_by_role("button", name="Ajouter un appareil d'entrée").click()
    link = page.locator("#enrol-link").inner_text()
    assert link.startswith(live_server.url + "/enrol/")

    def tablet_filming(text, name):
        video = write_y4m(tmp_path / f"{name}.y4m", text)
        context = playwright.chromium.launch_persistent_context(
            tmp_path / name, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + camera_args(video),
            locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 360, "height": 740},
            is_mobile=True, has_touch=True, permissions=["camera"])
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        tablet = watch_csp(context.pages[0] if context.pages else context.new_page())
        tablet.goto(live_server.url + "/enrol")
        tablet.get_by_role("button", name="Scanner le QR code d'appareil").click()
        return context, tablet

    context, tablet = tablet_filming(my_pass(live_server, AGENT)["qr"], "pass")
    try:
        expect(tablet.locator("[data-camera-message]")).to_contain_text("n'est pas un code d'appareil")
        assert "/enrol" in tablet.url and not tablet.csp_violations
    finally:
        context.close()

    context, tablet = tablet_filming(link, "enrolment")
    try:
        tablet.wait_for_url("**/scanner")
        expect(tablet.locator(".flash-success")).to_contain_text("« Caisse caméra »")
        tablet.locator("[data-scanner][data-ready=true]").wait_for()
        assert not tablet.csp_violations, tablet.csp_violations
    finally:
        context.close()
    with live_database(live_server):
        device = User.query.filter_by(role=Role.entrance_device, first_name="Caisse caméra").one()
        assert device.partner_id == staff_site
