"""Entrance devices (issue 13 parts 1-2): enrolled by a one-time code from /site/devices, bound to
the site, scan only; revoked from /site/devices; the site's PIN for override and undo."""
import html
import re
import uuid
from datetime import timedelta

import pytest

from passresot.accounts.models import ApiToken, LoginAttempt, Role, SignInKind, User
from passresot.devices.models import EnrolmentCode
from passresot.extensions import db
from passresot.passes.api import issue_pass
from passresot.timeutil import utcnow
from passresot.visits.models import Scan
from tests.helpers import csrf_token, login

BAD_CODE = "Ce code d'appareil n'est pas valable"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def site(make):
    partner = make.partner(name="Château de Salses", accepts_all_year=True)
    manager = make.partner_staff(partner)
    office = make.office()
    agent = make.agent(office)
    pass_ = issue_pass(None, agent)
    other = make.partner(name="Grottes de Fontrabiouse")
    other_manager = make.partner_staff(other)
    db.session.commit()
    return dict(partner=partner, manager=manager, pass_token=pass_.token, other_manager=other_manager, agent=agent)


def new_code(client, name="Caisse 1"):
    """The manager's "Ajouter un appareil d'entrée": returns (code, link) shown on the page."""
    response = client.post("/site/devices/new", data={"name": name, "csrf_token": csrf_token(client, "/site/devices")})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    code = re.search(r'id="enrol-code">([^<]+)<', page).group(1)
    link = re.search(r'id="enrol-link">([^<]+)<', page).group(1)
    assert "<svg" in page
    return code, link


def enrol(client, code):
    path = f"/enrol/{code}"
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def scan(client, qr):
    """An upload by the scanner page's fetch: session cookie + CSRF header."""
    page = client.get("/scanner").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = {"scans": [{"id": str(uuid.uuid4()), "qr": qr, "scanned_at": utcnow().isoformat() + "Z",
                       "device_id": "tablette"}]}
    return client.post("/api/v1/scans", json=body, headers={"X-CSRFToken": token})


@pytest.fixture
def manager(app, site):
    client = app.test_client()
    assert login(client, site["manager"].email).status_code == 302
    return client


def test_a_tablet_opening_the_link_becomes_a_device_of_the_site_that_scans(app, site, manager):
    code, link = new_code(manager)
    assert "/enrol/" in link
    tablet = app.test_client()
    page = tablet.get(f"/enrol/{code}").get_data(as_text=True)
    assert "Château de Salses" not in page  # nothing says which site before the code is accepted
    response = enrol(tablet, code)
    assert response.status_code == 302 and response.location.endswith("/scanner")
    device = User.query.filter_by(role=Role.entrance_device).one()
    assert device.partner_id == site["partner"].id and device.password_hash is None
    assert device.first_name == "Caisse 1"
    assert "Château de Salses" in tablet.get("/scanner").get_data(as_text=True)
    result = scan(tablet, site["pass_token"])
    assert result.status_code == 200 and result.get_json()["results"][0]["status"] == "admitted"
    assert Scan.query.one().scanned_by_id == device.id
    # Nothing else: no listing, no admissions export, no devices page, no other site's data.
    for path in ("/site", "/site/admissions", "/site/devices", "/me/password", "/partners"):
        assert tablet.get(path).status_code in (403, 404), path
    listing = manager.get("/site/devices").get_data(as_text=True)
    assert "Caisse 1" in listing and "jamais" not in listing  # its sync is recorded


def test_a_code_works_once_and_for_15_minutes(app, site, manager):
    code, _link = new_code(manager)
    assert enrol(app.test_client(), code).status_code == 302
    used = enrol(app.test_client(), code)
    assert used.status_code == 400 and BAD_CODE in text(used)
    code2, _ = new_code(manager, "Caisse 2")
    EnrolmentCode.query.filter_by(device_name="Caisse 2").update(
        {EnrolmentCode.expires_at: utcnow() - timedelta(seconds=1)})
    db.session.commit()
    expired = enrol(app.test_client(), code2)
    assert expired.status_code == 400 and BAD_CODE in text(expired)
    assert User.query.filter_by(role=Role.entrance_device).count() == 1


def test_forged_codes_are_refused_in_french_and_throttled(app, site):
    tablet = app.test_client()
    for n in range(5):
        response = enrol(tablet, f"AAAA{n}BBBBCCC")
        assert response.status_code == 400 and BAD_CODE in text(response)
        assert "Château" not in response.get_data(as_text=True)
    assert LoginAttempt.query.filter_by(email="enrol").count() == 5
    response = enrol(tablet, "AAAA9BBBBCCC")
    assert response.status_code == 429 and "Trop de tentatives" in response.get_data(as_text=True)


def test_the_code_can_be_typed_by_hand(app, site, manager):
    code, _ = new_code(manager)
    tablet = app.test_client()
    response = tablet.post("/enrol", data={"code": code.lower(), "csrf_token": csrf_token(tablet, "/enrol")})
    assert response.status_code == 302


def test_a_revoked_device_gets_device_revoked_and_its_earlier_scans_stay(app, site, manager, make):
    code, _ = new_code(manager)
    tablet = app.test_client()
    enrol(tablet, code)
    assert scan(tablet, site["pass_token"]).status_code == 200
    page = tablet.get("/scanner").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    device = User.query.filter_by(role=Role.entrance_device).one()
    colleague_pass = issue_pass(None, make.agent(make.office(name="OT Céret")))
    db.session.commit()
    scanned_offline = utcnow()  # the tablet admits a second agent with no signal, then is withdrawn

    response = manager.post(f"/site/devices/{device.id}/revoke",
                            data={"csrf_token": csrf_token(manager, "/site/devices")}, follow_redirects=True)
    assert "est retiré" in response.get_data(as_text=True)
    before, after = str(uuid.uuid4()), str(uuid.uuid4())
    body = {"scans": [
        {"id": before, "qr": colleague_pass.token, "scanned_at": scanned_offline.isoformat() + "Z",
         "device_id": "tablette", "offline_verdict": "admitted"},
        {"id": after, "qr": site["pass_token"], "scanned_at": (utcnow() + timedelta(seconds=1)).isoformat() + "Z",
         "device_id": "tablette"}]}
    answer = tablet.post("/api/v1/scans", json=body, headers={"X-CSRFToken": csrf, "Accept": "application/json"})
    # What it scanned before the withdrawal is recorded, flagged; what it scanned after is refused.
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["withdrawn"] == {"code": "device_revoked", "message": "Appareil retiré"}
    first, second = answer.get_json()["results"]
    assert first["id"] == before and first["status"] == "admitted"
    assert first["holder"] is None and db.session.get(Scan, before).identity_withheld  # no name for a lost device
    assert second == {"id": after, "status": None, "error": {"code": "device_revoked", "message": "Appareil retiré"}}
    assert db.session.get(Scan, before).after_withdrawal and db.session.get(Scan, before).scanned_by_id == device.id
    assert db.session.get(Scan, after) is None
    assert Scan.query.filter_by(after_withdrawal=True).count() == 1  # the scan sent before is not flagged
    # Sent again (the answer was lost): the same result, nothing recorded twice.
    again = tablet.post("/api/v1/scans", json=body, headers={"X-CSRFToken": csrf, "Accept": "application/json"})
    assert again.get_json()["results"][0]["replayed"] is True and Scan.query.count() == 2

    bundle = tablet.get("/api/v1/scanner/bundle", headers={"Accept": "application/json"})
    assert bundle.status_code == 401 and bundle.get_json()["error"]["code"] == "device_revoked"
    page = tablet.get("/scanner", follow_redirects=True).get_data(as_text=True)
    assert "Appareil retiré" in page
    assert "data-device=" not in manager.get("/site/devices").get_data(as_text=True)

    admin = app.test_client()
    login(admin, make.network_admin().email)
    review = text(admin.get("/admin/scans/conflicts"))
    assert "Envoyé par un appareil retiré" in review and before in review

    # A month and a day later, the withdrawn tablet is refused outright.
    ApiToken.query.filter_by(user_id=device.id).update({ApiToken.revoked_at: utcnow() - timedelta(days=31)})
    db.session.commit()
    late = tablet.post("/api/v1/scans", json={"scans": []}, headers={"X-CSRFToken": csrf, "Accept": "application/json"})
    assert late.status_code == 401 and late.get_json()["error"]["code"] == "device_revoked"


def test_rename_and_another_sites_manager_gets_404(app, site, manager):
    code, _ = new_code(manager)
    enrol(app.test_client(), code)
    device = User.query.filter_by(role=Role.entrance_device).one()
    response = manager.post(f"/site/devices/{device.id}/rename",
                            data={"name": "Accueil groupes", "csrf_token": csrf_token(manager, "/site/devices")})
    assert response.status_code == 302
    assert "Accueil groupes" in manager.get("/site/devices").get_data(as_text=True)
    stranger = app.test_client()
    login(stranger, site["other_manager"].email)
    token = csrf_token(stranger, "/site/devices")
    assert stranger.post(f"/site/devices/{device.id}/revoke", data={"csrf_token": token}).status_code == 404
    assert stranger.post(f"/site/devices/{device.id}/rename",
                         data={"name": "x", "csrf_token": token}).status_code == 404
    assert "Accueil groupes" not in stranger.get("/site/devices").get_data(as_text=True)


def test_the_device_reports_its_version_and_waiting_scans(app, site, manager):
    code, _ = new_code(manager)
    tablet = app.test_client()
    enrol(tablet, code)
    tablet.get("/api/v1/scanner/bundle", headers={"X-Scanner-Version": "2026.12.1", "X-Scanner-Pending": "3"})
    row = ApiToken.query.filter_by(kind=SignInKind.device).one()
    assert row.app_version == "2026.12.1" and row.pending_scans == 3 and row.last_sync_at is not None
    page = manager.get("/site/devices").get_data(as_text=True)
    assert "2026.12.1" in page


def _undo(client, scan_id, pin=None):
    page = client.get("/scanner").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return client.post(f"/api/v1/scans/{scan_id}/undo", json={} if pin is None else {"pin": pin},
                       headers={"X-CSRFToken": csrf})


def test_undo_on_a_device_needs_the_sites_pin_which_is_throttled(app, site, manager):
    code, _ = new_code(manager)
    tablet = app.test_client()
    enrol(tablet, code)
    scan_id = scan(tablet, site["pass_token"]).get_json()["results"][0]["id"]
    assert _undo(tablet, scan_id).get_json()["error"]["code"] == "site_pin_not_set"
    bad = manager.post("/site/pin", data={"pin": "12a", "csrf_token": csrf_token(manager, "/site/devices")})
    assert bad.status_code == 400 and "de 4 à 6 chiffres" in bad.get_data(as_text=True)
    manager.post("/site/pin", data={"pin": "4821", "csrf_token": csrf_token(manager, "/site/devices")})
    assert _undo(tablet, scan_id).get_json()["error"]["code"] == "site_pin_required"
    wrong = _undo(tablet, scan_id, "0000")
    assert wrong.status_code == 403 and wrong.get_json()["error"]["message"] == "Code PIN du site incorrect."
    assert _undo(tablet, scan_id, "4821").status_code == 200
    for _ in range(5):
        _undo(tablet, scan_id, "1111")
    assert _undo(tablet, scan_id, "4821").status_code == 429


def test_an_override_on_a_device_needs_the_pin_a_manager_does_not(app, site, manager):
    code, _ = new_code(manager)
    tablet = app.test_client()
    enrol(tablet, code)
    page = tablet.get("/scanner").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = {"scans": [{"id": str(uuid.uuid4()), "qr": "not a pass", "scanned_at": utcnow().isoformat() + "Z",
                       "device_id": "tablette", "override": True}]}
    response = tablet.post("/api/v1/scans", json=body, headers={"X-CSRFToken": csrf})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "site_pin_not_set"
    assert Scan.query.count() == 0


def test_an_override_queued_offline_carries_the_pin_typed_at_the_door(app, site, manager):
    """A device overriding offline sends the PIN with the item later; a wrong one records nothing."""
    code, _ = new_code(manager)
    tablet = app.test_client()
    enrol(tablet, code)
    manager.post("/site/pin", data={"pin": "4821", "csrf_token": csrf_token(manager, "/site/devices")})
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', tablet.get("/scanner").get_data(as_text=True)).group(1)

    def override(pin=None, batch_pin=None):
        item = {"id": str(uuid.uuid4()), "qr": site["pass_token"], "scanned_at": utcnow().isoformat() + "Z",
                "device_id": "tablette", "override": True, **({"pin": pin} if pin is not None else {})}
        body = {"scans": [item], **({"pin": batch_pin} if batch_pin is not None else {})}
        return tablet.post("/api/v1/scans", json=body, headers={"X-CSRFToken": csrf})

    wrong = override(pin="1234")
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "site_pin_wrong"
    assert override(pin="", batch_pin="4821").get_json()["error"]["code"] == "site_pin_required"  # the item's own wins
    assert Scan.query.count() == 0
    right = override(pin="4821")
    assert right.status_code == 200 and right.get_json()["results"][0]["status"] == "admitted"
    assert override(batch_pin="4821").status_code == 200  # the batch's PIN for items without their own
    assert Scan.query.count() == 2
    assert all(scan.qr == site["pass_token"] for scan in Scan.query.all())  # the PIN itself is kept nowhere


def test_a_managers_override_needs_no_pin(app, site, manager):
    manager.post("/site/pin", data={"pin": "4821", "csrf_token": csrf_token(manager, "/site/devices")})
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', manager.get("/scanner").get_data(as_text=True)).group(1)
    item = {"id": str(uuid.uuid4()), "qr": site["pass_token"], "scanned_at": utcnow().isoformat() + "Z",
            "device_id": "bureau", "override": True}
    response = manager.post("/api/v1/scans", json={"scans": [item]}, headers={"X-CSRFToken": csrf})
    assert response.status_code == 200 and response.get_json()["results"][0]["status"] == "admitted"


def test_deactivating_the_site_ends_its_devices_for_good(app, site, manager, make):
    code, _ = new_code(manager)
    tablet = app.test_client()
    enrol(tablet, code)
    admin = make.network_admin()
    db.session.commit()
    network = app.test_client()
    login(network, admin.email)
    pid = site["partner"].id
    for active in ("0", "1"):
        network.post(f"/admin/partners/{pid}/active", data={"active": active,
                                                            "csrf_token": csrf_token(network, "/admin/offices")})
    assert tablet.get("/scanner").status_code == 302


def test_the_entrance_sees_todays_admissions_of_its_own_site_and_no_directory(app, site, manager, make):
    code, _ = new_code(manager)
    tablet = app.test_client()
    enrol(tablet, code)
    holder = site["agent"]
    assert "Aucune entrée aujourd'hui" in text(tablet.get("/site/today"))
    assert scan(tablet, site["pass_token"]).get_json()["results"][0]["status"] == "admitted"

    page = text(tablet.get("/site/today"))
    shown = f"{holder.first_name} {holder.last_name[0]}."  # as on the admissions page: first name, initial
    assert 'data-today-count="1"' in page and shown in page
    other = app.test_client()
    login(other, site["other_manager"].email)
    assert 'data-today-count="0"' in text(other.get("/site/today"))  # another site's entrance sees none of it
    assert shown not in text(other.get("/site/today"))
    assert tablet.get("/api/v1/partners").status_code == 403  # scanning only: the bundle holds what it needs


def test_the_network_admin_adds_and_withdraws_a_sites_devices_and_creates_entrance_staff(app, site, make):
    admin = make.network_admin()
    db.session.commit()
    network = app.test_client()
    login(network, admin.email)
    pid, other_pid = site["partner"].id, site["other_manager"].partner_id
    page = text(network.get(f"/admin/partners/{pid}/devices"))
    assert "Appareils d'entrée de Château de Salses" in page and 'name="pin"' not in page  # the PIN is the manager's
    token = csrf_token(network, f"/admin/partners/{pid}/devices")
    shown = text(network.post(f"/admin/partners/{pid}/devices/new", data={"name": "Caisse groupes", "csrf_token": token}))
    code = re.search(r"/enrol/([A-Z0-9-]+)", shown).group(1)
    tablet = app.test_client()
    enrol(tablet, code)
    device = User.query.filter_by(role=Role.entrance_device, first_name="Caisse groupes").one()
    assert device.partner_id == pid
    people = text(network.get(f"/admin/partners/{pid}"))
    assert 'data-role="partner_staff"' in people and 'data-role="entrance_device"' not in people  # no person
    # Another site's page never reaches this device.
    assert network.post(f"/admin/partners/{other_pid}/devices/{device.id}/revoke",
                        data={"csrf_token": token}).status_code == 404
    assert network.post(f"/admin/partners/{pid}/devices/{device.id}/revoke", data={"csrf_token": token}).status_code == 302
    assert tablet.get("/api/v1/scanner/bundle").status_code == 401

    response = network.post(f"/admin/partners/{pid}/staff", data={
        "staff-first_name": "Núria", "staff-last_name": "Pous", "staff-email": "nuria@example.fr",
        "staff-role": "entrance_staff", "csrf_token": csrf_token(network, f"/admin/partners/{pid}")})
    assert response.status_code == 200
    person = User.query.filter_by(email="nuria@example.fr").one()
    assert (person.role, person.partner_id) == (Role.entrance_staff, pid)
    assert "Personnel d'entrée" in text(network.get(f"/admin/partners/{pid}"))
    forged = network.post(f"/admin/partners/{pid}/staff", data={
        "staff-first_name": "X", "staff-last_name": "Y", "staff-email": "x@example.fr",
        "staff-role": "network_admin", "csrf_token": csrf_token(network, f"/admin/partners/{pid}")})
    assert forged.status_code == 400 and User.query.filter_by(email="x@example.fr").count() == 0
