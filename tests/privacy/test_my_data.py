"""An account's own data as JSON, its audit trail on /me/history, and 'agent.viewed' when an OT admin opens it."""
import base64
import uuid
from datetime import date

from passresot.accounts.models import LoginAttempt
from passresot.accounts.tokens import create_api_token, revoke_api_token
from passresot.agents.models import AgentPhoto
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.hours.api import record_other_visit
from passresot.passes.api import issue_pass
from passresot.reports.api import record_report
from passresot.timeutil import utcnow
from passresot.visits.api import record_scans
from tests.helpers import login

TOP_KEYS = {"generated_at", "profile", "photo_jpeg_base64", "passes", "visits", "scans_of_my_passes",
            "other_visits", "training", "work_settings", "reports", "api_tokens", "setup_links", "failed_sign_ins",
            "audit_events_about_me", "audit_events_by_me"}


def _world(make):
    office = make.office("Office de Céret")
    site = make.partner("Musée d'art moderne")
    admin = make.office_admin(office, first_name="Claire", last_name="Directrice")
    staff = make.partner_staff(site)
    agent = make.agent(office, first_name="Amélie", last_name="Roca", email="amelie@example.fr")
    other = make.agent(office, first_name="Autre", email="autre@example.fr")
    pass_ = issue_pass(admin, agent)
    issue_pass(admin, other)
    db.session.commit()
    record_scans(staff, [{"id": str(uuid.uuid4()), "qr": pass_.token, "device_id": "tablette",
                          "scanned_at": utcnow().isoformat() + "Z"}])
    record_report(agent, {"id": str(uuid.uuid4()), "partner_id": site.id, "kind": "other", "text": "Porte fermée"})
    record_other_visit(admin, agent, partner_id=site.id, visited_on=date.today(), minutes=45)
    token, _row = create_api_token(agent, "Mon téléphone")
    revoke_api_token(agent, token)
    db.session.commit()
    return agent, other, admin, pass_, token


def test_an_agent_downloads_everything_held_about_them(client, make):
    agent, other, _admin, pass_, token = _world(make)
    login(client, agent.email)  # a successful sign-in forgets earlier failures: add one after it
    db.session.add(LoginAttempt(email=agent.email, address="192.0.2.7"))
    db.session.commit()
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.get_json()
    assert set(data) == TOP_KEYS
    assert data["profile"]["email"] == "amelie@example.fr"
    assert data["profile"]["office"]["name"] == "Office de Céret"
    assert base64.b64decode(data["photo_jpeg_base64"]) == db.session.get(AgentPhoto, agent.id).jpeg
    assert [p["number"] for p in data["passes"]] == [pass_.display_number]
    assert [v["partner"] for v in data["visits"]] == ["Musée d'art moderne"]
    assert [s["status"] for s in data["scans_of_my_passes"]] == ["admitted"]
    assert [r["text"] for r in data["reports"]] == ["Porte fermée"]
    assert [o["minutes"] for o in data["other_visits"]] == [45]
    # Every sign-in is a row (issue 13): the bearer token, and the browser session of this download.
    assert [(t["kind"], t["device_name"]) for t in data["api_tokens"]] == [("token", "Mon téléphone"), ("browser", "Navigateur")]
    assert data["api_tokens"][0]["revoked_at"] is not None
    assert [a["address"] for a in data["failed_sign_ins"]] == ["192.0.2.7"]
    actions = {e["action"] for e in data["audit_events_about_me"]}
    assert {"pass.issued", "other_visit.recorded", "token.created", "token.revoked"} <= actions
    body = response.get_data(as_text=True)
    assert token not in body and "token_hash" not in body and "password" not in body
    assert "autre@example.fr" not in body and str(other.id) != data["profile"]["id"]


def test_each_account_gets_only_its_own_data(client, make):
    _agent, other, _admin, _pass, _token = _world(make)
    login(client, other.email)
    data = client.get("/me/data.json").get_json()
    assert data["profile"]["email"] == "autre@example.fr"
    assert data["visits"] == [] and data["reports"] == []
    assert [t["kind"] for t in data["api_tokens"]] == ["browser"]  # only this download's own session


def test_opening_an_agents_page_is_recorded_and_shown_to_the_agent(app, make):
    agent, _other, admin, _pass, _token = _world(make)
    admin_client, agent_client = app.test_client(), app.test_client()
    login(admin_client, admin.email)
    assert admin_client.get(f"/office/agents/{agent.id}").status_code == 200
    assert admin_client.get(f"/office/agents/{agent.id}").status_code == 200  # within 30 min: once
    views = AuditEvent.query.filter_by(action="agent.viewed", target_type="user", target_id=agent.id).all()
    assert [v.actor_id for v in views] == [admin.id]
    login(agent_client, agent.email)
    page = agent_client.get("/me/history").get_data(as_text=True)
    assert "Fiche consultée" in page and "par Claire Directrice (Administrateur d'office)" in page
    assert "Pass délivré" in page and "Visite sans pass enregistrée" in page


def test_the_register_page_is_public_and_states_the_retention(client, app):
    app.config["RETENTION_MONTHS"] = "18"
    try:
        page = client.get("/privacy").get_data(as_text=True)
    finally:
        app.config["RETENTION_MONTHS"] = "12"
    assert "Vos données personnelles dans PassResOT66" in page
    assert "anonymisé 18 mois après la fin de son dernier pass" in page
    for heading in ("Comptes", "Photos des agents", "Passes", "Visites et passages", "Appareils connectés",
                    "Signalements", "Journal des actions", "Tentatives de connexion"):
        assert f">{heading}</h2>" in page
