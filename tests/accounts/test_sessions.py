"""Sessions the server can end (issue 13 part 3): every sign-in is a server-side record, so logout,
a new password and a deactivation end cookies and tokens for good; lifetimes per role."""
import re
from datetime import timedelta

import pytest

from passresot.accounts.api import create_setup_link
from passresot.accounts.models import ApiToken, SignInKind, User
from passresot.accounts.tokens import create_api_token
from passresot.extensions import db
from passresot.timeutil import utcnow
from tests.helpers import FAST_HASH, PASSWORD, csrf_token, login
from tests.factories import Factory

NEW_PASSWORD = "une toute nouvelle phrase"


@pytest.fixture
def seed(app, clean_db):
    """Rows written in a short app context of their own (see test_sign_in.seed)."""
    def run(build):
        with app.app_context():
            result = build(Factory(FAST_HASH))
            db.session.commit()
            return result
    return run


def _bearer(app, token, path="/api/v1/scanner/bundle"):
    return app.test_client().get(path, headers={"Authorization": f"Bearer {token}"}).status_code


def _session_cookie(client):
    cookie = client.get_cookie("session", domain="localhost")
    return cookie.value if cookie else None


def _logout(client):
    page = client.get("/me/devices").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return client.post("/logout", data={"csrf_token": token})


def test_the_session_cookie_replayed_after_logout_opens_nothing(app, client, seed):
    """Issue 13 finding: after POST /logout, the old cookie still opened /office/agents."""
    email = seed(lambda make: make.office_admin().email)
    assert login(client, email).status_code == 302
    stolen = _session_cookie(client)
    assert client.get("/office/agents").status_code == 200
    assert _logout(client).status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="localhost")
    response = thief.get("/office/agents")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_a_cookie_of_the_old_signed_only_kind_opens_nothing(app, client, seed):
    user_id, version = seed(lambda make: (lambda u: (u.id, u.session_version))(make.office_admin()))
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{version}"
        session["_fresh"] = True
    assert client.get("/office/agents").status_code == 302


def test_a_token_stops_after_a_new_password_set_by_link(app, client, seed):
    """Issue 13 finding: a password set through a link left the bearer tokens working."""
    token, link = seed(lambda make: (lambda u: (create_api_token(u, "Tablette")[0], create_setup_link(None, u)))(
        make.partner_staff()))
    assert _bearer(app, token) == 200
    response = client.post(f"/password/{link}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                                      "csrf_token": csrf_token(client, f"/password/{link}")})
    assert response.status_code == 302
    assert _bearer(app, token) == 401


@pytest.mark.parametrize("what", ["user", "office", "site"])
def test_deactivation_ends_everything_and_reactivation_revives_nothing(app, client, seed, what):
    """Issue 13 finding: reactivating brought the same old tokens and set-password links back."""
    def build(make):
        admin = make.network_admin()
        if what == "office":
            person = make.office_admin()
        else:
            person = make.partner_staff()
        token = create_api_token(person, "Tablette")[0]
        link = create_setup_link(None, person)
        return admin.email, person.id, person.office_id, person.partner_id, token, link
    admin_email, person_id, office_id, partner_id, token, link = seed(build)
    person_email = seed(lambda make: db.session.get(User, person_id).email)
    person_client = app.test_client()
    assert login(person_client, person_email).status_code == 302
    assert _bearer(app, token, "/api/v1/partners") == 200

    assert login(client, admin_email).status_code == 302
    url = {"user": f"/admin/users/{person_id}/active", "office": f"/admin/offices/{office_id}/active",
           "site": f"/admin/partners/{partner_id}/active"}[what]
    for active in ("0", "1"):
        response = client.post(url, data={"active": active, "csrf_token": csrf_token(client, "/admin/offices")})
        assert response.status_code == 302
    if what == "office":  # an office's reactivation leaves its people's accounts to reactivate one by one
        seed(lambda make: setattr(db.session.get(User, person_id), "active", True))
    assert seed(lambda make: db.session.get(User, person_id).is_active)

    assert _bearer(app, token, "/api/v1/partners") == 401
    assert person_client.get("/me/devices").status_code == 302
    assert app.test_client().get(f"/password/{link}").status_code == 410
    assert seed(lambda make: ApiToken.query.filter_by(user_id=person_id, revoked_at=None).count()) == 0


def test_own_password_change_ends_every_other_session_and_keeps_this_one(app, client, seed):
    email, token = seed(lambda make: (lambda u: (u.email, create_api_token(u, "Téléphone")[0]))(make.agent()))
    other_browser = app.test_client()
    assert login(other_browser, email).status_code == 302
    assert login(client, email).status_code == 302

    page = "/me/password"
    wrong = client.post(page, data={"current": "pas le bon", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                     "csrf_token": csrf_token(client, page)})
    assert wrong.status_code == 400 and "Le mot de passe actuel n'est pas le bon." in wrong.get_data(as_text=True)
    assert _bearer(app, token, "/api/v1/me/pass") != 401

    response = client.post(page, data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                       "csrf_token": csrf_token(client, page)}, follow_redirects=True)
    assert response.status_code == 200 and "2 autres sessions ou appareils sont déconnectés" in response.get_data(as_text=True)
    assert client.get("/pass").status_code == 200
    assert other_browser.get("/pass").status_code == 302
    assert _bearer(app, token, "/api/v1/me/pass") == 401
    assert login(app.test_client(), email, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_counts_towards_the_throttle(app, client, seed):
    email = seed(lambda make: make.agent().email)
    login(client, email)
    for _ in range(5):
        client.post("/me/password", data={"current": "pas le bon", "password": NEW_PASSWORD,
                                          "confirm": NEW_PASSWORD, "csrf_token": csrf_token(client, "/me/password")})
    response = client.post("/me/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD, "csrf_token": csrf_token(client, "/me/password")})
    assert response.status_code == 400 and "Trop de tentatives" in response.get_data(as_text=True)


def test_me_devices_lists_browser_sessions_and_tokens_and_ends_another_browser(app, client, seed):
    email, token = seed(lambda make: (lambda u: (u.email, create_api_token(u, "Scanner API")[0]))(make.partner_staff()))
    phone = app.test_client()
    assert login(phone, email).status_code == 302
    assert login(client, email).status_code == 302
    page = client.get("/me/devices").get_data(as_text=True)
    assert page.count('data-kind="browser"') == 2 and page.count('data-kind="token"') == 1
    phone_id = seed(lambda make: ApiToken.query.filter_by(kind=SignInKind.browser, revoked_at=None)
                    .order_by(ApiToken.id).first().id)
    response = client.post(f"/me/devices/{phone_id}/revoke", data={"csrf_token": csrf_token(client, "/me/devices")})
    assert response.status_code == 302
    assert phone.get("/site").status_code == 302
    assert client.get("/site").status_code == 200


def test_an_office_admin_ends_a_browser_session_of_their_agent(app, client, seed):
    def build(make):
        office = make.office()
        return make.office_admin(office).email, *(lambda a: (a.email, a.id))(make.agent(office, photo=False))
    admin_email, agent_email, agent_id = seed(build)
    phone = app.test_client()
    login(phone, agent_email)
    login(client, admin_email)
    page = client.get(f"/accounts/{agent_id}/devices").get_data(as_text=True)
    row_id = re.search(r'data-token="(\d+)" data-kind="browser"', page).group(1)
    client.post(f"/accounts/{agent_id}/devices/{row_id}/revoke",
                data={"csrf_token": csrf_token(client, f"/accounts/{agent_id}/devices")})
    assert phone.get("/pass").status_code == 302


def _age_sign_ins(user_email, idle):
    user = User.query.filter_by(email=user_email).one()
    for row in ApiToken.query.filter_by(user_id=user.id):
        row.last_used_at = utcnow() - idle


def test_an_admin_session_ends_after_twelve_idle_hours_an_agents_does_not(app, client, seed):
    admin_email, agent_email = seed(lambda make: (make.office_admin().email, make.agent().email))
    agent_client = app.test_client()
    login(client, admin_email)
    login(agent_client, agent_email)
    seed(lambda make: [_age_sign_ins(e, idle=timedelta(hours=13)) for e in (admin_email, agent_email)])
    assert client.get("/office/agents").status_code == 302
    assert agent_client.get("/pass").status_code == 200


@pytest.mark.parametrize("role,days", [("network_admin", 30), ("office_admin", 30), ("agent", 180),
                                       ("partner_staff", 30)])
def test_lifetimes_per_role(app, client, seed, role, days):
    email = seed(lambda make: getattr(make, role)().email)
    login(client, email)
    row = seed(lambda make: (lambda r: (r.created_at, r.expires_at))(ApiToken.query.one()))
    assert row[1] - row[0] == timedelta(days=days)
