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
from tests.helpers import FAST_HASH, PASSWORD, csrf_token, login
from tests.factories import Factory

BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
THROTTLED = re.compile(r"patientez (\d+) minutes? avant")


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

def _failures(email, address, count, ago=timedelta(seconds=10)):
    db.session.add_all([LoginAttempt(email=email, address=address, at=utcnow() - ago) for _ in range(count)])
    db.session.commit()


def _api_sign_in(client, email, password, address):
    client = client.application.test_client()  # a scanner app: no cookie
    return client.post("/api/v1/auth/token", environ_base={"REMOTE_ADDR": address},
                       json={"email": email, "password": password, "device_name": "Test"})


def test_five_failures_from_five_addresses_do_not_lock_the_right_person_out(client, make):
    """Issue 13 finding: 5 wrong passwords for someone's e-mail, from 5 addresses, and their right
    password got 429 for 15 minutes, form and token alike."""
    user = make.agent()
    for n in range(5):
        assert post_login(client, user.email, "wrong-password", f"198.51.100.{n}").status_code == 401
    assert post_login(client, user.email, PASSWORD, "198.51.100.99").status_code == 302
    for n in range(5):
        assert _api_sign_in(client, user.email, "wrong-password", f"198.51.100.{10 + n}").status_code == 401
    assert _api_sign_in(client, user.email, PASSWORD, "198.51.100.98").status_code == 201


def test_five_made_up_emails_from_one_address_do_not_lock_out_the_colleagues_behind_it(client, make):
    """Issue 13 finding: 5 failures with made-up e-mails from one address locked out every
    colleague behind the same office connection."""
    user = make.agent()
    for n in range(5):
        assert post_login(client, f"inconnu{n}@example.fr", "wrong-password", "203.0.113.7").status_code == 401
    assert post_login(client, user.email, PASSWORD, "203.0.113.7").status_code == 302
    assert _api_sign_in(client, user.email, PASSWORD, "203.0.113.7").status_code == 201


def test_an_attacker_cannot_keep_the_network_admin_out(client, make):
    """5 requests every 15 minutes kept the network admin out; now their browser always gets in."""
    admin = make.network_admin()
    assert post_login(client, admin.email, PASSWORD, "192.0.2.10").status_code == 302
    client.post("/logout", data={"csrf_token": page_token(client)})
    # Far more than 5: from everywhere, and from the admin's own office connection.
    _failures(admin.email, "192.0.2.10", 30)
    _failures(admin.email, "203.0.113.66", 30)
    for n in range(60):
        db.session.add(LoginAttempt(email=f"x{n}@example.fr", address="192.0.2.10", at=utcnow()))
    db.session.commit()
    assert post_login(client, admin.email, PASSWORD, "192.0.2.10").status_code == 302


def test_one_caller_failing_for_one_account_waits_a_growing_delay(client, make):
    user = make.agent()
    for n in range(5):
        assert post_login(client, user.email, "wrong-password", "198.51.100.7").status_code == 401
    response = post_login(client, user.email, PASSWORD, "198.51.100.7")
    assert response.status_code == 429
    assert THROTTLED.search(text(response)).group(1) == "1"  # 30 s, rounded up to a minute
    assert "Trop de tentatives de connexion" in text(response)
    assert client.get("/pass").status_code == 302
    # Another caller is not concerned.
    assert post_login(client, user.email, PASSWORD, "198.51.100.8").status_code == 302


def test_the_delay_doubles_and_is_counted_from_the_last_failure(client, make):
    user = make.agent()
    _failures(user.email, "198.51.100.9", 5, ago=timedelta(seconds=40))  # 30 s: over
    assert post_login(client, user.email, PASSWORD, "198.51.100.9").status_code == 302
    other = make.agent()
    _failures(other.email, "198.51.100.9", 8, ago=timedelta(seconds=40))  # 30 s × 2³ = 4 min
    response = post_login(client.application.test_client(), other.email, PASSWORD, "198.51.100.9")
    assert response.status_code == 429 and THROTTLED.search(text(response)).group(1) == "4"


def test_an_account_attacked_from_everywhere_slows_down_unknown_browsers_only(app, client, make):
    user = make.agent()
    assert post_login(client, user.email, PASSWORD, "192.0.2.20").status_code == 302  # their phone
    client.post("/logout", data={"csrf_token": page_token(client)})
    for n in range(25):
        _failures(user.email, f"203.0.113.{n}", 1)
    stranger = app.test_client()
    assert post_login(stranger, user.email, PASSWORD, "192.0.2.21").status_code == 429
    # The phone that signed in before, even from a new address.
    assert post_login(client, user.email, PASSWORD, "198.51.100.200").status_code == 302


def test_a_busy_address_slows_down_unknown_browsers_only(app, client, make):
    user = make.agent()
    assert post_login(client, user.email, PASSWORD, "203.0.113.9").status_code == 302
    client.post("/logout", data={"csrf_token": page_token(client)})
    for n in range(55):
        _failures(f"inconnu{n}@example.fr", "203.0.113.9", 1)
    assert post_login(app.test_client(), make.agent().email, PASSWORD, "203.0.113.9").status_code == 429
    assert post_login(client, user.email, PASSWORD, "203.0.113.9").status_code == 302


def test_a_forged_known_device_cookie_counts_for_nothing(app, client, make):
    user = make.agent()
    _failures(user.email, "198.51.100.77", 6)
    client.set_cookie("passresot_known", "eyJkIjoiYWJjIiwidSI6WzFdfQ.forged", domain="localhost")
    assert post_login(client, user.email, PASSWORD, "198.51.100.77").status_code == 429


def test_failures_older_than_fifteen_minutes_do_not_count(client, make):
    user = make.agent()
    _failures(user.email, "127.0.0.1", 30, ago=timedelta(minutes=16))
    _failures("x@example.fr", "127.0.0.1", 60, ago=timedelta(minutes=16))
    assert post_login(client, user.email, PASSWORD).status_code == 302


def test_success_clears_the_pair_failures(client, make):
    user = make.agent()
    for _ in range(4):
        post_login(client, user.email, "wrong-password", "198.51.100.10")
    assert post_login(client, user.email, PASSWORD, "198.51.100.10").status_code == 302
    assert LoginAttempt.query.filter_by(email=user.email).count() == 0
    client.post("/logout", data={"csrf_token": page_token(client)})
    fresh = client.application.test_client()  # not a known browser
    for _ in range(4):
        post_login(fresh, user.email, "wrong-password", "198.51.100.10")
    # 8 failures in 15 minutes would be throttled had the first four not been cleared.
    assert post_login(fresh, user.email, PASSWORD, "198.51.100.10").status_code == 302


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
