"""One JSON line per request: method, path without query, status, duration, role; never a secret."""
import json
import logging
import uuid
from datetime import datetime, timezone

import pytest

from passresot.accounts.api import create_setup_link
from passresot.accounts.tokens import create_api_token
from passresot.extensions import db
from passresot.passes.api import issue_pass
from tests.helpers import PASSWORD, csrf_token, login

FIELDS = {"ts", "method", "path", "status", "duration_ms", "role", "pid"}


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    @property
    def lines(self):
        return [json.loads(message) for message in self.messages]

    @property
    def text(self):
        return "\n".join(self.messages)


@pytest.fixture
def request_log():
    logger = logging.getLogger("passresot.request")
    handler = _Lines()
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_one_line_per_request_with_its_fields_and_no_query_string(client, request_log):
    client.get("/login?next=/secret-place&email=someone@example.org")
    [line] = request_log.lines
    assert set(line) == FIELDS
    assert (line["method"], line["path"], line["status"], line["role"]) == ("GET", "/login", 200, "anonymous")
    assert isinstance(line["duration_ms"], float) and 0 <= line["duration_ms"] < 10_000
    assert "secret-place" not in request_log.text and "someone" not in request_log.text


def test_the_role_of_the_signed_in_account_and_error_statuses(client, make, request_log):
    office = make.office()
    agent = make.agent(office)
    login(client, agent.email)
    request_log.messages.clear()
    client.get("/pass")
    client.get("/admin/offices")
    client.get("/nowhere")
    assert [(line["path"], line["status"], line["role"]) for line in request_log.lines] == [
        ("/pass", 200, "agent"), ("/admin/offices", 403, "agent"), ("/nowhere", 404, "agent")]


def test_a_sign_in_leaves_no_password_email_or_cookie_in_the_log(client, make, request_log, caplog):
    agent = make.agent(make.office())
    token = csrf_token(client)
    response = client.post("/login", data={"email": agent.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    client.post("/login", data={"email": agent.email, "password": "wrong-" + PASSWORD, "csrf_token": token})
    cookie = client.get_cookie("session").value
    posts = [line for line in request_log.lines if line["method"] == "POST"]
    assert [(line["path"], line["status"]) for line in posts] == [("/login", 302), ("/login", 302)]
    assert posts[0]["role"] == "agent"
    everything = request_log.text + caplog.text
    for secret in (PASSWORD, agent.email, token, cookie):
        assert secret not in everything


def test_an_api_sign_in_and_a_scan_leave_no_password_token_or_qr_in_the_log(app, make, request_log, caplog):
    caplog.set_level(logging.DEBUG)
    partner = make.partner(accepts_all_year=True)
    staff = make.partner_staff(partner)
    agent = make.agent(make.office())
    qr = issue_pass(None, agent).token
    db.session.commit()
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": staff.email, "password": PASSWORD,
                                                    "device_name": "Tablette"}).get_json()["token"]
    scan = {"id": str(uuid.uuid4()), "qr": qr, "device_id": "tablette-accueil",
            "scanned_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}
    response = client.post("/api/v1/scans", json={"scans": [scan]}, headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["results"][0]["status"] == "admitted"
    assert [(line["method"], line["path"], line["status"], line["role"]) for line in request_log.lines] == [
        ("POST", "/api/v1/auth/token", 201, "anonymous"),  # the token is the answer, not a sign-in
        ("POST", "/api/v1/scans", 200, "partner_staff")]
    everything = request_log.text + caplog.text
    for secret in (PASSWORD, token, qr, qr[4:40], staff.email):
        assert secret not in everything


def test_a_url_that_carries_a_secret_is_logged_as_its_rule(client, make, request_log):
    agent = make.agent(make.office())
    secret = create_setup_link(None, agent)
    db.session.commit()
    client.get(f"/password/{secret}")
    [line] = request_log.lines
    assert line["path"] == "/password/<token>" and secret not in request_log.text


def test_a_bearer_token_in_a_refused_call_is_not_logged(app, make, request_log):
    staff = make.partner_staff(make.partner())
    token = create_api_token(staff, "test")[0]
    db.session.commit()
    app.test_client().get("/api/v1/me/pass", headers={"Authorization": f"Bearer {token}"})
    [line] = request_log.lines
    assert (line["status"], line["role"]) == (403, "partner_staff") and token not in request_log.text
