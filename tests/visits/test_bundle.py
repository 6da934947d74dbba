"""GET /api/v1/scanner/bundle: what a scanner decides with offline, in full or as changes since its last sync."""
import json
from datetime import date, datetime, timedelta


from passresot.accounts.tokens import create_api_token
from passresot.extensions import db
from passresot.passes.api import issue_pass, revoke_pass
from passresot.timeutil import paris_today, utcnow
from passresot.visits.api import record_scans, undo_admission
from passresot.visits.bundle import scanner_bundle
from passresot.passes.models import Pass
from passresot.visits.models import Scan, Visit

from .helpers import BUNDLE_URL as URL, another_holder, item, set_periods


def admit(site, pass_, **extra):
    result = record_scans(site.staff, [item(pass_.token, **extra)])[0]
    db.session.commit()
    return result


def age_everything(minutes=10):
    """Move every recorded time back, beyond the sync overlap, as if the last sync was a while ago."""
    shift = timedelta(minutes=minutes)
    for scan in Scan.query:
        scan.received_at -= shift
        scan.scanned_at -= shift
    for visit in Visit.query:
        visit.admitted_at -= shift
    for pass_ in Pass.query:
        pass_.issued_at -= shift
        pass_.closed_at = pass_.closed_at and pass_.closed_at - shift
    db.session.commit()


def synced(bundle_device):
    """A sync, then time passes: returns the `since` for the next one."""
    since = bundle_device()["server_time"]
    age_everything()
    return (datetime.fromisoformat(since[:-1]) - timedelta(minutes=5)).isoformat() + "Z"


def test_the_full_bundle_has_keys_site_settings_admissions_and_times(app, bundle_device, site):
    set_periods(site.partner, (date(2000, 1, 1), date(2000, 12, 31), True))
    admit(site, site.pass_)
    bundle = bundle_device()
    assert bundle["full"] is True
    assert bundle["keys"] == app.extensions["pass_keys"].public_jwks()
    assert bundle["site"] == {"id": site.partner.id, "name": "Musée d'art moderne", "accepts_all_year": False,
                              "periods": [{"starts_on": "2000-01-01", "ends_on": "2000-12-31", "recurring": True}],
                              "booking": "unknown"}
    assert bundle["admissions"] == [{"pass_id": site.pass_.id, "user_id": site.agent.id,
                                     "visited_on": paris_today().isoformat()}]
    assert bundle["admissions_removed"] == [] and bundle["revocations"] == []
    assert (bundle["max_age"], bundle["tolerance_seconds"], bundle["year"]) == (86400, 300, paris_today().year)
    server_time = datetime.fromisoformat(bundle["server_time"].replace("Z", "+00:00")).replace(tzinfo=None)
    assert abs(server_time - utcnow()) < timedelta(seconds=30)


def test_the_bundle_says_nothing_personal(bundle_device, site):
    admit(site, site.pass_)
    text = json.dumps(bundle_device())
    for private in (site.agent.email, site.agent.last_name, site.agent.first_name, site.staff.email, "photo",
                    site.pass_.token[4:40], site.pass_.number):
        assert private not in text


def test_only_this_sites_admissions_of_this_year(bundle_device, site):
    elsewhere = site.make.partner(accepts_all_year=True)
    other = another_holder(site)
    db.session.add_all([
        Visit(user_id=other.user_id, partner_id=elsewhere.id, pass_id=other.id, year=paris_today().year),
        Visit(user_id=other.user_id, partner_id=site.partner.id, pass_id=other.id,
              year=paris_today().year - 1, admitted_at=utcnow() - timedelta(days=400))])
    db.session.commit()
    assert bundle_device()["admissions"] == []


def test_since_sends_only_what_changed(bundle_device, site):
    admit(site, site.pass_)
    since = synced(bundle_device)
    assert bundle_device(since)["admissions"] == []  # nothing new...
    later = another_holder(site)
    admit(site, later)
    revoke_pass(None, site.pass_, "Téléphone perdu")
    db.session.commit()
    changes = bundle_device(since)
    assert changes["full"] is False
    assert [a["pass_id"] for a in changes["admissions"]] == [later.id]
    assert [r["pass_id"] for r in changes["revocations"]] == [site.pass_.id]


def test_an_old_offline_scan_uploaded_now_is_a_change(bundle_device, site):
    since = synced(bundle_device)
    admit(site, site.pass_, scanned_at=utcnow() - timedelta(hours=6), offline_verdict="admitted")
    assert [a["pass_id"] for a in bundle_device(since)["admissions"]] == [site.pass_.id]


def test_an_undone_admission_is_sent_for_removal(bundle_device, site):
    scan = admit(site, site.pass_)
    since = synced(bundle_device)
    undo_admission(site.staff, scan["id"], now=utcnow() - timedelta(minutes=1))
    db.session.commit()
    changes = bundle_device(since)
    assert changes["admissions_removed"] == [{"pass_id": site.pass_.id, "user_id": site.agent.id}]
    assert changes["admissions"] == []
    assert bundle_device()["admissions"] == []


def test_a_renewed_pass_is_listed_so_the_holder_is_still_recognised(bundle_device, site):
    admit(site, site.pass_)
    since = synced(bundle_device)
    renewed = issue_pass(None, site.agent)
    db.session.commit()
    changes = bundle_device(since)
    assert [a["pass_id"] for a in changes["admissions"]] == [renewed.id]
    assert {a["pass_id"] for a in bundle_device()["admissions"]} == {site.pass_.id, renewed.id}
    assert [r["pass_id"] for r in changes["revocations"]] == [site.pass_.id]


def test_undoing_a_conflict_on_a_taken_slot_removes_nothing(bundle_device, site):
    admit(site, site.pass_)
    conflict = admit(site, site.pass_, offline_verdict="admitted")
    since = synced(bundle_device)
    undo_admission(site.staff, conflict["id"], now=utcnow() - timedelta(minutes=1))
    db.session.commit()
    assert bundle_device(since)["admissions_removed"] == []


def test_a_bad_since_is_a_400(app, site):
    token = create_api_token(site.staff, "x")[0]
    db.session.commit()
    response = app.test_client().get(URL, query_string={"since": "hier"},
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response.get_json()["error"]["fields"]["since"]


def test_the_domain_function_gives_the_same_bundle(app, site):
    bundle = scanner_bundle(site.staff)
    assert bundle["site"]["id"] == site.partner.id and bundle["full"] is True
