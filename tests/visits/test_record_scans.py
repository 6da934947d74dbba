"""Recording a device's scans: idempotent per UUID, every scan kept, conflicts and overrides, undo, bad items."""
from datetime import date, timedelta

import pytest

from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.passes.api import revoke_pass
from passresot.passes.models import Pass
from passresot.timeutil import paris_today, utcnow
from passresot.visits.api import (MAX_BATCH, UNDO_WINDOW, manual_entry, record_scans,
                                  undo_admission)
from passresot.visits.exceptions import (NotAPartnerAccount, NotAnAdmission, ScanNotFound,
                                         TooManyScans, UndoTooLate)
from passresot.visits.models import Scan, ScanStatus, Visit

from .helpers import another_holder, item, new_id, other_key, set_periods, sign


def record(site, *items, staff=None):
    results = record_scans(staff or site.staff, list(items))
    db.session.commit()
    return results


def one(site, *args, **kwargs):
    return record(site, item(*args, **kwargs))[0]


def counts():
    return Scan.query.count(), Visit.query.count()


def closed_period():
    """A period that does not contain today (Paris): last year's."""
    today = paris_today()
    return (date(today.year - 1, 1, 1), date(today.year - 1, 1, 31), False)


# --- a first upload -------------------------------------------------------------------------------

def test_an_admission_is_recorded_with_its_visit_and_the_documented_result(site):
    sent = item(site.pass_.token)
    result = record(site, sent)[0]
    assert result == {
        "id": sent["id"], "status": "admitted", "reason": None, "replayed": False, "conflict": False,
        "override": False, "undone": False, "visited_on": None, "identity_withheld": False, "closed": None, "eductour": None,
        "holder": {"first_name": "Amélie", "last_name": "Roca", "office": "Office de Tourisme de Collioure"}}
    scan = db.session.get(Scan, sent["id"])
    visit = Visit.query.one()
    assert scan.visit_id == visit.id and scan.pass_id == site.pass_.id
    assert (visit.user_id, visit.partner_id, visit.year) == (site.agent.id, site.partner.id, paris_today().year)
    assert scan.qr == site.pass_.token and scan.device_id == "tablette-accueil"
    assert scan.scanned_by_id == site.staff.id and scan.offline_verdict is None
    assert abs(scan.received_at - utcnow()) < timedelta(seconds=30)


def test_the_device_time_is_kept_and_dates_the_visit(site):
    seen = utcnow() - timedelta(hours=5)
    one(site, site.pass_.token, scanned_at=seen, offline_verdict="admitted")
    scan = Scan.query.one()
    assert scan.scanned_at == seen.replace(microsecond=seen.microsecond)
    assert Visit.query.one().admitted_at == scan.scanned_at
    assert scan.received_at > scan.scanned_at


def test_a_refused_scan_is_recorded_too_without_visit_or_holder(site):
    forged = "PR1:" + site.pass_.token[4:-2] + "00"
    result = one(site, forged)
    assert (result["status"], result["holder"]) == ("refused", None)
    assert result["reason"] in ("invalid_signature", "malformed")
    assert counts() == (1, 0)
    assert Scan.query.one().status is ScanStatus.refused


def test_a_second_scan_of_the_same_holder_is_already_visited_with_the_date(site):
    assert one(site, site.pass_.token)["status"] == "admitted"
    second = one(site, site.pass_.token)
    assert (second["status"], second["reason"]) == ("refused", "already_visited")
    assert second["visited_on"] == paris_today().isoformat()
    assert second["holder"] is None  # a refusal names no one (a typed number would name anyone)
    assert counts() == (2, 1)


def test_ten_kilobytes_of_garbage_are_recorded_as_malformed_and_cut(site):
    result = one(site, "X" * 10_240)
    assert (result["status"], result["reason"]) == ("refused", "malformed")
    assert len(Scan.query.one().qr) == 300


# --- replays --------------------------------------------------------------------------------------

def test_a_replay_returns_the_first_result_and_changes_nothing(site):
    sent = item(site.pass_.token)
    first = record(site, sent)[0]
    again = record(site, {**sent, "qr": "autre chose", "offline_verdict": "refused",
                          "offline_reason": "malformed"})[0]
    assert first["holder"]["last_name"] == "Roca"
    assert again == {**first, "replayed": True, "holder": None}  # named on the first answer only
    assert counts() == (1, 1)


def test_a_uuid_twice_in_one_batch_is_recorded_once(site):
    sent = item(site.pass_.token)
    first, second = record(site, sent, dict(sent))
    assert (first["replayed"], second["replayed"]) == (False, True)
    assert second["status"] == "admitted" and counts() == (1, 1)


def test_a_uuid_of_another_site_is_refused_for_that_item_only(site):
    sent = item(site.pass_.token)
    record(site, sent)
    stranger = site.make.partner_staff(site.make.partner(accepts_all_year=True))
    results = record(site, dict(sent), item(another_holder(site).token), staff=stranger)
    assert results[0]["error"]["code"] == "scan_id_taken" and results[0]["status"] is None
    assert "holder" not in results[0]
    assert results[1]["status"] == "admitted"


def test_an_uppercase_uuid_is_the_same_scan(site):
    sent = item(site.pass_.token)
    record(site, sent)
    again = record(site, {**sent, "id": sent["id"].upper()})[0]
    assert again["replayed"] and again["id"] == sent["id"].upper()


# --- offline verdicts: conflicts kept, refusals respected -----------------------------------------

def test_an_offline_admission_of_a_revoked_pass_is_kept_as_a_conflict_that_counts_nowhere_yet(site):
    revoke_pass(None, site.pass_, "Téléphone perdu")
    db.session.commit()
    result = one(site, site.pass_.token, offline_verdict="admitted")
    assert (result["status"], result["reason"], result["conflict"]) == ("admitted", "revoked", True)
    assert counts() == (1, 0)  # no visit until the network admin accepts it (review.py)
    assert Scan.query.one().visit_id is None and Scan.query.one().review is None


def test_an_offline_admission_of_a_pass_revoked_before_the_devices_last_sync_is_refused_outright(site):
    revoke_pass(None, site.pass_, "Téléphone perdu")
    db.session.commit()
    closed = db.session.get(Pass, site.pass_.id).closed_at
    knew = one(site, site.pass_.token, offline_verdict="admitted",
               bundle_synced_at=(closed + timedelta(minutes=5)).isoformat() + "Z")
    assert (knew["status"], knew["reason"], knew["conflict"]) == ("refused", "revoked", False)
    did_not_know = one(site, site.pass_.token, offline_verdict="admitted",
                       bundle_synced_at=(closed - timedelta(minutes=5)).isoformat() + "Z")
    assert (did_not_know["status"], did_not_know["conflict"]) == ("admitted", True)
    bad = record(site, item(site.pass_.token, offline_verdict="admitted", bundle_synced_at="hier"))[0]
    assert bad["error"]["fields"]["bundle_synced_at"].startswith("Date ISO 8601")


def synced(moment) -> str:
    return moment.isoformat() + "Z"


def move_back(model, row_id, **columns):
    """Set columns of a stored row straight in the database (no onupdate), e.g. to date it earlier."""
    db.session.execute(model.__table__.update().where(model.__table__.c.id == row_id).values(**columns))
    db.session.commit()
    db.session.expire_all()


def test_an_offline_admission_of_a_holder_the_devices_bundle_listed_as_admitted_is_refused_outright(site):
    hour_ago = utcnow() - timedelta(hours=1)
    move_back(Pass, site.pass_.id, issued_at=hour_ago - timedelta(days=1))
    first = one(site, site.pass_.token)
    move_back(Scan, first["id"], received_at=hour_ago)  # recorded an hour ago: in every later bundle
    knew = one(site, site.pass_.token, offline_verdict="admitted", bundle_synced_at=synced(hour_ago + timedelta(minutes=30)))
    assert (knew["status"], knew["reason"], knew["conflict"]) == ("refused", "already_visited", False)
    # Synced before the admission reached the server (or within the overlap): the device could not know.
    for before in (hour_ago - timedelta(minutes=1), hour_ago + timedelta(minutes=1)):
        did_not_know = one(site, site.pass_.token, offline_verdict="admitted", bundle_synced_at=synced(before))
        assert (did_not_know["status"], did_not_know["conflict"]) == ("admitted", True)
    assert Visit.query.count() == 1


def test_two_devices_offline_admitting_one_holder_stay_a_conflict_whatever_the_sync_time(site):
    """The earlier admission was made before the second device synced but reached the server after:
    no bundle of that device listed it."""
    move_back(Pass, site.pass_.id, issued_at=utcnow() - timedelta(days=2))
    made = utcnow() - timedelta(hours=2)
    one(site, site.pass_.token, offline_verdict="admitted", scanned_at=made)  # received now
    second = one(site, site.pass_.token, offline_verdict="admitted", scanned_at=made + timedelta(minutes=5),
                 bundle_synced_at=synced(utcnow() - timedelta(minutes=30)))
    assert (second["status"], second["reason"], second["conflict"]) == ("admitted", "already_visited", True)


def test_a_holder_whose_new_pass_the_bundle_did_not_hold_is_a_conflict_not_a_refusal(site):
    hour_ago = utcnow() - timedelta(hours=1)
    first = one(site, site.pass_.token)
    move_back(Scan, first["id"], received_at=hour_ago)
    # site.pass_ was issued just now, after the sync: the bundle listed the admission under no such pass.
    result = one(site, site.pass_.token, offline_verdict="admitted", bundle_synced_at=synced(hour_ago + timedelta(minutes=30)))
    assert (result["status"], result["conflict"]) == ("admitted", True)


def test_an_offline_admission_outside_periods_the_device_held_is_refused_outright(site):
    set_periods(site.partner, closed_period())
    move_back(type(site.partner), site.partner.id, updated_at=utcnow() - timedelta(hours=1))
    knew = one(site, site.pass_.token, offline_verdict="admitted", bundle_synced_at=synced(utcnow() - timedelta(minutes=30)))
    assert (knew["status"], knew["reason"], knew["conflict"]) == ("refused", "outside_accepted_period", False)
    older = one(site, site.pass_.token, offline_verdict="admitted", bundle_synced_at=synced(utcnow() - timedelta(hours=2)))
    assert (older["status"], older["reason"], older["conflict"]) == ("admitted", "outside_accepted_period", True)
    assert Visit.query.count() == 0


def test_an_offline_admission_on_a_taken_slot_is_kept_as_a_conflict_without_a_second_visit(site):
    one(site, site.pass_.token)
    result = one(site, site.pass_.token, offline_verdict="admitted")
    assert (result["status"], result["reason"], result["conflict"]) == ("admitted", "already_visited", True)
    assert result["visited_on"] == paris_today().isoformat()
    assert counts() == (2, 1)


def test_an_offline_admission_of_a_forged_code_is_kept_and_names_no_one(site):
    result = one(site, sign(site.pass_, key=other_key()), offline_verdict="admitted")
    assert (result["status"], result["reason"], result["conflict"]) == ("admitted", "unknown_key", True)
    assert result["holder"] is None and counts() == (1, 0)


def test_an_offline_admission_the_server_agrees_with_is_no_conflict(site):
    result = one(site, site.pass_.token, offline_verdict="admitted")
    assert (result["status"], result["conflict"]) == ("admitted", False)


def test_an_offline_refusal_admits_no_one_behind_the_staffs_back(site):
    result = one(site, site.pass_.token, offline_verdict="refused", offline_reason="revoked")
    assert (result["status"], result["reason"], result["conflict"]) == ("refused", "revoked", False)
    assert counts() == (1, 0)
    assert Scan.query.one().offline_reason == "revoked"


def test_a_refusal_the_staff_chose_with_no_rule_is_recorded_as_theirs_not_as_an_unreadable_code(site):
    result = one(site, site.pass_.token, offline_verdict="refused", offline_reason="staff_refused")
    assert (result["status"], result["reason"], result["conflict"]) == ("refused", "staff_refused", False)
    db.session.expire_all()
    assert (Scan.query.one().reason, Scan.query.one().offline_reason) == ("staff_refused", "staff_refused")
    assert counts() == (1, 0)


# --- outside the accepted periods: "accepter quand même" ------------------------------------------

def test_outside_the_periods_is_refused_unless_the_staff_overrides(site):
    set_periods(site.partner, closed_period())
    refused = one(site, site.pass_.token)
    assert (refused["status"], refused["reason"]) == ("refused", "outside_accepted_period")
    accepted = one(site, site.pass_.token, override=True)
    assert (accepted["status"], accepted["override"], accepted["reason"]) == \
        ("admitted", True, "outside_accepted_period")
    assert counts() == (2, 1)
    event = AuditEvent.query.filter_by(action="scan.override").one()
    assert event.actor_id == site.staff.id and event.details["scan_id"] == accepted["id"]


def test_an_override_does_not_lift_any_other_refusal(site):
    set_periods(site.partner, closed_period())
    one(site, site.pass_.token, override=True)
    again = one(site, site.pass_.token, override=True)
    assert (again["status"], again["reason"], again["override"]) == ("refused", "already_visited", False)
    revoked = another_holder(site)
    revoke_pass(None, revoked, "Perdu")
    db.session.commit()
    assert one(site, revoked.token, override=True)["reason"] == "revoked"
    assert AuditEvent.query.filter_by(action="scan.override").count() == 1


# --- bad items: refused one by one, the others recorded -------------------------------------------

@pytest.mark.parametrize("change, field", [
    ({"id": "pas-un-uuid"}, "id"), ({"id": None}, "id"), ({"id": 12}, "id"),
    ({"qr": None}, "qr"), ({"qr": ""}, "qr"), ({"qr": 42}, "qr"), ({"pass_number": "4K7M-X9Q2"}, "qr"),
    ({"scanned_at": "hier"}, "scanned_at"), ({"scanned_at": None}, "scanned_at"),
    ({"scanned_at": "2999-01-01T00:00:00Z"}, "scanned_at"), ({"scanned_at": "1970-01-01T00:00:00Z"}, "scanned_at"),
    ({"device_id": ""}, "device_id"), ({"device_id": "x" * 101}, "device_id"),
    ({"offline_verdict": "maybe"}, "offline_verdict"), ({"offline_reason": "tired"}, "offline_reason"),
    ({"offline_verdict": "refused"}, "offline_reason"), ({"override": "yes"}, "override"),
])
def test_a_bad_item_is_refused_on_its_own_and_the_others_are_recorded(site, change, field):
    bad = {**item(site.pass_.token), **change}
    if change.get("qr", "") is None:
        del bad["qr"]
    good = item(another_holder(site).token)
    results = record(site, bad, good)
    assert results[0]["status"] is None and results[0]["error"]["code"] == "invalid_scan"
    assert field in results[0]["error"]["fields"]
    assert results[1]["status"] == "admitted" and counts() == (1, 1)


def test_items_that_are_not_objects_are_refused_on_their_own(site):
    results = record(site, "PR1:ABC", None, [1], item(site.pass_.token))
    assert [r["status"] for r in results] == [None, None, None, "admitted"]
    assert results[0]["id"] is None


def test_a_batch_over_the_limit_is_refused_whole(site):
    with pytest.raises(TooManyScans):
        record_scans(site.staff, [item(site.pass_.token) for _ in range(MAX_BATCH + 1)])
    assert counts() == (0, 0)


def test_a_full_batch_is_recorded(site):
    results = record(site, *[item("PR1:" + str(n)) for n in range(MAX_BATCH)])
    assert len(results) == MAX_BATCH and Scan.query.count() == MAX_BATCH


def test_only_partner_staff_record_scans(site):
    for user in (site.agent, site.make.network_admin(), site.make.office_admin(site.office)):
        with pytest.raises(NotAPartnerAccount) as refused:
            record_scans(user, [item(site.pass_.token)])
        assert refused.value.code == "not_a_partner_account" and refused.value.status == 403
    assert counts() == (0, 0)


# --- manual entry ---------------------------------------------------------------------------------

def test_a_typed_pass_number_is_decided_like_a_scan(site):
    result = manual_entry(site.staff, site.pass_.display_number.lower(), scan_id=new_id(),
                          device_id="tablette")
    db.session.commit()
    assert (result["status"], result["holder"]["last_name"]) == ("admitted", "Roca")
    scan = Scan.query.one()
    assert (scan.qr, scan.pass_number, scan.pass_id) == (None, site.pass_.number,
                                                         site.pass_.id)
    again = manual_entry(site.staff, site.pass_.number, scan_id=new_id(), device_id="tablette")
    assert again["reason"] == "already_visited"


def test_a_typed_number_that_names_no_pass_is_malformed(site):
    result = manual_entry(site.staff, "ZZZZ-ZZZZ", scan_id=new_id(), device_id="tablette")
    assert (result["status"], result["reason"], result["holder"]) == ("refused", "malformed", None)


# --- undo ("annuler cette entrée") ----------------------------------------------------------------

def test_undo_within_ten_minutes_frees_the_slot_and_is_audited(site):
    first = one(site, site.pass_.token)
    scan = undo_admission(site.staff, first["id"])
    db.session.commit()
    assert scan.undone_at is not None and scan.undone_by_id == site.staff.id and scan.visit_id is None
    assert counts() == (1, 0)
    event = AuditEvent.query.filter_by(action="scan.undone").one()
    assert event.details["scan_id"] == first["id"] and event.details["holder_id"] == site.agent.id
    assert one(site, site.pass_.token)["status"] == "admitted"
    assert counts() == (2, 1)


def test_undo_after_ten_minutes_is_refused(site):
    first = one(site, site.pass_.token)
    received = db.session.get(Scan, first["id"]).received_at
    with pytest.raises(UndoTooLate):
        undo_admission(site.staff, first["id"], now=received + UNDO_WINDOW + timedelta(seconds=1))
    undo_admission(site.staff, first["id"], now=received + UNDO_WINDOW)
    db.session.commit()
    assert counts() == (1, 0)


def test_undo_twice_changes_nothing_more(site):
    first = one(site, site.pass_.token)
    undone_at = undo_admission(site.staff, first["id"]).undone_at
    db.session.commit()
    assert undo_admission(site.staff, first["id"]).undone_at == undone_at
    assert AuditEvent.query.filter_by(action="scan.undone").count() == 1


def test_undo_of_a_refusal_or_of_another_sites_scan_is_refused(site):
    refused = one(site, "n'importe quoi")
    with pytest.raises(NotAnAdmission):
        undo_admission(site.staff, refused["id"])
    admitted = one(site, site.pass_.token)
    stranger = site.make.partner_staff(site.make.partner())
    with pytest.raises(ScanNotFound):
        undo_admission(stranger, admitted["id"])
    with pytest.raises(ScanNotFound):
        undo_admission(site.staff, new_id())
    with pytest.raises(NotAPartnerAccount):
        undo_admission(site.agent, admitted["id"])
    assert counts() == (2, 1)


def test_a_replay_after_undo_says_so(site):
    sent = item(site.pass_.token)
    record(site, sent)
    undo_admission(site.staff, sent["id"])
    db.session.commit()
    again = record(site, sent)[0]
    assert again["replayed"] and again["undone"] and again["status"] == "admitted"
    assert counts() == (1, 0)


@pytest.mark.parametrize("close", ["returned", "revoked", "replaced"])
def test_a_closed_pass_is_refused_saying_how_it_was_closed(site, close):
    from passresot.passes.api import issue_pass, return_pass

    if close == "returned":
        return_pass(None, site.pass_)
    elif close == "revoked":
        revoke_pass(None, site.pass_, "Téléphone perdu")
    else:
        issue_pass(None, site.pass_.holder)  # a renewal replaces the pass
    db.session.commit()
    result = one(site, site.pass_.token)
    assert (result["status"], result["reason"], result["closed"]) == ("refused", "revoked", close)
    assert record(site, item(site.pass_.token))[0]["closed"] == close
    assert one(site, another_holder(site).token)["closed"] is None
