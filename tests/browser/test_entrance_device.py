"""An entrance tablet enrolled by its link (issue 13): the site manager adds "Caisse 1" on
/site/devices, the tablet opens the short link and becomes a device of the site, scans a pass,
is revoked from /site/devices, and then gets "Appareil retiré"; the scan it made before stays
recorded. Screenshots of /site/devices and of the enrolment QR at 360×740 and 1280×800."""
from pathlib import Path

from playwright.sync_api import expect

from passresot.accounts.models import Role, User
from passresot.visits.models import Scan

from .conftest import sign_in
from .test_partners_offline import live_database
from .test_scanner_manual import AGENT, SEASONAL, STAFF, my_pass, scan, staff_site  # noqa: F401 (fixture)

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page, name):
    """Both sizes of the page now shown: 1280×800 then 360×740 (the viewport is put back)."""
    for width, height in ((1280, 800), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_tablet_enrolled_by_its_link_scans_then_is_revoked(page, phone, live_server, staff_site):
    agent_qr = my_pass(live_server, AGENT)["qr"]
    page.on("dialog", lambda dialog: dialog.accept())  # "Retirer cet appareil ?"

    sign_in(page, live_server.url, STAFF)
    page.goto(live_server.url + "/site/devices")
    page.fill("input[name=name]", "Caisse 1")
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

    # The scanner still open on the tablet: the next scan is decided on the device and kept, and the
    # page says why nothing is sent any more (the server's words, not "Session terminée").
    scan(phone, my_pass(live_server, SEASONAL)["qr"])
    expect(phone.locator("[data-session-title]")).to_have_text("Appareil retiré")
    expect(phone.locator("[data-session]")).to_be_visible()

    # Its next call to the server: 401 device_revoked, "Appareil retiré".
    answer = phone.evaluate("""async () => {
        const csrf = document.querySelector("meta[name=csrf-token]").content;
        const response = await fetch("/api/v1/scanner/bundle", {headers: {Accept: "application/json", "X-CSRFToken": csrf}});
        return [response.status, await response.json()];
    }""")
    assert answer == [401, {"error": {"code": "device_revoked", "message": "Appareil retiré"}}]
    phone.goto(live_server.url + "/me/devices")
    expect(phone.locator(".flash-error")).to_have_text("Appareil retiré")
    assert "/login" in phone.url
    with live_database(live_server):
        scans = Scan.query.filter_by(partner_id=staff_site).all()
        assert [(s.scanned_by_id, s.status.value) for s in scans] == [(device_id, "admitted")]
