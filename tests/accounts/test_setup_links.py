"""One-time password links: shown to the admin who creates an account, usable once, for 7 days, stored hashed."""
import hashlib
import html
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import text as sql

from passresot import create_app
from passresot.accounts.models import Role, SetupLink, User
from passresot.extensions import db
from passresot.mailbox.api import send_queued
from passresot.mailbox.models import OutgoingMail
from passresot.timeutil import utcnow
from tests.helpers import login

NEW_PASSWORD = "une phrase facile à retenir"
LINK = re.compile(r"(?:https?://[^/\"\s]+)?/password/([A-Za-z0-9_-]{20,})")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def page_token(client) -> str:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def token_in(response) -> str:
    match = LINK.search(text(response))
    assert match, "no /password/ link on the page"
    return match.group(1)


def create_agent(client, email="nouvel.agent@example.fr"):
    return client.post("/office/agents/new", data={
        "first_name": "Núria", "last_name": "Ferrer", "email": email, "kind": "permanent",
        "contract_start": "2024-03-01", "contract_end": "", "csrf_token": page_token(client)})


@pytest.fixture
def office_admin_client(client, make):
    admin = make.office_admin()
    assert login(client, admin.email).status_code == 302
    return client


@pytest.fixture
def new_agent_token(office_admin_client):
    response = create_agent(office_admin_client)
    assert response.status_code == 200
    return token_in(response)


def set_password(client, token, password=NEW_PASSWORD, confirm=None):
    return client.post(f"/password/{token}", data={
        "password": password, "confirm": password if confirm is None else confirm,
        "csrf_token": page_token(client)})


def sign_out(client):
    client.post("/logout", data={"csrf_token": page_token(client)})


# --- the link page ------------------------------------------------------------------------------

def test_creating_an_agent_shows_a_one_time_link(office_admin_client):
    response = create_agent(office_admin_client)
    body = text(response)
    assert response.status_code == 200
    assert "Compte créé pour Núria Ferrer" in body
    assert "/password/" in body
    agent = User.query.filter_by(email="nouvel.agent@example.fr").one()
    assert agent.role is Role.agent and agent.password_hash is None
    link = SetupLink.query.filter_by(user_id=agent.id).one()
    assert link.token_hash == hashlib.sha256(token_in(response).encode()).hexdigest()


def test_creating_an_office_admin_shows_a_one_time_link(client, make):
    office = make.office()
    login(client, make.network_admin().email)
    response = client.post(f"/admin/offices/{office.id}/admins", data={
        "admin-first_name": "Isabelle", "admin-last_name": "Canigó",
        "admin-email": "direction@example.fr", "csrf_token": page_token(client)})
    assert response.status_code == 200
    token = token_in(response)
    admin = User.query.filter_by(email="direction@example.fr").one()
    assert admin.role is Role.office_admin and admin.office_id == office.id
    assert SetupLink.query.filter_by(user_id=admin.id).one().token_hash == \
        hashlib.sha256(token.encode()).hexdigest()


def test_creating_partner_staff_shows_a_one_time_link(client, make):
    partner = make.partner()
    login(client, make.network_admin().email)
    response = client.post(f"/admin/partners/{partner.id}/staff", data={
        "staff-first_name": "Miquel", "staff-last_name": "Albert",
        "staff-email": "accueil@site.example.fr", "csrf_token": page_token(client)})
    assert response.status_code == 200
    token = token_in(response)
    staff = User.query.filter_by(email="accueil@site.example.fr").one()
    assert staff.role is Role.partner_staff and staff.partner_id == partner.id
    assert SetupLink.query.filter_by(user_id=staff.id).count() == 1
    assert client.get(f"/password/{token}").status_code == 200


# --- using the link -----------------------------------------------------------------------------

def test_the_link_works_once_then_is_refused_with_410(office_admin_client, new_agent_token):
    client = office_admin_client
    sign_out(client)
    form = client.get(f"/password/{new_agent_token}")
    assert form.status_code == 200
    assert "nouvel.agent@example.fr" in text(form)

    done = set_password(client, new_agent_token)
    assert done.status_code == 302
    assert done.location.endswith("/login")
    assert login(client, "nouvel.agent@example.fr", NEW_PASSWORD).status_code == 302
    sign_out(client)

    again = client.get(f"/password/{new_agent_token}")
    assert again.status_code == 410
    assert "Ce lien n'est plus valable" in text(again)
    reuse = set_password(client, new_agent_token, "un autre mot de passe")
    assert reuse.status_code == 410
    assert login(client, "nouvel.agent@example.fr", "un autre mot de passe").status_code == 401


def test_the_chosen_password_is_kept_as_a_scrypt_hash_outside_the_tests(app, office_admin_client, new_agent_token,
                                                                         monkeypatch):
    assert create_app({"INSTANCE_PATH": app.instance_path}).config["PASSWORD_HASH_METHOD"] == "scrypt"
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")  # the tests' database uses a light one
    sign_out(office_admin_client)
    assert set_password(office_admin_client, new_agent_token).status_code == 302

    kept = User.query.filter_by(email="nouvel.agent@example.fr").one().password_hash
    assert kept.startswith("scrypt:") and NEW_PASSWORD not in kept
    assert login(office_admin_client, "nouvel.agent@example.fr", NEW_PASSWORD).status_code == 302


def test_after_choosing_a_password_the_sign_in_form_has_the_email_filled(office_admin_client, new_agent_token):
    client = office_admin_client
    sign_out(client)
    assert set_password(client, new_agent_token).status_code == 302
    page = text(client.get("/login"))
    assert 'value="nouvel.agent@example.fr"' in page
    assert 'value="nouvel.agent@example.fr"' not in text(client.get("/login"))  # once, not for the next person


def test_a_short_password_is_refused_beside_the_field_and_keeps_the_link(office_admin_client,
                                                                         new_agent_token):
    client = office_admin_client
    response = set_password(client, new_agent_token, "neuf-sign")  # 9 characters
    assert response.status_code == 400
    assert re.search(r'id="password-error">Choisissez un mot de passe d\'au moins 10 caractères',
                     text(response))
    assert User.query.filter_by(email="nouvel.agent@example.fr").one().password_hash is None
    assert set_password(client, new_agent_token, "dix-signes").status_code == 302  # exactly 10


def test_the_confirmation_must_match(office_admin_client, new_agent_token):
    client = office_admin_client
    response = set_password(client, new_agent_token, NEW_PASSWORD, confirm=NEW_PASSWORD + "!")
    assert response.status_code == 400
    assert re.search(r'id="confirm-error">Les deux mots de passe ne sont pas identiques\.',
                     text(response))
    assert User.query.filter_by(email="nouvel.agent@example.fr").one().password_hash is None
    assert client.get(f"/password/{new_agent_token}").status_code == 200


def test_an_unknown_token_is_refused_with_410(client):
    response = client.get("/password/pas-un-vrai-jeton-de-lien-valable")
    assert response.status_code == 410
    assert "Demandez un nouveau lien" in text(response)


def test_the_link_lasts_seven_days(office_admin_client, new_agent_token):
    link = SetupLink.query.one()
    assert timedelta(days=7) - timedelta(minutes=1) < link.expires_at - utcnow() <= timedelta(days=7)
    link.expires_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert office_admin_client.get(f"/password/{new_agent_token}").status_code == 200


def test_an_expired_link_is_refused(office_admin_client, new_agent_token):
    link = SetupLink.query.one()
    link.created_at = utcnow() - timedelta(days=7, minutes=1)
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client = office_admin_client
    assert client.get(f"/password/{new_agent_token}").status_code == 410
    assert set_password(client, new_agent_token).status_code == 410
    assert User.query.filter_by(email="nouvel.agent@example.fr").one().password_hash is None


def test_a_new_link_invalidates_the_older_ones(office_admin_client, new_agent_token):
    client = office_admin_client
    agent = User.query.filter_by(email="nouvel.agent@example.fr").one()
    response = client.post(f"/office/agents/{agent.id}/setup-link",
                           data={"csrf_token": page_token(client)})
    assert response.status_code == 200
    assert "Nouveau lien pour Núria Ferrer" in text(response)
    newer = token_in(response)
    assert newer != new_agent_token
    assert client.get(f"/password/{new_agent_token}").status_code == 410
    assert client.get(f"/password/{newer}").status_code == 200
    assert set_password(client, newer).status_code == 302


def test_a_link_of_a_deactivated_account_is_refused(office_admin_client, new_agent_token):
    agent = User.query.filter_by(email="nouvel.agent@example.fr").one()
    client = office_admin_client
    client.post(f"/office/agents/{agent.id}/active", data={"active": "0",
                                                          "csrf_token": page_token(client)})
    assert client.get(f"/password/{new_agent_token}").status_code == 410


def test_only_the_sha256_of_the_token_is_stored(office_admin_client, new_agent_token):
    rows = db.session.execute(sql("SELECT * FROM setup_links")).all()
    assert len(rows) == 1
    assert all(new_agent_token not in str(value) for value in rows[0])
    assert hashlib.sha256(new_agent_token.encode()).hexdigest() in rows[0]


# --- e-mail -------------------------------------------------------------------------------------

@pytest.fixture
def mail_log(caplog):
    caplog.set_level(logging.INFO, logger="passresot.mail")
    return caplog


def test_without_smtp_the_log_says_a_link_was_made_but_never_carries_it(
        app, office_admin_client, mail_log, monkeypatch):
    """Issue 13 finding: the whole message, link included, was logged; the link lets its reader
    choose the password of any new account. The admin already sees it on screen."""
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    response = create_agent(office_admin_client)
    token = token_in(response)
    assert "le lien n'a pas été envoyé" in text(response)
    user = User.query.filter_by(email="nouvel.agent@example.fr").one()
    logged = "\n".join(record.getMessage() for record in mail_log.records)
    assert f"lien créé pour le compte {user.id}, non envoyé" in logged
    assert token not in logged and "/password/" not in logged


def test_with_smtp_the_link_is_mailed(office_admin_client, fake_smtp):
    response = create_agent(office_admin_client)
    token = token_in(response)
    assert "Le lien part aussi par e-mail dans la minute." in text(response)
    assert fake_smtp.sent == []  # the page answered without waiting for SMTP
    assert send_queued() == (1, 0)
    assert OutgoingMail.query.one().body == ""  # the link does not stay in the database once sent
    assert len(fake_smtp.sent) == 1
    host, message = fake_smtp.sent[0]
    assert host == "smtp.example.fr"
    assert message["To"] == "nouvel.agent@example.fr"
    assert f"/password/{token}" in message.get_content()


def test_when_smtp_fails_the_mail_is_tried_again_later_and_then_given_up(office_admin_client, fake_smtp):
    fake_smtp.fail = True
    response = create_agent(office_admin_client)
    assert response.status_code == 200
    token_in(response)
    assert "n'est pas configuré" not in text(response)
    assert User.query.filter_by(email="nouvel.agent@example.fr").count() == 1
    assert send_queued() == (0, 1)
    mail = OutgoingMail.query.one()
    assert mail.attempts == 1 and mail.sent_at is None and mail.next_attempt_at > utcnow()
    assert send_queued() == (0, 0)  # not due yet
    fake_smtp.fail = False
    assert send_queued(now=utcnow() + timedelta(minutes=2)) == (1, 0) and len(fake_smtp.sent) == 1
