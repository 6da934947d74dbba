"""The scanner bundle holds no photo and no personal data: the exact keys of every item."""
import uuid
from datetime import time, timedelta

from passresot.accounts.tokens import create_api_token
from passresot.eductours.api import plan_programme
from passresot.extensions import db
from passresot.passes.api import issue_pass, revoke_pass
from passresot.timeutil import paris_today, utcnow
from passresot.visits.api import record_scans


def test_the_bundle_holds_ids_and_dates_only(app, make):
    site = make.partner("Palais")
    staff = make.partner_staff(site)
    admitted = make.agent(first_name="Amélie", last_name="Roca", email="amelie@example.fr")
    revoked = make.agent(first_name="Bruno", last_name="Vidal", email="bruno@example.fr")
    admitted_pass, revoked_pass = issue_pass(None, admitted), issue_pass(None, revoked)
    revoke_pass(None, revoked_pass, "Téléphone perdu par Bruno")
    db.session.commit()
    office_admin = make.office_admin(admitted.office)
    tomorrow = paris_today() + timedelta(days=1)
    plan_programme(office_admin, title="Éductour", day=tomorrow, agent_ids=[admitted.id, revoked.id],
                   stops=[{"partner_id": site.id, "starts_at": time(9), "ends_at": time(10)}])
    db.session.commit()
    record_scans(staff, [{"id": str(uuid.uuid4()), "qr": admitted_pass.token, "device_id": "t",
                          "scanned_at": utcnow().isoformat() + "Z"}])
    token = create_api_token(staff, "Tablette")[0]
    db.session.commit()
    response = app.test_client().get("/api/v1/scanner/bundle", headers={"Authorization": f"Bearer {token}"})
    bundle = response.get_json()
    assert set(bundle) == {"full", "keys", "revocations", "site", "year", "admissions", "admissions_removed",
                           "server_time", "max_age", "tolerance_seconds", "verify_after_days", "eductours"}
    assert len(bundle["admissions"]) == 1 and len(bundle["revocations"]) == 1
    assert {frozenset(a) for a in bundle["admissions"]} == {frozenset({"pass_id", "user_id", "visited_on"})}
    assert {frozenset(r) for r in bundle["revocations"]} == {frozenset({"pass_id", "revoked_at", "status"})}
    assert {frozenset(k) for k in bundle["keys"]} == {frozenset({"kid", "alg", "public_key"})}
    # Tomorrow's eductour stop here: ids, times and the programme's title, no names of the invited.
    assert bundle["eductours"][0]["pass_ids"] == [admitted_pass.id]
    assert {frozenset(stop) for stop in bundle["eductours"]} == {frozenset(
        {"stop_id", "programme_id", "title", "day", "starts_at", "ends_at", "pass_ids"})}
    assert set(bundle["site"]) == {"id", "name", "accepts_all_year", "periods", "booking"}
    body = response.get_data(as_text=True)
    for personal in ("Amélie", "Roca", "Bruno", "Vidal", "amelie@", "bruno@", "Téléphone perdu", "jpeg",
                     "photo", admitted_pass.number, admitted_pass.token[:20]):
        assert personal not in body, personal
