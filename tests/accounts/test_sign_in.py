"""Signing in and out over real HTTP: landing pages, French refusals, throttling, cookies, redirects, sessions."""
import html
import re
from datetime import timedelta
from urllib.parse import quote, urljoin, urlsplit

import pytest

from passresot.accounts.api import create_setup_link
from passresot.accounts.models import LoginAttempt
from passresot.extensions import db
from passresot.timeutil import utcnow
from tests.conftest import FAST_HASH, PASSWORD, csrf_token, login
from tests.factories import Factory

BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
THROTTLED = re.compile(r"patientez (\d+) minute\(s\)")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_login(client, email, password, address="127.0.0.1", query=""):
    """Sign in from `address` (REMOTE_ADDR), with a CSRF token fetched from the same address."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/login", environ_base=environ).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return client.post("/login" + query, environ_base=environ,
                       data={"email": email, "password": password, "csrf_token": token})


def page_token(client) -> str:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.fixture
def seed(app, clean_db):
    """Write rows in a short app context of their own and return plain values.

    Tests that follow one person's session across several clients use this instead of `make`:
    `make` keeps an app context pushed, which every request then reuses (so `g`, where
    Flask-Login caches the signed-in user, would be shared by all clients).
    """
    def run(build):
        with app.app_context():
            return build(Factory(FAST_HASH))
    return run


# --- success ------------------------------------------------------------------------------------

LANDINGS = [
    pytest.param("network_admin", "/admin/offices", id="network_admin-offices"),
    pytest.param("office_admin", "/office/agents", id="office_admin-agents"),
    pytest.param("agent", "/pass", id="agent-pass"),
    pytest.param("partner_staff", "/site", id="partner_staff-site"),
]


@pytest.mark.parametrize("role,landing", LANDINGS)
def test_sign_in_lands_each_role_on_its_page(client, make, role, landing):
    user = getattr(make, role)()
    response = login(client, user.email)
    assert response.status_code == 302
    page = client.get(response.location, follow_redirects=True)
    assert page.status_code == 200
    assert page.request.path == landing


def test_email_is_matched_whatever_its_case(client, make):
    make.office_admin(email="directrice@ot-ceret.fr")
    response = login(client, "Directrice@OT-Ceret.fr")
    assert response.status_code == 302
    assert client.get("/office/agents").status_code == 200


def test_email_with_surrounding_spaces_signs_in(client, make):
    make.office_admin(email="directrice@ot-ceret.fr")
    assert login(client, "directrice@ot-ceret.fr ").status_code == 302


# --- refusals -----------------------------------------------------------------------------------

def test_wrong_password_is_refused_in_french_with_401(client, make):
    user = make.office_admin()
    response = login(client, user.email, "not-the-password")
    assert response.status_code == 401
    assert BAD_CREDENTIALS in text(response)
    assert client.get("/office/agents").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, make):
    user = make.office_admin()
    wrong_password = login(client, user.email, "not-the-password")
    unknown = login(client, "personne@example.fr", "not-the-password")
    assert unknown.status_code == wrong_password.status_code == 401

    def message(response):
        return re.search(r'class="flash flash-error">([^<]*)<', text(response)).group(1)

    assert message(unknown) == message(wrong_password) == BAD_CREDENTIALS


def test_inactive_account_cannot_sign_in(client, make):
    user = make.agent(active=False)
    response = login(client, user.email)
    assert response.status_code == 401
    assert BAD_CREDENTIALS in text(response)
    assert client.get("/pass").status_code == 302


def test_account_without_password_yet_cannot_sign_in(client, make):
    user = make.agent(password_hash=None)
    assert login(client, user.email, "").status_code == 400  # empty password: form error
    assert login(client, user.email, "anything-at-all").status_code == 401


def test_form_errors_are_french_and_beside_the_fields(client):
    response = client.post("/login", data={"email": "pas-une-adresse", "password": "",
                                           "csrf_token": csrf_token(client, "/login")})
    body = text(response)
    assert response.status_code == 400
    assert re.search(r'id="email-error">Saisissez une adresse e-mail valide', body)
    assert re.search(r'id="password-error">Ce champ est obligatoire\.', body)


# --- throttling ---------------------------------------------------------------------------------

def test_sixth_attempt_for_one_email_is_refused_even_with_the_right_password(client, make):
    user = make.agent()
    for n in range(5):  # from five different addresses: the count is per email
        assert post_login(client, user.email, "wrong-password", f"198.51.100.{n}").status_code == 401
    response = post_login(client, user.email, PASSWORD, "198.51.100.99")
    assert response.status_code == 429
    match = THROTTLED.search(text(response))
    assert match and 1 <= int(match.group(1)) <= 15
    assert "Trop de tentatives de connexion" in text(response)
    assert client.get("/pass").status_code == 302


def test_other_emails_are_not_throttled_by_one_email_failures(client, make):
    victim, other = make.agent(), make.agent()
    for n in range(5):
        post_login(client, victim.email, "wrong-password", f"198.51.100.{n}")
    assert post_login(client, other.email, PASSWORD, "198.51.100.50").status_code == 302


def test_one_address_trying_many_emails_is_throttled(client, make):
    user = make.agent()
    for n in range(5):
        response = post_login(client, f"inconnu{n}@example.fr", "wrong-password", "203.0.113.7")
        assert response.status_code == 401
    response = post_login(client, user.email, PASSWORD, "203.0.113.7")
    assert response.status_code == 429
    assert THROTTLED.search(text(response))
    # Another address is not concerned.
    assert post_login(client, user.email, PASSWORD, "203.0.113.8").status_code == 302


def test_failures_older_than_fifteen_minutes_do_not_count(client, make):
    user = make.agent()
    old = utcnow() - timedelta(minutes=16)
    db.session.add_all([LoginAttempt(email=user.email, address="127.0.0.1", at=old) for _ in range(5)])
    db.session.add_all([LoginAttempt(email=f"x{n}@example.fr", address="127.0.0.1", at=old)
                        for n in range(5)])
    db.session.commit()
    assert post_login(client, user.email, PASSWORD).status_code == 302


def test_failures_within_fifteen_minutes_count(client, make):
    user = make.agent()
    recent = utcnow() - timedelta(minutes=14)
    db.session.add_all([LoginAttempt(email=user.email, address="192.0.2.1", at=recent)
                        for _ in range(5)])
    db.session.commit()
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 429
    # The oldest failure leaves the window in about a minute.
    assert THROTTLED.search(text(response)).group(1) in ("1", "2")


def test_success_clears_the_email_failures(client, make):
    user = make.agent()
    for n in range(4):
        post_login(client, user.email, "wrong-password", f"198.51.100.{n}")
    assert post_login(client, user.email, PASSWORD, "198.51.100.10").status_code == 302
    assert LoginAttempt.query.filter_by(email=user.email).count() == 0
    client.post("/logout", data={"csrf_token": page_token(client)})
    for n in range(4):
        post_login(client, user.email, "wrong-password", f"198.51.100.{20 + n}")
    # 8 failures in 15 minutes would be throttled had the first four not been cleared.
    assert post_login(client, user.email, PASSWORD, "198.51.100.30").status_code == 302


# --- session cookie -----------------------------------------------------------------------------

def _session_cookie_header(response) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert headers, "no session cookie set"
    return headers[-1]


def test_session_cookie_is_httponly_lax_and_not_secure_over_http(client, make):
    user = make.agent()
    header = _session_cookie_header(login(client, user.email))
    attributes = [part.strip().lower() for part in header.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes


def test_session_cookie_is_secure_over_https(client, make):
    user = make.agent()
    base = "https://localhost"
    page = client.get("/login", base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", base_url=base, headers={"Referer": base + "/login"},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    attributes = [part.strip().lower() for part in _session_cookie_header(response).split(";")]
    assert "secure" in attributes
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


# --- ?next= -------------------------------------------------------------------------------------

def test_next_to_a_local_page_is_followed(client, make):
    user = make.office_admin()
    response = post_login(client, user.email, PASSWORD, query="?next=" + quote("/office/agents/new"))
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/office/agents/new"


@pytest.mark.parametrize("target", [
    pytest.param("//evil.example", id="protocol-relative"),
    pytest.param("https://evil.example", id="absolute-https"),
    pytest.param("http://evil.example/office/agents", id="absolute-http"),
    pytest.param("/\\evil.example", id="backslash"),
    pytest.param("\t//evil.example", id="leading-tab"),
    pytest.param("javascript:alert(1)", id="javascript"),
])
def test_next_to_another_site_is_ignored(client, make, target):
    user = make.office_admin()
    response = post_login(client, user.email, PASSWORD, query="?next=" + quote(target, safe=""))
    assert response.status_code == 302
    # Resolve the Location as a browser would (it reads a backslash as a slash).
    resolved = urlsplit(urljoin("http://localhost/login", response.location.replace("\\", "/")))
    assert resolved.scheme in ("http", "https")
    assert resolved.netloc == "localhost"


# --- sign-out -----------------------------------------------------------------------------------

def test_logout_is_post_only(client, make):
    user = make.agent()
    login(client, user.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/pass").status_code == 200


def test_logout_without_csrf_token_is_refused_and_keeps_the_session(client, make):
    user = make.agent()
    login(client, user.email)
    response = client.post("/logout")
    assert response.status_code == 400
    assert "Le formulaire a expiré" in text(response)
    assert client.get("/pass").status_code == 200


def test_logout_with_csrf_token_ends_the_session(client, make):
    user = make.agent()
    login(client, user.email)
    response = client.post("/logout", data={"csrf_token": page_token(client)})
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"
    after = client.get("/pass")
    assert after.status_code == 302
    assert urlsplit(after.location).path == "/login"


# --- sessions end when the account changes ------------------------------------------------------

def test_deactivating_a_user_ends_their_existing_session(app, client, seed):
    admin_email, staff_email, staff_id = seed(lambda make: (
        make.network_admin().email, *(lambda u: (u.email, u.id))(make.partner_staff())))
    assert login(client, staff_email).status_code == 302
    assert client.get("/site").status_code == 200

    admin_client = app.test_client()
    assert login(admin_client, admin_email).status_code == 302
    response = admin_client.post(f"/admin/users/{staff_id}/active",
                                 data={"active": "0", "csrf_token": page_token(admin_client)})
    assert response.status_code == 302

    after = client.get("/site")
    assert after.status_code == 302
    assert urlsplit(after.location).path == "/login"


def test_a_new_password_ends_the_other_sessions(app, client, seed):
    def build(make):
        agent = make.agent()
        token = create_setup_link(None, agent)
        db.session.commit()
        return agent.email, token
    email, token = seed(build)
    assert login(client, email).status_code == 302
    assert client.get("/pass").status_code == 200

    other = app.test_client()
    response = other.post(f"/password/{token}", data={
        "password": "une phrase assez longue", "confirm": "une phrase assez longue",
        "csrf_token": csrf_token(other, f"/password/{token}")})
    assert response.status_code == 302

    assert client.get("/pass").status_code == 302
