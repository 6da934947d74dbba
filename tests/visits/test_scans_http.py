"""POST /api/v1/scans, /scans/<id>/undo, /scans/<id>/photo over HTTP: who may, limits, JSON errors in French."""
import io
import json
from datetime import timedelta

import pytest

from passresot.accounts.tokens import create_api_token
from passresot.extensions import db
from passresot.timeutil import utcnow
from passresot.visits.models import Scan, Visit

from .helpers import SCANS_URL as URL, another_holder, item, new_id


def bearer_for(user):
    token = create_api_token(user, "test")[0]
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    return error


def test_a_device_posts_a_batch_and_gets_one_result_per_scan(device, site):
    client, headers = device
    sent = [item(site.pass_.token), item("https://exemple.fr"), item(site.pass_.token)]
    response = client.post(URL, json={"scans": sent}, headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert [r["id"] for r in body["results"]] == [s["id"] for s in sent]
    assert [(r["status"], r["reason"]) for r in body["results"]] == [
        ("admitted", None), ("refused", "malformed"), ("refused", "already_visited")]
    assert body["server_time"].endswith("Z")
    photo_url = body["results"][0]["holder"]["photo_url"]
    assert photo_url == f"/api/v1/scans/{sent[0]['id']}/photo"
    db.session.expire_all()
    assert Scan.query.count() == 3 and Visit.query.count() == 1


def test_the_same_batch_sent_again_is_replayed(device, site):
    client, headers = device
    sent = {"scans": [item(site.pass_.token), item("PR1:xyz")]}
    first = client.post(URL, json=sent, headers=headers).get_json()["results"]
    again = client.post(URL, json=sent, headers=headers).get_json()["results"]
    assert again == [{**result, "replayed": True, "holder": None} for result in first]
    db.session.expire_all()
    assert Scan.query.count() == 2 and Visit.query.count() == 1


@pytest.mark.parametrize("who", ["agent", "network_admin", "office_admin"])
def test_only_partner_staff_may_post_scans_or_read_the_bundle(app, site, who):
    user = {"agent": site.agent, "network_admin": site.make.network_admin(),
            "office_admin": site.make.office_admin(site.office)}[who]
    client, headers = app.test_client(), bearer_for(user)
    error = assert_error(client.post(URL, json={"scans": [item(site.pass_.token)]}, headers=headers),
                         403, "not_a_partner_account")
    assert error["message"] == "Ce compte n'est pas celui d'un site partenaire."
    assert_error(client.get("/api/v1/scanner/bundle", headers=headers), 403, "not_a_partner_account")
    assert_error(client.post(f"{URL}/{new_id()}/undo", headers=headers), 403, "not_a_partner_account")
    db.session.expire_all()
    assert Scan.query.count() == 0


def test_anonymous_callers_get_a_401(app, site):
    client = app.test_client()
    assert_error(client.post(URL, json={"scans": []}), 401, "unauthorized")
    assert_error(client.get("/api/v1/scanner/bundle"), 401, "unauthorized")


def test_more_than_100_scans_is_a_413_in_french(device, site):
    client, headers = device
    response = client.post(URL, json={"scans": [item("PR1:A") for _ in range(101)]}, headers=headers)
    error = assert_error(response, 413, "too_many_scans")
    assert "100" in error["message"] and "découpez" in error["message"]
    db.session.expire_all()
    assert Scan.query.count() == 0


def test_a_body_over_one_megabyte_is_a_413_in_french(device, site):
    client, headers = device
    body = json.dumps({"scans": [item("PR1:" + "A" * 4000) for _ in range(300)]})
    assert len(body) > 1024 * 1024
    response = client.post(URL, data=body, content_type="application/json", headers=headers)
    error = assert_error(response, 413, "body_too_large")
    assert "1 Mo" in error["message"]


def test_a_streamed_body_over_one_megabyte_is_a_413_too(device, site):
    client, headers = device
    data = b'{"scans": ["' + b"A" * (1100 * 1024) + b'"]}'
    response = client.post(URL, input_stream=io.BytesIO(data), content_type="application/json",
                           headers={**headers, "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert_error(response, 413, "body_too_large")


@pytest.mark.parametrize("body", [{"scans": "PR1:"}, {"scan": []}, ["a"], None])
def test_a_body_without_a_scans_list_is_a_400(device, body):
    client, headers = device
    if body is None:
        response = client.post(URL, data="pas du json", content_type="application/json", headers=headers)
    else:
        response = client.post(URL, json=body, headers=headers)
    assert_error(response, 400, "invalid_request")


def test_a_bad_item_gets_an_error_entry_and_the_batch_goes_on(device, site):
    client, headers = device
    bad = {"id": "123", "qr": site.pass_.token, "scanned_at": "demain", "device_id": "x"}
    results = client.post(URL, json={"scans": [bad, item(site.pass_.token)]}, headers=headers).get_json()["results"]
    assert results[0]["error"]["code"] == "invalid_scan"
    assert set(results[0]["error"]["fields"]) == {"id", "scanned_at"}
    assert "UUID" in results[0]["error"]["fields"]["id"]
    assert results[1]["status"] == "admitted"


def test_manual_entry_is_an_item_with_a_pass_number(device, site):
    client, headers = device
    sent = item(pass_number=site.pass_.display_number)
    result = client.post(URL, json={"scans": [sent]}, headers=headers).get_json()["results"][0]
    assert (result["status"], result["holder"]["first_name"]) == ("admitted", "Amélie")


def test_a_browser_session_must_send_the_csrf_token(app, site):
    from tests.helpers import login
    from tests.helpers import page_csrf_token

    client = app.test_client()
    assert login(client, site.staff.email).status_code == 302
    sent = {"scans": [item(site.pass_.token)]}
    assert_error(client.post(URL, json=sent), 400, "csrf_failed")
    token = page_csrf_token(client)
    assert client.post(URL, json=sent, headers={"X-CSRFToken": token}).status_code == 200


# --- undo over HTTP -------------------------------------------------------------------------------

def test_undo_over_http_and_its_refusals(device, site):
    client, headers = device
    sent = item(site.pass_.token)
    client.post(URL, json={"scans": [sent]}, headers=headers)
    response = client.post(f"{URL}/{sent['id']}/undo", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["undone"] is True and response.get_json()["status"] == "admitted"
    db.session.expire_all()
    assert Visit.query.count() == 0
    assert_error(client.post(f"{URL}/{new_id()}/undo", headers=headers), 404, "scan_not_found")
    assert client.post(f"{URL}/pas-un-uuid/undo", headers=headers).status_code == 404


def test_another_sites_staff_cannot_undo_or_see_the_photo(app, device, site):
    client, headers = device
    sent = item(site.pass_.token)
    client.post(URL, json={"scans": [sent]}, headers=headers)
    stranger = bearer_for(site.make.partner_staff(site.make.partner()))
    assert_error(app.test_client().post(f"{URL}/{sent['id']}/undo", headers=stranger), 404, "scan_not_found")
    assert_error(app.test_client().get(f"{URL}/{sent['id']}/photo", headers=stranger), 404, "scan_not_found")
    db.session.expire_all()
    assert Visit.query.count() == 1


def test_undo_after_ten_minutes_is_a_409(device, site):
    client, headers = device
    sent = item(site.pass_.token)
    client.post(URL, json={"scans": [sent]}, headers=headers)
    scan = db.session.get(Scan, sent["id"])
    scan.received_at -= timedelta(minutes=11)
    db.session.commit()
    error = assert_error(client.post(f"{URL}/{sent['id']}/undo", headers=headers), 409, "undo_too_late")
    assert "10 minutes" in error["message"]


# --- the holder's photo, for the verdict screen ---------------------------------------------------

def test_the_photo_is_served_right_after_a_scan_and_not_later(device, site):
    client, headers = device
    sent, forged = item(site.pass_.token), item("PR1:faux")
    client.post(URL, json={"scans": [sent, forged]}, headers=headers)
    photo = client.get(f"{URL}/{sent['id']}/photo", headers=headers)
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert photo.data[:2] == b"\xff\xd8" and "no-store" in photo.headers["Cache-Control"]
    assert client.get(f"{URL}/{forged['id']}/photo", headers=headers).status_code == 404
    scan = db.session.get(Scan, sent["id"])
    scan.received_at -= timedelta(minutes=11)
    db.session.commit()
    assert client.get(f"{URL}/{sent['id']}/photo", headers=headers).status_code == 404


# --- the holder's identity only with an admission decided at the door (issue 14 part 4) -----------

def test_a_typed_number_sent_as_refused_offline_names_no_one(device, site):
    client, headers = device
    sent = item(pass_number=site.pass_.display_number, offline_verdict="refused", offline_reason="staff_refused")
    result = client.post(URL, json={"scans": [sent]}, headers=headers).get_json()["results"][0]
    assert (result["status"], result["holder"]) == ("refused", None)
    assert_error(client.get(f"{URL}/{sent['id']}/photo", headers=headers), 404, "scan_not_found")


def test_a_qr_seen_earlier_sent_again_names_no_one_and_opens_no_photo(device, site):
    client, headers = device
    first = item(site.pass_.token)
    assert client.post(URL, json={"scans": [first]}, headers=headers).get_json()["results"][0]["holder"]
    again = item(site.pass_.token)  # the same code, a new scan: already visited
    result = client.post(URL, json={"scans": [again]}, headers=headers).get_json()["results"][0]
    assert (result["reason"], result["holder"]) == ("already_visited", None)
    assert_error(client.get(f"{URL}/{again['id']}/photo", headers=headers), 404, "scan_not_found")
    replay = client.post(URL, json={"scans": [first]}, headers=headers).get_json()["results"][0]
    assert replay["replayed"] is True and replay["holder"] is None


def test_an_admission_sent_long_after_it_was_made_or_a_conflict_names_no_one(device, site):
    client, headers = device
    late = item(site.pass_.token, scanned_at=utcnow() - timedelta(minutes=11), offline_verdict="admitted")
    result = client.post(URL, json={"scans": [late]}, headers=headers).get_json()["results"][0]
    assert (result["status"], result["conflict"], result["holder"]) == ("admitted", False, None)
    assert_error(client.get(f"{URL}/{late['id']}/photo", headers=headers), 404, "scan_not_found")
    conflict = item(site.pass_.token, offline_verdict="admitted")  # already visited: kept as a conflict
    result = client.post(URL, json={"scans": [conflict]}, headers=headers).get_json()["results"][0]
    assert (result["status"], result["conflict"], result["holder"]) == ("admitted", True, None)
    assert_error(client.get(f"{URL}/{conflict['id']}/photo", headers=headers), 404, "scan_not_found")


def test_typed_numbers_past_the_accounts_limit_are_recorded_without_naming_the_holder(app, device, site):
    app.config["TYPED_IDENTITY_RATE_LIMIT"] = "2/3600"
    client, headers = device
    holders = [site.pass_] + [another_holder(site, first_name=f"Agent{n}") for n in range(3)]
    unknown = item(pass_number="ZZZZ-ZZZZ")  # names no pass: refused, not counted
    typed = [item(pass_number=pass_.display_number) for pass_ in holders[:3]]
    results = client.post(URL, json={"scans": [unknown, *typed]}, headers=headers).get_json()["results"]
    assert [r["status"] for r in results] == ["refused", "admitted", "admitted", "admitted"]
    assert [r["holder"] is not None for r in results[1:]] == [True, True, False]
    assert [r["identity_withheld"] for r in results] == [False, False, False, True]
    assert client.get(f"{URL}/{typed[0]['id']}/photo", headers=headers).status_code == 200
    assert_error(client.get(f"{URL}/{typed[2]['id']}/photo", headers=headers), 404, "scan_not_found")
    db.session.expire_all()
    assert db.session.get(Scan, typed[2]["id"]).identity_withheld is True
    assert Visit.query.count() == 3  # the door still works: the admission counts
    # A scanned code is not limited; a replay neither names nor counts; the next typed number is withheld.
    scanned = item(holders[3].token)
    assert client.post(URL, json={"scans": [scanned]}, headers=headers).get_json()["results"][0]["holder"]
    replay = client.post(URL, json={"scans": [typed[0]]}, headers=headers).get_json()["results"][0]
    assert replay["replayed"] is True and replay["holder"] is None
    other_site = site.make.partner(name="Château royal", accepts_all_year=True)
    more = item(pass_number=site.pass_.display_number)
    other_staff = site.make.partner_staff(other_site)
    result = client.post(URL, json={"scans": [more]}, headers=bearer_for(other_staff)).get_json()["results"][0]
    assert result["holder"] is not None  # counted per account: another site's device is not held back


# --- a device cannot fill the database or hold the server (issue 14 part 2) ---------------------

def test_scans_are_limited_by_items_not_only_by_requests(app, device, site, monkeypatch):
    monkeypatch.setitem(app.config, "SCAN_ITEMS_RATE_LIMIT", "250/60")
    client, headers = device
    for _ in range(2):
        batch = [item(f"PR1:junk-{new_id()}") for _ in range(100)]
        assert client.post(URL, json={"scans": batch}, headers=headers).status_code == 200
    refused = client.post(URL, json={"scans": [item(f"PR1:junk-{new_id()}") for _ in range(100)]}, headers=headers)
    error = assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) >= 1 and error["message"]
    db.session.expire_all()
    assert Scan.query.count() == 200  # the third batch stays on the device for later


def test_unreadable_codes_past_the_sites_daily_cap_are_answered_but_not_stored(device, site, monkeypatch):
    from passresot.visits import batch

    monkeypatch.setattr(batch, "UNREADABLE_KEPT_PER_DAY", 3)
    client, headers = device
    junk = [item(f"PR1:junk-{n}") for n in range(5)]
    offline_forged = item("PR1:forged-admitted", offline_verdict="admitted")  # a conflict: always kept
    sent = [*junk, item(site.pass_.token), offline_forged]
    results = client.post(URL, json={"scans": sent}, headers=headers).get_json()["results"]
    assert [(r["status"], r["reason"]) for r in results] == [("refused", "malformed")] * 5 + [
        ("admitted", None), ("admitted", "malformed")]
    db.session.expire_all()
    stored = {scan.id for scan in Scan.query}
    assert stored == {junk[0]["id"], junk[1]["id"], junk[2]["id"], sent[5]["id"], offline_forged["id"]}
    more = client.post(URL, json={"scans": [item("PR1:junk-later")]}, headers=headers).get_json()["results"]
    assert more[0]["status"] == "refused" and Scan.query.count() == 5
