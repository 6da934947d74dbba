"""Reports over HTTP: the agent's API and page, the network admin's triage; report text is always escaped."""
import re
import uuid

from passresot.accounts.tokens import create_api_token
from passresot.extensions import db
from passresot.reports.models import Report, ReportStatus
from tests.helpers import csrf_token, login

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _body(partner, **fields):
    return {"id": str(uuid.uuid4()), "partner_id": partner.id, "kind": "wrong_information",
            "text": "Les horaires affichés sont faux.", **fields}


def test_the_api_records_a_report_once_and_lists_it(client, make):
    agent, partner = make.agent(), make.partner(name="Musée d'art moderne")
    token = create_api_token(agent, "phone")[0]
    db.session.commit()
    headers = {"Authorization": "Bearer " + token}
    body = _body(partner)
    first = client.post("/api/v1/me/reports", json=body, headers=headers)
    again = client.post("/api/v1/me/reports", json=body, headers=headers)
    assert first.status_code == 201 and first.get_json()["replayed"] is False
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    listed = client.get("/api/v1/me/reports", headers=headers).get_json()["reports"]
    assert [(r["id"], r["partner_name"], r["status"], r["late"]) for r in listed] == \
        [(body["id"], "Musée d'art moderne", "new", False)]
    assert Report.query.count() == 1


def test_a_cookie_session_must_send_the_csrf_token(client, make):
    agent, partner = make.agent(), make.partner()
    login(client, agent.email)
    refused = client.post("/api/v1/me/reports", json=_body(partner))
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    token = csrf_token(client, "/reports")
    accepted = client.post("/api/v1/me/reports", json=_body(partner), headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_bad_reports_get_field_errors_in_json(client, make):
    agent = make.agent()
    token = create_api_token(agent, "phone")[0]
    db.session.commit()
    response = client.post("/api/v1/me/reports", json={"id": "x", "kind": "noise", "text": ""},
                           headers={"Authorization": "Bearer " + token})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_report"
    assert set(error["fields"]) == {"id", "partner_id", "kind", "text"}


def test_the_form_posts_without_javascript(client, make):
    agent, partner = make.agent(), make.partner()
    login(client, agent.email)
    token = csrf_token(client, "/reports")
    response = client.post("/reports", data={"csrf_token": token, "id": str(uuid.uuid4()), "partner_id": partner.id,
                                             "kind": "site_closed", "text": "Fermé sans prévenir."})
    assert response.status_code == 302
    assert Report.query.one().text == "Fermé sans prévenir."
    missing = client.post("/reports", data={"csrf_token": token, "partner_id": partner.id})
    assert missing.status_code == 400
    assert "Décrivez le problème." in missing.get_data(as_text=True)
    no_site = client.post("/reports", data={"csrf_token": token, "kind": "other", "text": "Texte gardé."})
    html = no_site.get_data(as_text=True)
    assert no_site.status_code == 400 and "Choisissez un site partenaire." in html
    assert "Texte gardé.</textarea>" in html and 'value="other" required checked' in html  # nothing lost


def test_the_network_admin_answers_and_the_agent_sees_it_escaped(app, make):
    agent, admin, partner = make.agent(), make.network_admin(), make.partner(name="Château " + EVIL)
    agent_client, admin_client = app.test_client(), app.test_client()
    login(agent_client, agent.email)
    token = csrf_token(agent_client, "/reports")
    body = _body(partner, text="Texte " + EVIL)
    assert agent_client.post("/api/v1/me/reports", json=body, headers={"X-CSRFToken": token}).status_code == 201

    login(admin_client, admin.email)
    listing = admin_client.get("/admin/reports").get_data(as_text=True)
    assert body["id"] in listing and EVIL not in listing
    detail = admin_client.get(f"/admin/reports/{body['id']}").get_data(as_text=True)
    assert "Texte &lt;script&gt;" in detail and EVIL not in detail
    token = csrf_token(admin_client, f"/admin/reports/{body['id']}")
    answered = admin_client.post(f"/admin/reports/{body['id']}", data={
        "csrf_token": token, "status": "resolved", "answer": "Réglé avec le site " + EVIL})
    assert answered.status_code == 302
    report = db.session.get(Report, body["id"])
    db.session.refresh(report)
    assert report.status is ReportStatus.resolved and report.handled_at is not None

    page = agent_client.get("/reports").get_data(as_text=True)
    assert "Réglé avec le site &lt;script&gt;" in page and EVIL not in page
    assert re.search(r'data-status="resolved"', page)
    api = agent_client.get("/api/v1/me/reports").get_json()["reports"][0]
    assert api["answer"] == "Réglé avec le site " + EVIL and api["status"] == "resolved"


def test_triage_refuses_an_unknown_status(app, client, make):
    admin, agent, partner = make.network_admin(), make.agent(), make.partner()
    from passresot.reports.api import record_report

    report, _ = record_report(agent, _body(partner))
    db.session.commit()
    login(client, admin.email)
    token = csrf_token(client, f"/admin/reports/{report.id}")
    response = client.post(f"/admin/reports/{report.id}", data={"csrf_token": token, "status": "lost"})
    assert response.status_code == 400
    assert "Choisissez un statut." in response.get_data(as_text=True)  # beside the choices, the page kept
    too_long = "x" * 5001
    response = client.post(f"/admin/reports/{report.id}",
                           data={"csrf_token": token, "status": "resolved", "answer": too_long})
    assert response.status_code == 400 and "caractères au plus" in response.get_data(as_text=True)
    assert too_long in response.get_data(as_text=True)  # what was typed stays
    db.session.expire_all()
    assert db.session.get(type(report), report.id).answer is None
    assert client.get("/admin/reports/not-a-report").status_code == 404
    assert client.get("/admin/reports?status=nonsense").status_code == 400


def test_agents_help_shows_the_network_contact(app, client, make):
    agent = make.agent()
    login(client, agent.email)
    for url in ("/me", "/reports"):
        page = client.get(url).get_data(as_text=True)
        assert app.config["NETWORK_CONTACT_EMAIL"] in page and app.config["NETWORK_CONTACT_PHONE"] in page


def test_a_junk_bearer_header_does_not_skip_csrf_for_a_cookie_session(client, make):
    """Issue 14, part 8: any `Bearer` header used to skip CSRF while the cookie signed the request in."""
    agent, other, partner = make.agent(), make.agent(), make.partner()
    others_token = create_api_token(other, "phone")[0]
    own_token = create_api_token(agent, "phone")[0]
    db.session.commit()
    login(client, agent.email)
    for header in ("Bearer junk", "Bearer ", "Bearer " + others_token):
        refused = client.post("/api/v1/me/reports", json=_body(partner), headers={"Authorization": header})
        assert refused.status_code == 400, header
        assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert Report.query.count() == 0
    accepted = client.post("/api/v1/me/reports", json=_body(partner),
                           headers={"Authorization": "Bearer " + own_token})
    assert accepted.status_code == 201


def test_an_agent_sends_a_limited_number_of_reports_and_the_request_never_waits_for_smtp(app, client, make,
                                                                                       monkeypatch):
    """Issue 14 part 6: 40 reports in 4 s made 40 mails inside the requests. Now each agent may send
    REPORTS_RATE_LIMIT, and the network gets one digest from `flask send-mail`, whatever SMTP does."""
    import smtplib

    monkeypatch.setitem(app.config, "REPORTS_RATE_LIMIT", "3/3600")
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.injoignable.example")

    tries = []

    def unreachable(*args, **kwargs):
        tries.append(args)
        raise ConnectionRefusedError("no server")
    monkeypatch.setattr(smtplib, "SMTP", unreachable)
    agent, partner = make.agent(), make.partner()
    token = create_api_token(agent, "phone")[0]
    db.session.commit()
    headers = {"Authorization": "Bearer " + token}
    statuses = [client.post("/api/v1/me/reports", json=_body(partner), headers=headers).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert "Trop de" in client.post("/api/v1/me/reports", json=_body(partner), headers=headers).get_json()["error"]["message"]
    assert Report.query.count() == 3
    login(client, agent.email)
    page = client.post("/reports", data={"csrf_token": csrf_token(client, "/reports"), "id": str(uuid.uuid4()),
                                         "partner_id": partner.id, "kind": "site_closed", "text": "Encore."})
    assert "Trop de" in page.get_data(as_text=True) and Report.query.count() == 3
    assert tries == []  # no request talked to SMTP
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-mail"])
    assert "Signalements dans le récapitulatif : 3" in result.output, result.output
    assert "en échec (réessayés plus tard) : 1" in result.output and len(tries) == 1  # one digest
