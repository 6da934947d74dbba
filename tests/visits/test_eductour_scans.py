"""Eductour attendance by scan: a holder invited to a programme with a stop at the site that day is
admitted as « Éductour », marked present at the stop exactly once, without using (or needing) the
free entry of the year; the device knows the programme from its bundle to say so offline."""
from datetime import datetime, time, timedelta, timezone

import pytest

from passresot.eductours.api import cancel_programme, plan_programme
from passresot.eductours.models import Attendance, AttendanceSource
from passresot.extensions import db
from passresot.passes.api import revoke_pass
from passresot.timeutil import PARIS, paris_today, utcnow
from passresot.visits.api import record_scans, undo_admission
from passresot.visits.models import Scan, ScanStatus, Visit

from .helpers import SCANS_URL, another_holder, item, set_periods


@pytest.fixture
def programme(site):
    """Today's programme: the site as its second stop (10:30–12:00), the site's holder invited."""
    admin = site.make.office_admin(site.office)
    first = site.make.partner(name="Château royal")
    programme = plan_programme(admin, title="Côte Vermeille", day=paris_today(), today=paris_today(),
                               stops=[{"partner_id": first.id, "starts_at": time(9), "ends_at": time(10)},
                                      {"partner_id": site.partner.id, "starts_at": time(10, 30),
                                       "ends_at": time(12)}],
                               agent_ids=[site.agent.id])
    db.session.commit()
    return programme


def record(site, *items):
    results = record_scans(site.staff, list(items))
    db.session.commit()
    return results


def stop_here(site, programme):
    return next(stop for stop in programme.stops if stop.partner_id == site.partner.id)


def test_an_invited_holder_is_present_at_the_stop_and_keeps_the_free_entry(site, programme):
    [result] = record(site, item(site.pass_.token))
    stop = stop_here(site, programme)
    assert result["status"] == "admitted" and result["reason"] is None
    assert result["eductour"] == {"stop_id": stop.id, "title": "Côte Vermeille", "starts_at": "10:30",
                                  "ends_at": "12:00"}
    assert result["holder"]["last_name"] == "Roca"  # the staff checks the face as for any entry
    assert Visit.query.count() == 0  # the free entry of the year is not used
    [attendance] = Attendance.query.all()
    assert (attendance.stop_id, attendance.user_id, attendance.source, attendance.scan_id) == (
        stop.id, site.agent.id, AttendanceSource.scan, result["id"])
    assert db.session.get(Scan, result["id"]).eductour_stop_id == stop.id

    # Scanned again (another staff member, the same group): still « Éductour », present once.
    [again] = record(site, item(site.pass_.token))
    assert again["eductour"]["stop_id"] == stop.id and Attendance.query.count() == 1
    # A scan of the day before (synced now) was no eductour: it is the free entry, still unused.
    [before] = record(site, item(site.pass_.token, scanned_at=utcnow() - timedelta(days=1)))
    assert before["eductour"] is None and before["status"] == "admitted"
    assert Visit.query.count() == 1


def test_a_holder_who_came_this_year_is_still_admitted_for_the_eductour(site, programme):
    [free] = record(site, item(site.pass_.token, scanned_at=utcnow() - timedelta(days=1)))
    assert free["eductour"] is None and Visit.query.count() == 1
    [result] = record(site, item(site.pass_.token))
    assert (result["status"], result["reason"], result["eductour"]["title"]) == ("admitted", None, "Côte Vermeille")


def test_the_sites_periods_do_not_apply_to_an_eductour(site, programme):
    today = paris_today()
    set_periods(site.partner, (today.replace(year=today.year - 1, month=1, day=1),
                               today.replace(year=today.year - 1, month=1, day=31), False))
    [result] = record(site, item(site.pass_.token))
    assert result["status"] == "admitted" and result["eductour"] is not None and not result["override"]


def test_who_is_not_invited_and_a_cancelled_programme_get_the_usual_verdict(site, programme):
    other = another_holder(site)
    [stranger] = record(site, item(other.token))
    assert stranger["eductour"] is None and Visit.query.filter_by(user_id=other.user_id).count() == 1

    programme.day = paris_today() + timedelta(days=1)  # cancelling is allowed before the day only
    db.session.commit()
    cancel_programme(programme.organiser, programme)
    programme.day = paris_today()
    db.session.commit()
    [result] = record(site, item(site.pass_.token))
    assert result["eductour"] is None and Attendance.query.count() == 0


def test_a_revoked_pass_is_refused_even_on_the_eductour_day(site, programme):
    revoke_pass(None, site.pass_, "Téléphone perdu")
    db.session.commit()
    [result] = record(site, item(site.pass_.token))
    assert (result["status"], result["reason"], result["eductour"]) == ("refused", "revoked", None)
    assert Attendance.query.count() == 0


def test_an_offline_eductour_scan_synced_later_counts_once_and_replays_the_same(site, programme):
    # 40 minutes ago, but on the eductour's day (just after midnight in Paris, that was yesterday)
    midnight = datetime.combine(paris_today(), time(0, 1), tzinfo=PARIS).astimezone(timezone.utc)
    scanned = max(utcnow() - timedelta(minutes=40), midnight.replace(tzinfo=None))
    sent = item(site.pass_.token, scanned_at=scanned, offline_verdict="admitted")
    [first] = record(site, sent)
    [replay] = record(site, sent)  # the answer was lost: the outbox sends it again
    assert first["eductour"]["stop_id"] == replay["eductour"]["stop_id"] == stop_here(site, programme).id
    assert replay["replayed"] and not first["conflict"]
    assert Attendance.query.count() == 1 and Scan.query.count() == 1 and Visit.query.count() == 0


def test_the_staff_refusing_at_the_door_records_no_attendance(site, programme):
    [result] = record(site, item(site.pass_.token, offline_verdict="refused", offline_reason="staff_refused"))
    assert result["status"] == "refused" and result["eductour"] is None
    assert Attendance.query.count() == 0


def test_undoing_the_entry_takes_the_holder_off_the_stop(site, programme):
    [result] = record(site, item(site.pass_.token))
    undo_admission(site.staff, result["id"])
    db.session.commit()
    assert Attendance.query.count() == 0
    scan = db.session.get(Scan, result["id"])
    assert scan.undone_at is not None and scan.status is ScanStatus.admitted
    [again] = record(site, item(site.pass_.token))  # scanned again: present again
    assert again["eductour"] is not None and Attendance.query.count() == 1


def test_the_bundle_lists_the_weeks_stops_with_pass_ids_and_no_names(site, programme, bundle_device):
    bundle = bundle_device()
    [stop] = bundle["eductours"]
    assert stop == {"stop_id": stop_here(site, programme).id, "programme_id": programme.id,
                    "title": "Côte Vermeille", "day": paris_today().isoformat(), "starts_at": "10:30",
                    "ends_at": "12:00", "pass_ids": [site.pass_.id]}
    assert "Roca" not in str(bundle)
    # A delta sync carries the whole list again (it replaces what the device holds).
    assert bundle_device(since=bundle["server_time"])["eductours"] == bundle["eductours"]


def test_the_scan_api_answers_eductour_to_a_device(site, programme, device):
    client, headers = device
    response = client.post(SCANS_URL, json={"scans": [item(site.pass_.token)]}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    [result] = response.get_json()["results"]
    assert result["eductour"]["title"] == "Côte Vermeille" and result["status"] == "admitted"
