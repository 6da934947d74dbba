"""Scans at the same moment, each in its own thread, app context and database session: the database's
unique constraints decide, so one holder gets exactly one admission per site and year, and one UUID is
recorded once. Runs on SQLite and, under `make test-postgres`, on PostgreSQL.

Both threads are held at a barrier right after their verdict, so each has seen the slot free before
either writes: the race is forced, not hoped for.
"""
import threading

import pytest

from passresot.accounts.models import User
from passresot.extensions import db
from passresot.visits import batch as visits_batch
from passresot.visits.api import record_scans
from passresot.visits.models import Scan, Visit

from .helpers import item

TIMEOUT = 30


@pytest.fixture
def held_after_verdict(monkeypatch):
    """Make each batch wait, its verdicts made and nothing written yet, until `parties` threads
    have all decided."""
    def hold(parties):
        barrier = threading.Barrier(parties, timeout=TIMEOUT)
        real = visits_batch.plan_scans

        def decide_then_wait(*args, **kwargs):
            planned = real(*args, **kwargs)
            barrier.wait()
            return planned
        monkeypatch.setattr(visits_batch, "plan_scans", decide_then_wait)
    return hold


def run_together(app, jobs):
    """Run each job in its own thread with its own app context (hence its own session); commit each."""
    results, errors = [None] * len(jobs), []

    def work(index, job):
        try:
            with app.app_context():
                try:
                    results[index] = job()
                    db.session.commit()
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a scan is stuck"
    assert not errors, errors
    return results


def scan_job(staff_id, body):
    def job():
        return record_scans(db.session.get(User, staff_id), [body])[0]
    return job


def counts():
    db.session.expire_all()
    return Scan.query.count(), Visit.query.count()


def test_two_scans_of_one_pass_at_once_make_exactly_one_admission(app, site, held_after_verdict):
    held_after_verdict(2)
    staff_id, token = site.staff.id, site.pass_.token
    results = run_together(app, [scan_job(staff_id, item(token)), scan_job(staff_id, item(token))])
    assert sorted((r["status"], r["reason"] or "") for r in results) == [
        ("admitted", ""), ("refused", "already_visited")]
    assert counts() == (2, 1)
    refused = next(r for r in results if r["status"] == "refused")
    assert refused["visited_on"] is not None and refused["holder"] is None


def test_two_offline_admissions_at_once_keep_both_scans_and_one_visit(app, site, held_after_verdict):
    held_after_verdict(2)
    staff_id, token = site.staff.id, site.pass_.token
    jobs = [scan_job(staff_id, item(token, offline_verdict="admitted")) for _ in range(2)]
    results = run_together(app, jobs)
    assert sorted((r["status"], r["conflict"]) for r in results) == [("admitted", False), ("admitted", True)]
    assert counts() == (2, 1)


def test_one_uuid_uploaded_twice_at_once_is_recorded_once(app, site, held_after_verdict):
    held_after_verdict(2)
    body = item(site.pass_.token)
    results = run_together(app, [scan_job(site.staff.id, dict(body)), scan_job(site.staff.id, dict(body))])
    assert sorted(r["replayed"] for r in results) == [False, True]
    assert {r["status"] for r in results} == {"admitted"}
    assert counts() == (1, 1)


def test_two_devices_posting_at_once_over_http_make_one_admission(app, site, held_after_verdict, monkeypatch):
    from passresot.accounts.tokens import create_api_token

    # Two work slots (a bigger server, or two hosts): both batches run at once, the database decides.
    monkeypatch.setitem(app.config, "WORK_SLOTS", "2")

    tokens = [create_api_token(site.staff, f"Tablette {n}")[0] for n in (1, 2)]
    db.session.commit()
    held_after_verdict(2)
    token = site.pass_.token

    def post(bearer):
        def job():
            response = app.test_client().post("/api/v1/scans", json={"scans": [item(token)]},
                                              headers={"Authorization": f"Bearer {bearer}"})
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.get_json()["results"][0]
        return job
    results = run_together(app, [post(bearer) for bearer in tokens])
    assert sorted(r["reason"] or "" for r in results) == ["", "already_visited"]
    assert counts() == (2, 1)


def test_many_scans_of_one_pass_at_once_still_make_one_admission(app, site):
    staff_id, token = site.staff.id, site.pass_.token
    results = run_together(app, [scan_job(staff_id, item(token)) for _ in range(6)])
    assert [r["status"] for r in results].count("admitted") == 1
    assert counts() == (6, 1)


@pytest.mark.parametrize("attempt", range(6))  # which of the three wins is chance: try several times
def test_a_uuid_sent_twice_while_another_scan_takes_the_slot(app, site, held_after_verdict, attempt):
    """The scanner page and its service worker may send the same scan at once, while another
    device admits the same holder: one visit, two scans, no error."""
    held_after_verdict(3)
    staff_id, token = site.staff.id, site.pass_.token
    other, same = item(token), item(token)
    results = run_together(app, [scan_job(staff_id, other), scan_job(staff_id, dict(same)),
                                 scan_job(staff_id, dict(same))])
    assert counts() == (2, 1)
    by_id = {}
    for result in results:
        by_id.setdefault(result["id"], []).append(result)
    assert sorted(r["replayed"] for r in by_id[same["id"]]) == [False, True]
    assert sorted(r["status"] for r in (by_id[other["id"]] + by_id[same["id"]][:1])) == ["admitted", "refused"]


def test_two_batches_of_the_same_holders_in_opposite_orders_admit_each_holder_once(app, site,
                                                                                   held_after_verdict):
    """Each batch has seen every slot free; the database settles the lot, without a deadlock."""
    from .helpers import another_holder

    tokens = [site.pass_.token] + [another_holder(site).token for _ in range(9)]
    held_after_verdict(2)
    forward = [item(token) for token in tokens]
    backward = [item(token) for token in reversed(tokens)]

    def batch_job(body):
        def job():
            return record_scans(db.session.get(User, site.staff.id), body)
        return job
    results = run_together(app, [batch_job(forward), batch_job(list(backward))])
    statuses = [(a["status"], b["status"]) for a, b in zip(results[0], reversed(results[1]))]
    assert set(statuses) <= {("admitted", "refused"), ("refused", "admitted")}, statuses
    assert all(r["reason"] == "already_visited" and r["visited_on"] for batch in results
               for r in batch if r["status"] == "refused")
    assert counts() == (20, 10)
