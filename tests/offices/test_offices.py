"""The network admin's office screens over real HTTP: create, edit, deactivate, OT admins, audit trail."""
import html
import re

import pytest

from passresot.accounts.models import Role, User
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.offices.models import Office
from tests.helpers import login

VALID = {"name": "Office de Tourisme d'Elne", "commune": "Elne", "email": "Contact@OT-Elne.fr",
         "phone": "04 68 22 05 07"}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def page_token(client) -> str:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def field_error(response, field_id) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)<', text(response))
    return match.group(1) if match else ""


def events(action, target_id=None):
    query = AuditEvent.query.filter_by(action=action)
    if target_id is not None:
        query = query.filter_by(target_id=target_id)
    return query.all()


@pytest.fixture
def admin(make):
    return make.network_admin()


@pytest.fixture
def network(client, admin):
    assert login(client, admin.email).status_code == 302
    return client


def post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": page_token(client)})


# --- create -------------------------------------------------------------------------------------

def test_network_admin_creates_an_office(network, admin):
    response = post(network, "/admin/offices/new", **VALID)
    office = Office.query.filter_by(name=VALID["name"]).one()
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/offices/{office.id}")
    assert (office.commune, office.email, office.phone, office.active) == \
        ("Elne", "contact@ot-elne.fr", "04 68 22 05 07", True)
    [event] = events("office.created", office.id)
    assert event.actor_id == admin.id and event.target_type == "office"
    listing = text(network.get("/admin/offices"))
    assert VALID["name"] in listing


def test_the_office_list_shows_active_agent_counts(network, make):
    office = make.office(name="Office compté")
    make.agent(office), make.agent(office), make.agent(office, active=False)
    listing = text(network.get("/admin/offices"))
    row = listing[listing.index("Office compté"):]
    assert re.search(r'class="num">\s*2\s*<', row)


def test_a_duplicate_office_name_is_refused_beside_the_field(network, make):
    make.office(name="Office de Tourisme de Céret")
    response = post(network, "/admin/offices/new", **{**VALID, "name": " office de tourisme de céret "})
    assert response.status_code == 400
    assert field_error(response, "name") == "Un office porte déjà ce nom."
    assert Office.query.count() == 1


@pytest.mark.parametrize("field,value,message", [
    pytest.param("email", "pas-une-adresse", "Saisissez une adresse e-mail valide", id="email"),
    pytest.param("phone", "appelez-nous", "Saisissez un numéro de téléphone", id="phone"),
    pytest.param("name", "", "Ce champ est obligatoire.", id="name-missing"),
    pytest.param("commune", "", "Ce champ est obligatoire.", id="commune-missing"),
])
def test_invalid_fields_are_refused_beside_the_field(network, field, value, message):
    response = post(network, "/admin/offices/new", **{**VALID, field: value})
    assert response.status_code == 400
    assert field_error(response, field).startswith(message)
    assert Office.query.count() == 0


def test_phone_is_optional(network):
    assert post(network, "/admin/offices/new", **{**VALID, "phone": ""}).status_code == 302
    assert Office.query.one().phone == ""


# --- edit ---------------------------------------------------------------------------------------

def test_network_admin_edits_an_office_and_the_change_is_audited(network, make, admin):
    office = make.office(name="Office à renommer", commune="Céret")
    response = post(network, f"/admin/offices/{office.id}",
                     **{**VALID, "name": "Office renommé", "commune": "Céret"})
    assert response.status_code == 302
    db.session.refresh(office)
    assert office.name == "Office renommé" and office.email == "contact@ot-elne.fr"
    [event] = events("office.updated", office.id)
    assert event.actor_id == admin.id
    assert event.details["name"] == "Office renommé"
    assert "commune" not in event.details  # unchanged fields are not logged


def test_renaming_to_another_office_name_is_refused(network, make):
    make.office(name="Office pris")
    office = make.office(name="Office libre")
    response = post(network, f"/admin/offices/{office.id}", **{**VALID, "name": "Office pris"})
    assert response.status_code == 400
    assert field_error(response, "name") == "Un office porte déjà ce nom."
    db.session.refresh(office)
    assert office.name == "Office libre"


def test_keeping_its_own_name_is_not_a_duplicate(network, make):
    office = make.office(name="Office stable")
    response = post(network, f"/admin/offices/{office.id}", **{**VALID, "name": "Office stable"})
    assert response.status_code == 302


def test_an_unknown_office_is_404(network):
    assert network.get("/admin/offices/999999").status_code == 404


# --- deactivate ---------------------------------------------------------------------------------

def test_deactivating_an_office_deactivates_its_users(network, make, admin):
    office, other = make.office(), make.office()
    ot_admin, agent = make.office_admin(office), make.agent(office)
    bystander = make.agent(other)
    response = post(network, f"/admin/offices/{office.id}/active", active="0")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Office, office.id).active is False
    assert db.session.get(User, ot_admin.id).active is False
    assert db.session.get(User, agent.id).active is False
    assert db.session.get(User, bystander.id).active is True
    assert len(events("office.deactivated", office.id)) == 1
    deactivated = {e.target_id for e in events("user.deactivated")}
    assert {ot_admin.id, agent.id} <= deactivated and bystander.id not in deactivated
    assert "Désactivé" in text(network.get(f"/admin/offices/{office.id}"))


def test_users_of_a_deactivated_office_cannot_sign_in(client, make):
    office = make.office()
    ot_admin = make.office_admin(office)
    assert login(client, make.network_admin().email).status_code == 302
    post(client, f"/admin/offices/{office.id}/active", active="0")
    client.post("/logout", data={"csrf_token": page_token(client)})
    assert login(client, ot_admin.email).status_code == 401


def test_reactivating_an_office(network, make):
    office = make.office(active=False)
    assert post(network, f"/admin/offices/{office.id}/active", active="1").status_code == 302
    db.session.refresh(office)
    assert office.active is True
    assert len(events("office.activated", office.id)) == 1


def test_an_admin_added_to_an_inactive_office_cannot_sign_in(network, make):
    office = make.office()
    post(network, f"/admin/offices/{office.id}/active", active="0")
    response = post(network, f"/admin/offices/{office.id}/admins", **{
        "admin-first_name": "Jordi", "admin-last_name": "Puig", "admin-email": "jordi@example.fr"})
    token = re.search(r"/password/([A-Za-z0-9_-]+)", text(response)).group(1)
    network.post("/logout", data={"csrf_token": page_token(network)})
    network.post(f"/password/{token}", data={"password": "une phrase assez longue",
                                            "confirm": "une phrase assez longue",
                                            "csrf_token": page_token(network)})
    assert login(network, "jordi@example.fr", "une phrase assez longue").status_code == 401


# --- OT admins ----------------------------------------------------------------------------------

def test_network_admin_creates_an_ot_admin(network, make, admin):
    office = make.office()
    response = post(network, f"/admin/offices/{office.id}/admins", **{
        "admin-first_name": " Isabelle ", "admin-last_name": "Canigó",
        "admin-email": "Isabelle.Canigo@Example.fr"})
    assert response.status_code == 200
    assert "/password/" in text(response)
    user = User.query.filter_by(email="isabelle.canigo@example.fr").one()
    assert (user.role, user.office_id, user.first_name, user.password_hash) == \
        (Role.office_admin, office.id, "Isabelle", None)
    [event] = events("user.created", user.id)
    assert event.actor_id == admin.id and event.details["role"] == "office_admin"
    assert len(events("user.setup_link_created", user.id)) == 1
    assert "isabelle.canigo@example.fr" in text(network.get(f"/admin/offices/{office.id}"))


def test_an_ot_admin_with_a_used_email_is_refused_beside_the_field(network, make):
    office = make.office()
    taken = make.agent(email="deja@example.fr")
    response = post(network, f"/admin/offices/{office.id}/admins", **{
        "admin-first_name": "Anaïs", "admin-last_name": "Vidal", "admin-email": "DEJA@example.fr"})
    assert response.status_code == 400
    assert field_error(response, "admin-email") == \
        "Cette adresse e-mail est déjà utilisée par un autre compte."
    assert User.query.filter_by(role=Role.office_admin).count() == 0
    assert db.session.get(User, taken.id).role is Role.agent


def test_an_ot_admin_without_a_name_is_refused_beside_the_field(network, make):
    office = make.office()
    response = post(network, f"/admin/offices/{office.id}/admins", **{
        "admin-first_name": "", "admin-last_name": "Vidal", "admin-email": "a@example.fr"})
    assert response.status_code == 400
    assert field_error(response, "admin-first_name") == "Ce champ est obligatoire."
    assert User.query.filter_by(email="a@example.fr").count() == 0


def test_network_admin_deactivates_an_ot_admin(network, make, admin):
    ot_admin = make.office_admin()
    response = post(network, f"/admin/users/{ot_admin.id}/active", active="0")
    assert response.status_code == 302
    db.session.refresh(ot_admin)
    assert ot_admin.active is False
    [event] = events("user.deactivated", ot_admin.id)
    assert event.actor_id == admin.id


def test_network_admin_cannot_manage_agents_or_themself_here(network, make, admin):
    agent = make.agent()
    assert post(network, f"/admin/users/{agent.id}/active", active="0").status_code == 404
    assert post(network, f"/admin/users/{admin.id}/active", active="0").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, agent.id).active is True
    assert db.session.get(User, admin.id).active is True


def test_an_office_admin_without_a_password_is_not_said_to_have_been_mailed(network, make):
    # No SMTP in tests: nothing was sent, so the page must not claim « Lien envoyé ».
    office = make.office()
    make.office_admin(office, password_hash=None)
    page = text(network.get(f"/admin/offices/{office.id}"))
    assert "Mot de passe pas encore choisi" in page and "Lien envoyé" not in page
