"""Rate limits on sign-in (form and API token) and on the scans endpoint, counted where every worker
sees them: the database (SQLite here, PostgreSQL under `make test-postgres`) or Redis when REDIS_URL
is set. Two app instances on one database stand for two gunicorn workers."""
import os
import time
from datetime import datetime, timedelta

import pytest

from passresot import create_app
from passresot.extensions import db
from passresot.ratelimit.api import hit, within_limit
from passresot.ratelimit.exceptions import RateLimited
from tests.helpers import FAST_HASH, PASSWORD, login
from tests.factories import Factory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NOON = datetime(2026, 7, 14, 12, 0, 0)


@pytest.fixture
def limits(app, monkeypatch):
    """Real, small limits for this test only."""
    monkeypatch.setitem(app.config, "SIGN_IN_RATE_LIMIT", "3/60")
    monkeypatch.setitem(app.config, "SCANS_RATE_LIMIT", "2/60")
    return app


def test_a_bucket_counts_within_its_window_then_starts_again(app_ctx):
    assert [hit("b", 3, 60, now=NOON + timedelta(seconds=s)) for s in (0, 10, 59)] == [1, 2, 3]
    with pytest.raises(RateLimited) as refused:
        hit("b", 3, 60, now=NOON + timedelta(seconds=59))
    assert refused.value.retry_after == 1 and refused.value.status == 429
    assert hit("other", 3, 60, now=NOON) == 1  # buckets are separate
    assert hit("b", 3, 60, now=NOON + timedelta(seconds=60)) == 1  # a new window


def test_within_limit_says_how_many_fit_and_never_refuses(app_ctx):
    assert within_limit("t", 5, 3600, 3, now=NOON) == 3
    assert within_limit("t", 5, 3600, 4, now=NOON + timedelta(minutes=1)) == 2  # 7 counted, 5 fit
    assert within_limit("t", 5, 3600, 2, now=NOON + timedelta(minutes=2)) == 0
    assert within_limit("t", 5, 3600, 2, now=NOON + timedelta(hours=1)) == 2  # a new window
    assert within_limit("zero", 0, 3600, 4, now=NOON) == 0


def test_two_workers_share_one_count(app, app_ctx):
    """A second app on the same database (another gunicorn worker) sees the first one's hits."""
    other = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "TESTING": True,
                        "INSTANCE_PATH": app.instance_path, "SECRET_KEY": "x"})
    hit("shared", 2, 60, now=NOON)
    with other.app_context():
        assert hit("shared", 2, 60, now=NOON) == 2
        with pytest.raises(RateLimited):
            hit("shared", 2, 60, now=NOON)
        db.session.remove()
    with pytest.raises(RateLimited):
        hit("shared", 2, 60, now=NOON)


def test_redis_counts_are_shared_too(app, app_ctx, monkeypatch):
    redis = pytest.importorskip("redis")
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=1)
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    client.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    assert [hit("r", 2, 60, now=NOON), hit("r", 2, 60, now=NOON)] == [1, 2]
    with pytest.raises(RateLimited):
        hit("r", 2, 60, now=NOON)
    assert db.session.execute(db.text("SELECT count(*) FROM rate_limits")).scalar() == 0  # not the database
    assert sorted(key.decode() for key in client.keys("passresot:ratelimit:r:*")) == [
        f"passresot:ratelimit:r:{int(NOON.timestamp())}"]
    client.flushdb()


def _people(app):
    with app.test_request_context("/"):
        make = Factory(FAST_HASH)
        agent = make.agent(make.office())
        staff, other_staff = make.partner_staff(), make.partner_staff()
        db.session.commit()
        return agent.email, staff.email, other_staff.email


def test_sign_in_by_one_address_is_limited_whether_it_succeeds_or_not(limits, client):
    agent, _staff, _other = _people(limits)
    # The windows are whole minutes: five requests begun in a minute's last seconds ended in the next
    # one, whose fresh count let the form through (302 instead of 429, once on PostgreSQL here).
    if time.time() % 60 > 50:
        time.sleep(60.5 - time.time() % 60)
    for _ in range(3):
        assert client.post("/api/v1/auth/token", json={"email": agent, "password": PASSWORD,
                                                       "device_name": "t"}).status_code == 201
    refused = client.post("/api/v1/auth/token", json={"email": agent, "password": PASSWORD, "device_name": "t"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    page = login(client, agent)  # the form counts for the same address
    assert page.status_code == 429
    assert "Trop de demandes" in page.get_data(as_text=True)


def test_the_scans_endpoint_is_limited_per_account(limits, client):
    _agent, staff, other = _people(limits)
    tokens = [client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD, "device_name": "t"})
              .get_json()["token"] for email in (staff, other)]
    headers = [{"Authorization": f"Bearer {token}"} for token in tokens]
    assert [client.post("/api/v1/scans", json={"scans": []}, headers=headers[0]).status_code
            for _ in range(2)] == [200, 200]
    refused = client.post("/api/v1/scans", json={"scans": []}, headers=headers[0])
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    assert client.post("/api/v1/scans", json={"scans": []}, headers=headers[1]).status_code == 200
