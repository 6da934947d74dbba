"""The OT admin's agent screens over real HTTP: create, validate, edit, deactivate, office isolation, search."""
import html
import io
import re
from datetime import date

import pytest
from flask import url_for

from passresot.accounts.models import AgentKind, Role, SetupLink, User
from passresot.agents.models import AgentPhoto
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from tests.helpers import login
from tests.factories import jpeg_bytes


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def page_token(client) -> str:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def field_error(response, field_id) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)<', text(response))
    return match.group(1) if match else ""


def agent_form(**overrides):
    form = {"first_name": "Amélie", "last_name": "Rigaud", "email": "amelie.rigaud@example.fr",
            "kind": "permanent", "contract_start": "2023-04-01", "contract_end": ""}
    form.update(overrides)
    return form


@pytest.fixture
def office(make):
    return make.office()


@pytest.fixture
def ot_admin(make, office):
    return make.office_admin(office)


@pytest.fixture
def admin_client(client, ot_admin):
    assert login(client, ot_admin.email).status_code == 302
    return client


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": page_token(client)},
                       content_type="multipart/form-data")


# --- create -------------------------------------------------------------------------------------

def test_ot_admin_creates_an_agent_with_a_photo(admin_client, office, ot_admin):
    response = post(admin_client, "/office/agents/new",
                    agent_form(photo=(io.BytesIO(jpeg_bytes()), "moi.jpg")))
    assert response.status_code == 200
    assert "Compte créé pour Amélie Rigaud" in text(response)
    agent = User.query.filter_by(email="amelie.rigaud@example.fr").one()
    assert (agent.role, agent.office_id, agent.kind, agent.contract_start, agent.contract_end) == \
        (Role.agent, office.id, AgentKind.permanent, date(2023, 4, 1), None)
    assert agent.password_hash is None and agent.active
    assert db.session.get(AgentPhoto, agent.id).jpeg[:3] == b"\xff\xd8\xff"
    actions = {e.action for e in AuditEvent.query.filter_by(target_id=agent.id, target_type="user")}
    assert {"user.created", "agent.photo_changed", "user.setup_link_created"} <= actions
    assert {e.actor_id for e in AuditEvent.query.filter_by(target_id=agent.id)} == {ot_admin.id}


def test_ot_admin_creates_an_agent_without_a_photo(admin_client):
    response = post(admin_client, "/office/agents/new", agent_form())
    assert response.status_code == 200
    agent = User.query.filter_by(email="amelie.rigaud@example.fr").one()
    assert db.session.get(AgentPhoto, agent.id) is None
    edit = text(admin_client.get(f"/office/agents/{agent.id}"))
    assert "Pas encore de photo" in edit


def test_a_seasonal_agent_with_an_end_date_is_created(admin_client):
    response = post(admin_client, "/office/agents/new",
                    agent_form(kind="seasonal", contract_start="2025-06-01", contract_end="2025-09-30"))
    assert response.status_code == 200
    agent = User.query.filter_by(email="amelie.rigaud@example.fr").one()
    assert agent.kind is AgentKind.seasonal and agent.contract_end == date(2025, 9, 30)


def test_a_seasonal_agent_without_end_date_is_refused_beside_the_field(admin_client):
    response = post(admin_client, "/office/agents/new", agent_form(kind="seasonal"))
    assert response.status_code == 400
    assert field_error(response, "contract_end") == \
        "La date de fin est obligatoire pour un saisonnier."
    assert User.query.filter_by(role=Role.agent).count() == 0


def test_a_contract_ending_before_it_starts_is_refused_beside_the_field(admin_client):
    response = post(admin_client, "/office/agents/new",
                    agent_form(kind="seasonal", contract_start="2025-09-30", contract_end="2025-06-01"))
    assert response.status_code == 400
    assert field_error(response, "contract_end") == "La fin du contrat doit suivre son début."
    assert User.query.filter_by(role=Role.agent).count() == 0


@pytest.mark.parametrize("email", ["deja.pris@example.fr", "Deja.Pris@EXAMPLE.fr"])
def test_a_duplicate_email_is_refused_beside_the_field(admin_client, make, email):
    make.partner_staff(email="deja.pris@example.fr")
    response = post(admin_client, "/office/agents/new", agent_form(email=email))
    assert response.status_code == 400
    assert field_error(response, "email") == "Cette adresse e-mail est déjà utilisée par un autre compte."
    assert User.query.filter_by(role=Role.agent).count() == 0


@pytest.mark.parametrize("field", ["first_name", "last_name", "email"])
def test_required_fields_are_refused_beside_the_field_in_french(admin_client, field):
    response = post(admin_client, "/office/agents/new", agent_form(**{field: ""}))
    assert response.status_code == 400
    assert field_error(response, field) == "Ce champ est obligatoire."
    assert User.query.filter_by(role=Role.agent).count() == 0


def test_a_refused_photo_creates_no_agent(admin_client):
    response = post(admin_client, "/office/agents/new",
                    agent_form(photo=(io.BytesIO(b"GIF89a" + b"\0" * 64), "moi.gif")))
    assert response.status_code == 400
    assert field_error(response, "photo")
    assert User.query.filter_by(role=Role.agent).count() == 0
    assert SetupLink.query.count() == 0


# --- edit ---------------------------------------------------------------------------------------

def test_ot_admin_edits_an_agent(admin_client, make, office, ot_admin):
    agent = make.agent(office, first_name="Jordi", last_name="Puig", email="jordi@example.fr")
    page = admin_client.get(f"/office/agents/{agent.id}")
    assert page.status_code == 200
    assert 'value="jordi@example.fr"' in text(page)
    response = post(admin_client, f"/office/agents/{agent.id}", agent_form(
        first_name="Jordi", last_name="Puig i Soler", email="jordi@example.fr", kind="seasonal",
        contract_start="2025-05-01", contract_end="2025-10-15"))
    assert response.status_code == 302
    db.session.refresh(agent)
    assert (agent.last_name, agent.kind, agent.contract_end) == \
        ("Puig i Soler", AgentKind.seasonal, date(2025, 10, 15))
    [event] = AuditEvent.query.filter_by(action="agent.updated", target_id=agent.id).all()
    assert event.actor_id == ot_admin.id
    assert event.details["last_name"] == "Puig i Soler" and event.details["kind"] == "seasonal"
    assert "first_name" not in event.details


def test_editing_to_another_account_email_is_refused(admin_client, make, office):
    make.agent(office, email="pris@example.fr")
    agent = make.agent(office, email="libre@example.fr")
    response = post(admin_client, f"/office/agents/{agent.id}", agent_form(email="pris@example.fr"))
    assert response.status_code == 400
    assert field_error(response, "email") == "Cette adresse e-mail est déjà utilisée par un autre compte."
    db.session.refresh(agent)
    assert agent.email == "libre@example.fr"


def test_editing_to_seasonal_without_end_date_is_refused(admin_client, make, office):
    agent = make.agent(office, email="perm@example.fr")
    response = post(admin_client, f"/office/agents/{agent.id}",
                    agent_form(email="perm@example.fr", kind="seasonal"))
    assert response.status_code == 400
    assert field_error(response, "contract_end") == \
        "La date de fin est obligatoire pour un saisonnier."
    db.session.refresh(agent)
    assert agent.kind is AgentKind.permanent


# --- deactivate / reactivate --------------------------------------------------------------------

def test_deactivate_then_reactivate_an_agent(admin_client, make, office, ot_admin):
    agent = make.agent(office, last_name="Départ")
    response = post(admin_client, f"/office/agents/{agent.id}/active", {"active": "0"})
    assert response.status_code == 302
    db.session.refresh(agent)
    assert agent.active is False
    assert "<strong>Départ " not in text(admin_client.get("/office/agents"))
    assert "<strong>Départ " in text(admin_client.get("/office/agents?inactive=1"))
    assert "<strong>Départ " in text(admin_client.get("/office/agents?show=inactive"))

    response = post(admin_client, f"/office/agents/{agent.id}/active", {"active": "1"})
    assert response.status_code == 302
    # Neutral words, no « actif(ve) »:
    assert "de nouveau ouvert" in text(admin_client.get(response.headers["Location"]))
    db.session.refresh(agent)
    assert agent.active is True
    actions = [e.action for e in AuditEvent.query.filter_by(target_id=agent.id)
               .filter(AuditEvent.action.in_(("user.deactivated", "user.activated")))
               .order_by(AuditEvent.id)]
    assert actions == ["user.deactivated", "user.activated"]


def test_a_deactivated_agent_cannot_sign_in(admin_client, make, office):
    agent = make.agent(office)
    post(admin_client, f"/office/agents/{agent.id}/active", {"active": "0"})
    admin_client.post("/logout", data={"csrf_token": page_token(admin_client)})
    assert login(admin_client, agent.email).status_code == 401


# --- another office -----------------------------------------------------------------------------

def _agent_urls(app, agent_id):
    """Every URL of the application about one agent (rules taking an agent_id), with its methods."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            # The network admin's read-only lookup refuses every other role outright (403, the access matrix).
            if "agent_id" in rule.arguments and rule.endpoint != "home.photo" \
                    and not rule.endpoint.startswith("network_agents."):
                for method in sorted(rule.methods & {"GET", "POST"}):
                    yield method, url_for(rule.endpoint, agent_id=agent_id)


def _snapshot(agent_id):
    db.session.expire_all()
    agent = db.session.get(User, agent_id)
    photo = db.session.get(AgentPhoto, agent_id)
    return ({c.name: getattr(agent, c.key) for c in User.__table__.columns},
            photo.jpeg if photo else None,
            SetupLink.query.filter_by(user_id=agent_id).count(),
            AuditEvent.query.filter_by(target_id=agent_id).count())


def test_another_office_admin_gets_404_on_every_agent_url_and_changes_nothing(app, client, make):
    agent = make.agent(make.office(), photo=True)
    intruder = make.office_admin(make.office())
    before = _snapshot(agent.id)
    login(client, intruder.email)
    urls = list(_agent_urls(app, agent.id))
    assert len(urls) >= 6  # edit GET/POST, photo, setup-link, active, and whatever came since
    for method, url in urls:
        if method == "GET":
            response = client.get(url)
        else:
            response = post(client, url, agent_form(
                first_name="Pirate", email="pirate@example.fr", active="0",
                reason="intrusion", photo=(io.BytesIO(jpeg_bytes(color=(0, 0, 0))), "x.jpg")))
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
    assert _snapshot(agent.id) == before


def test_the_list_only_shows_the_admins_own_office(admin_client, make, office):
    make.agent(office, last_name="Ferrer")
    make.agent(make.office(), last_name="Ailleurs")
    body = text(admin_client.get("/office/agents"))
    assert "<strong>Ferrer " in body
    assert "Ailleurs" not in body
    assert "1 agent" in body


# --- search -------------------------------------------------------------------------------------

@pytest.fixture
def three_agents(make, office):
    return (make.agent(office, first_name="Núria", last_name="Soler", email="nuria@ot.fr"),
            make.agent(office, first_name="Marc", last_name="Bosch", email="marc.bosch@ot.fr"),
            make.agent(office, first_name="Léa", last_name="Vidal", email="lea@autre.fr"))


@pytest.mark.parametrize("query,found", [
    pytest.param("soler", {"Soler"}, id="last-name-lowercase"),
    pytest.param("MARC", {"Bosch"}, id="first-name-uppercase"),
    pytest.param("@ot.fr", {"Soler", "Bosch"}, id="email-part"),
    pytest.param("personne", set(), id="nobody"),
])
def test_search_finds_agents_by_name_or_email(admin_client, three_agents, query, found):
    body = text(admin_client.get("/office/agents", query_string={"q": query}))
    shown = {name for name in ("Soler", "Bosch", "Vidal") if f"<strong>{name} " in body}
    assert shown == found
    if not found:
        assert f"Aucun agent ne correspond à « {query} »." in body
