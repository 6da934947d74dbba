"""Hostile text (NUL, lone surrogates) and malformed JSON: a 400 naming the field, never a 5xx, on
SQLite and PostgreSQL (issue 14, part 1)."""
import uuid

import pytest

from passresot.accounts.tokens import create_api_token
from passresot.extensions import db
from passresot.hostile import hostile_path
from passresot.reports.models import Report
from tests.helpers import PASSWORD, csrf_token, login

NUL = "a\x00b"
SURROGATE = "a\ud800b"


def _bearer(user):
    token = create_api_token(user, "phone")[0]
    db.session.commit()
    return {"Authorization": "Bearer " + token}


def _refused(response, field):
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == "invalid_text"
    assert field in error["fields"] and "caractère interdit" in error["fields"][field]


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
@pytest.mark.parametrize("field", ["email", "password", "device_name"])
def test_sign_in_for_a_token_refuses_hostile_text_without_signing_in(client, make, bad, field):
    agent = make.agent()
    db.session.commit()
    body = {"email": agent.email, "password": PASSWORD, "device_name": "phone", field: bad}
    _refused(client.post("/api/v1/auth/token", json=body), field)


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_a_report_with_hostile_text_is_refused_by_field(client, make, bad):
    agent, partner = make.agent(), make.partner()
    body = {"id": str(uuid.uuid4()), "partner_id": partner.id, "kind": "site_closed", "text": "x" + bad}
    _refused(client.post("/api/v1/me/reports", json=body, headers=_bearer(agent)), "text")
    assert Report.query.count() == 0


def test_a_nested_key_is_named_with_its_path():
    assert hostile_path({"a": [{"ok": 1}, {"b": NUL}]}) == "a[1].b"
    assert hostile_path({"k\x00": 1}) == "k\ufffd"
    assert hostile_path({"fine": ["é", 3, None]}) is None


@pytest.mark.parametrize("raw", [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 100_000 + "1" + "}" * 100_000,
    '{"email": "x", ',
    "\xff\xfe",
])
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/me/reports", "/api/v1/scans"])
def test_malformed_json_is_a_400_even_signed_out(client, raw, path):
    response = client.post(path, data=raw.encode("utf-8", "surrogatepass") if raw != "\xff\xfe" else b"\xff\xfe",
                           content_type="application/json")
    assert response.status_code in (400, 401), response.status_code
    assert response.get_json()["error"]["code"]


@pytest.mark.parametrize("who, path", [("agent", "/api/v1/me/reports"), ("partner_staff", "/api/v1/scans")])
def test_deep_json_from_a_signed_in_device_is_a_400(client, make, who, path):
    headers = _bearer(getattr(make, who)())
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(path, data=deep, content_type="application/json", headers=headers)
    assert response.status_code == 400


def test_a_lone_surrogate_escape_is_refused(client, make):
    agent, partner = make.agent(), make.partner()
    raw = ('{"id": "%s", "partner_id": %d, "kind": "site_closed", "text": "\\ud800"}'
           % (uuid.uuid4(), partner.id))
    response = client.post("/api/v1/me/reports", data=raw, content_type="application/json",
                           headers=_bearer(agent))
    _refused(response, "text")


def test_a_report_written_before_year_one_in_utc_is_a_field_error(client, make):
    agent, partner = make.agent(), make.partner()
    body = {"id": str(uuid.uuid4()), "partner_id": partner.id, "kind": "site_closed", "text": "Fermé",
            "written_at": "0001-01-01T00:00:00+05:00"}
    response = client.post("/api/v1/me/reports", json=body, headers=_bearer(agent))
    assert response.status_code == 400
    assert "written_at" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("who, url", [("office_admin", "/office/agents"), ("network_admin", "/admin/partners")])
def test_a_search_with_a_nul_is_a_400(client, make, who, url):
    user = getattr(make, who)()
    db.session.commit()
    login(client, user.email)
    response = client.get(url + "?q=a%00b")
    assert response.status_code == 400
    assert "caractère interdit" in response.get_data(as_text=True)
    assert client.get(url + "?q=ab").status_code == 200


def test_the_new_agent_form_refuses_a_nul_in_a_name(client, make):
    admin = make.office_admin()
    db.session.commit()
    login(client, admin.email)
    token = csrf_token(client, "/office/agents/new")
    response = client.post("/office/agents/new", data={
        "csrf_token": token, "first_name": "Jo\x00", "last_name": "Puig", "email": "jo@exemple.fr",
        "kind": "permanent"})
    assert response.status_code == 400
    assert "first_name" in response.get_data(as_text=True)


def test_the_site_form_refuses_a_nul(client, make):
    staff = make.partner_staff()
    db.session.commit()
    login(client, staff.email)
    token = csrf_token(client, "/site/edit")
    response = client.post("/site/edit", data={"csrf_token": token, "manager_name": "M\x00"})
    assert response.status_code == 400
    assert "manager_name" in response.get_data(as_text=True)


def test_the_report_form_refuses_a_nul(client, make):
    agent, partner = make.agent(), make.partner()
    db.session.commit()
    login(client, agent.email)
    token = csrf_token(client, "/reports")
    response = client.post("/reports", data={"csrf_token": token, "id": str(uuid.uuid4()),
                                             "partner_id": partner.id, "kind": "site_closed", "text": "F\x00"})
    assert response.status_code == 400
    assert Report.query.count() == 0
