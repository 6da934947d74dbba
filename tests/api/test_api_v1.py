"""The JSON API v1 (DESIGN.md §4) over HTTP: bearer tokens, /me/pass, /keys, /revocations, errors."""
import base64
import hashlib
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import text as sql

from passresot.accounts.models import ApiToken, SignInKind, User
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.passes.api import issue_pass, return_pass, revoke_pass
from passresot.passes.keys import KeyRing
from passresot.passes.models import Pass
from passresot.passes.token import key_id, verify_pass_token
from passresot.timeutil import utcnow
from tests.helpers import FAST_HASH, PASSWORD, csrf_token, login
from tests.factories import Factory

PASS_FIELDS = {"qr", "pass_number", "holder", "office", "valid_from", "valid_until", "status"}
BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


@pytest.fixture
def seed(app, clean_db):
    """Run `build(factory)` in a short request context of its own, commit, return plain values.

    No app context stays pushed, so each request has its own `g` and Flask-Login loads the caller
    afresh (from the bearer token or the cookie) every time.
    """
    def run(build):
        with app.test_request_context("/"):
            result = build(Factory(FAST_HASH))
            db.session.commit()
            return result
    return run


def plain(user):
    return SimpleNamespace(id=user.id, email=user.email)


@pytest.fixture
def people(seed):
    def build(make):
        office = make.office(name="Office de Tourisme de Banyuls-sur-Mer")
        agent = make.agent(office, first_name="Amélie", last_name="Roca")
        new = issue_pass(None, agent)
        db.session.flush()
        return SimpleNamespace(
            office=SimpleNamespace(id=office.id, name=office.name),
            agent=plain(agent), no_pass=plain(make.agent(office)),
            partner=plain(make.partner_staff()), network=plain(make.network_admin()),
            admin=plain(make.office_admin(office)),
            pass_=SimpleNamespace(id=new.id, token=new.token, number=new.display_number,
                                  valid_from=new.valid_from, valid_until=new.valid_until))
    return seed(build)


def get_token(client, email, password=PASSWORD, device="Téléphone de test"):
    response = client.post("/api/v1/auth/token",
                           json={"email": email, "password": password, "device_name": device})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["token"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def assert_json_error(response, status, code=None):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "<html" not in body.lower()
    error = response.get_json()["error"]
    assert error["message"] and isinstance(error["message"], str)
    if code:
        assert error["code"] == code
    return error


# --- POST /api/v1/auth/token ----------------------------------------------------------------------

def test_a_token_is_issued_and_only_its_hash_is_stored(client, people, seed):
    response = client.post("/api/v1/auth/token", json={
        "email": people.agent.email.upper(), "password": PASSWORD, "device_name": "Tablette accueil"})
    assert response.status_code == 201
    body = response.get_json()
    token = body["token"]
    assert token.startswith("prt_") and len(token) > 40
    assert body["token_type"] == "Bearer" and body["role"] == "agent"
    assert datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00")).replace(tzinfo=None) > utcnow()

    def stored(_):
        rows = [tuple(row) for row in db.session.execute(sql("SELECT * FROM api_tokens"))]
        row = ApiToken.query.one()
        events = AuditEvent.query.filter_by(action="token.created").count()
        return rows, row.token_hash, row.device_name, row.user_id, events
    rows, token_hash, device, user_id, events = seed(stored)
    assert len(rows) == 1
    assert not any(token in str(cell) or token[4:] in str(cell) for cell in rows[0])
    assert token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (device, user_id, events) == ("Tablette accueil", people.agent.id, 1)


@pytest.mark.parametrize("email,password", [
    pytest.param("agent", "mauvais-mot-de-passe", id="wrong-password"),
    pytest.param("personne@example.fr", PASSWORD, id="unknown-email"),
])
def test_bad_credentials_are_a_401_json_error_in_french(client, people, seed, email, password):
    email = people.agent.email if email == "agent" else email
    response = client.post("/api/v1/auth/token",
                           json={"email": email, "password": password, "device_name": "x"})
    error = assert_json_error(response, 401, "invalid_credentials")
    assert error["message"] == BAD_CREDENTIALS
    assert "token" not in response.get_json()
    assert seed(lambda _: ApiToken.query.count()) == 0


@pytest.mark.parametrize("missing", ["email", "password", "device_name"])
def test_a_missing_field_is_a_400_naming_it(client, people, missing):
    body = {"email": people.agent.email, "password": PASSWORD, "device_name": "x"}
    del body[missing]
    error = assert_json_error(client.post("/api/v1/auth/token", json=body), 400, "invalid_request")
    assert list(error["fields"]) == [missing]
    assert error["fields"][missing] == "Champ obligatoire (texte)."


@pytest.mark.parametrize("blank, expected", [
    pytest.param(" \t\u00a0\u3000", 400, id="spaces-are-missing"),
    # The description's `\S` (ECMAScript) takes U+001E for a character: a wrong e-mail, not a missing one.
    pytest.param("\x1e", 401, id="a-control-character-is-text"),
])
def test_blank_means_what_the_description_says(client, people, blank, expected):
    response = client.post("/api/v1/auth/token", json={"email": blank, "password": PASSWORD, "device_name": "x"})
    assert response.status_code == expected


def test_a_field_of_the_wrong_type_or_too_long_is_a_400(client, people):
    error = assert_json_error(client.post("/api/v1/auth/token", json={
        "email": people.agent.email, "password": 12345, "device_name": "x"}), 400)
    assert list(error["fields"]) == ["password"]
    error = assert_json_error(client.post("/api/v1/auth/token", json={
        "email": people.agent.email, "password": PASSWORD, "device_name": "x" * 81}), 400)
    assert "80" in error["fields"]["device_name"]


@pytest.mark.parametrize("kwargs", [
    pytest.param({"data": {"email": "a@b.fr", "password": "x", "device_name": "x"}}, id="form-encoded"),
    pytest.param({"data": "not json", "content_type": "application/json"}, id="broken-json"),
    pytest.param({"json": ["a", "list"]}, id="json-list"),
    pytest.param({}, id="empty"),
])
def test_a_body_that_is_not_a_json_object_is_a_400(client, people, kwargs):
    error = assert_json_error(client.post("/api/v1/auth/token", **kwargs), 400, "invalid_request")
    assert "JSON" in error["message"]


def test_the_sixth_attempt_after_five_failures_is_a_429(client, people, seed):
    for _ in range(5):
        assert_json_error(client.post("/api/v1/auth/token", json={
            "email": people.agent.email, "password": "faux", "device_name": "x"}), 401)
    response = client.post("/api/v1/auth/token", json={
        "email": people.agent.email, "password": PASSWORD, "device_name": "x"})
    error = assert_json_error(response, 429, "too_many_attempts")
    assert "Trop de tentatives" in error["message"]
    assert seed(lambda _: ApiToken.query.count()) == 0


def test_a_deactivated_account_gets_no_token(client, people, seed):
    seed(lambda _: setattr(db.session.get(User, people.agent.id), "active", False))
    response = client.post("/api/v1/auth/token", json={
        "email": people.agent.email, "password": PASSWORD, "device_name": "x"})
    assert_json_error(response, 401, "invalid_credentials")


# --- bearer tokens -------------------------------------------------------------------------------

def test_the_bearer_token_gets_the_pass_in_the_documented_shape(app, people):
    token = get_token(app.test_client(), people.agent.email)
    device = app.test_client()  # no cookie at all: only the bearer token
    response = device.get("/api/v1/me/pass", headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == PASS_FIELDS
    assert body["qr"] == people.pass_.token
    assert body["pass_number"] == people.pass_.number
    assert body["holder"] == {"first_name": "Amélie", "last_name": "Roca",
                              "photo_url": f"/photos/agents/{people.agent.id}.jpg"}
    assert body["office"] == {"id": people.office.id, "name": people.office.name}
    assert body["valid_from"] == people.pass_.valid_from.isoformat() + "Z"
    assert body["valid_until"] == people.pass_.valid_until.isoformat() + "Z"
    assert body["status"] == "active"
    photo = device.get(body["holder"]["photo_url"], headers=bearer(token))
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"


def test_me_pass_reports_a_closed_pass_status(app, people, seed):
    seed(lambda _: revoke_pass(None, db.session.get(Pass, people.pass_.id), "Téléphone perdu"))
    token = get_token(app.test_client(), people.agent.email)
    assert app.test_client().get("/api/v1/me/pass", headers=bearer(token)).get_json()["status"] == "revoked"


@pytest.mark.parametrize("spoil", ["expired", "revoked", "owner-deactivated", "unknown"])
def test_an_unusable_token_is_a_401_json(app, people, seed, spoil):
    token = get_token(app.test_client(), people.agent.email)
    device = app.test_client()
    assert device.get("/api/v1/me/pass", headers=bearer(token)).status_code == 200

    def spoil_it(_):
        row = ApiToken.query.one()
        if spoil == "expired":
            row.expires_at = utcnow() - timedelta(seconds=1)
        elif spoil == "revoked":
            row.revoked_at = utcnow()
        elif spoil == "owner-deactivated":
            row.user.active = False
    seed(spoil_it)
    used = token if spoil != "unknown" else token[:-2] + "xx"
    assert_json_error(device.get("/api/v1/me/pass", headers=bearer(used)), 401, "unauthorized")


def test_delete_revokes_the_token(app, people, seed):
    token = get_token(app.test_client(), people.agent.email)
    device = app.test_client()
    response = device.delete("/api/v1/auth/token", headers=bearer(token))
    assert response.status_code == 204
    assert seed(lambda _: ApiToken.query.one().revoked_at) is not None
    assert_json_error(device.get("/api/v1/me/pass", headers=bearer(token)), 401)
    assert_json_error(device.delete("/api/v1/auth/token", headers=bearer(token)), 401, "unknown_token")
    assert_json_error(device.delete("/api/v1/auth/token"), 401, "unauthorized")


def test_revoking_one_device_keeps_the_others(app, people):
    phone, tablet = (get_token(app.test_client(), people.agent.email, device=d) for d in ("tél", "tablette"))
    device = app.test_client()
    assert device.delete("/api/v1/auth/token", headers=bearer(phone)).status_code == 204
    assert device.get("/api/v1/me/pass", headers=bearer(tablet)).status_code == 200


# --- GET /api/v1/me/pass -----------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["partner", "network", "admin"])
def test_me_pass_is_for_agents_only(app, people, who):
    token = get_token(app.test_client(), getattr(people, who).email)
    assert_json_error(app.test_client().get("/api/v1/me/pass", headers=bearer(token)), 403, "forbidden")


def test_me_pass_anonymous_is_a_401_json(client, people):
    error = assert_json_error(client.get("/api/v1/me/pass"), 401, "unauthorized")
    assert error["message"] == "Connectez-vous pour continuer."


def test_me_pass_without_a_pass_is_a_404_json(app, people):
    token = get_token(app.test_client(), people.no_pass.email)
    response = app.test_client().get("/api/v1/me/pass", headers=bearer(token))
    error = assert_json_error(response, 404, "not_found")
    assert error["message"] == "Aucun pass ne vous a encore été délivré."


def test_me_pass_with_the_browser_session(app, people):
    client = app.test_client()
    assert login(client, people.agent.email).status_code == 302
    assert client.get("/api/v1/me/pass").get_json()["qr"] == people.pass_.token


# --- GET /api/v1/keys ------------------------------------------------------------------------------

def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def test_keys_lists_the_rings_public_keys(app, client):
    response = client.get("/api/v1/keys")
    assert response.status_code == 200
    ring = app.extensions["pass_keys"]
    keys = response.get_json()["keys"]
    assert [k["kid"] for k in keys] == [key.kid for key in ring.active()]
    for key in keys:
        assert set(key) == {"kid", "alg", "public_key"}
        assert key["alg"] == "Ed25519"
        assert "=" not in key["public_key"] and "+" not in key["public_key"] and "/" not in key["public_key"]
        raw = b64url_decode(key["public_key"])
        assert len(raw) == 32 and raw == ring.public_keys()[key["kid"]]
        assert key_id(raw) == key["kid"]


@pytest.fixture
def fresh_ring(app, tmp_path, monkeypatch):
    """A key ring of this test's own, so that rotating it leaves the session's ring alone."""
    ring = KeyRing(tmp_path / "keys")
    ring.ensure_key()
    monkeypatch.setitem(app.extensions, "pass_keys", ring)
    return ring


def _keys_from_api(client) -> dict:
    return {k["kid"]: b64url_decode(k["public_key"]) for k in client.get("/api/v1/keys").get_json()["keys"]}


def test_after_rotation_both_keys_are_listed_and_old_passes_still_verify(app, client, seed, fresh_ring):
    old_kid = fresh_ring.signing_key()[0]
    old = seed(lambda make: (lambda p: (p.token, p.kid))(issue_pass(None, make.agent())))
    new_kid = fresh_ring.rotate()
    new = seed(lambda make: (lambda p: (p.token, p.kid))(issue_pass(None, make.agent())))
    keys = _keys_from_api(client)
    assert list(keys) == [old_kid, new_kid]
    assert (old[1], new[1]) == (old_kid, new_kid)
    assert verify_pass_token(old[0], keys, utcnow()).kid == old_kid
    assert verify_pass_token(new[0], keys, utcnow()).kid == new_kid


# --- GET /api/v1/revocations ---------------------------------------------------------------------------

def _close(seed, how):
    def build(make):
        pass_ = issue_pass(None, make.agent())
        return_pass(None, pass_) if how == "return" else revoke_pass(None, pass_, "Téléphone perdu")
        db.session.flush()
        return pass_.id
    return seed(build)


def test_revocations_for_partner_staff_with_and_without_since(app, people, seed):
    returned, revoked = _close(seed, "return"), _close(seed, "revoke")
    token = get_token(app.test_client(), people.partner.email)
    device = app.test_client()
    first = device.get("/api/v1/revocations", headers=bearer(token))
    assert first.status_code == 200
    body = first.get_json()
    assert {(r["pass_id"], r["status"]) for r in body["revocations"]} == {
        (returned, "returned"), (revoked, "revoked")}
    assert people.pass_.id not in {r["pass_id"] for r in body["revocations"]}  # still active
    assert all(r["revoked_at"].endswith("Z") for r in body["revocations"])
    assert body["server_time"].endswith("Z")

    later = _close(seed, "revoke")
    # Past the sync overlap, only what closed since then comes back.
    after_overlap = (utcnow() - timedelta(seconds=1)).isoformat() + "Z"
    from passresot.passes.models import Pass
    with app.app_context():
        Pass.query.filter(Pass.id.in_([returned, revoked])).update(
            {Pass.closed_at: utcnow() - timedelta(hours=1)})
        db.session.commit()
    since = device.get("/api/v1/revocations", headers=bearer(token),
                       query_string={"since": after_overlap})
    assert [r["pass_id"] for r in since.get_json()["revocations"]] == [later]
    with_offset = device.get("/api/v1/revocations", headers=bearer(token), query_string={
        "since": (utcnow() + timedelta(hours=1, minutes=5)).isoformat() + "+01:00"})
    assert with_offset.status_code == 200 and with_offset.get_json()["revocations"] == []


def test_revocations_for_the_network_admin(app, people):
    token = get_token(app.test_client(), people.network.email)
    assert app.test_client().get("/api/v1/revocations", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("since", ["hier", "2026-13-01T00:00:00Z", "12/03/2026"])
def test_a_bad_since_is_a_400_json(app, people, since):
    token = get_token(app.test_client(), people.partner.email)
    response = app.test_client().get("/api/v1/revocations", headers=bearer(token),
                                     query_string={"since": since})
    error = assert_json_error(response, 400, "invalid_request")
    assert "ISO 8601" in error["fields"]["since"]


def test_a_since_out_of_range_is_a_400_json(app, people):
    token = get_token(app.test_client(), people.partner.email)
    response = app.test_client().get("/api/v1/revocations", headers=bearer(token),
                                     query_string={"since": "0001-01-01T00:00:00+01:00"})
    assert_json_error(response, 400, "invalid_request")


@pytest.mark.parametrize("who", ["agent", "admin"])
def test_revocations_are_not_for_agents_or_ot_admins(app, people, who):
    token = get_token(app.test_client(), getattr(people, who).email)
    assert_json_error(app.test_client().get("/api/v1/revocations", headers=bearer(token)), 403, "forbidden")


def test_revocations_anonymous_is_a_401_json(client, people):
    assert_json_error(client.get("/api/v1/revocations"), 401, "unauthorized")


# --- CSRF for browser sessions ---------------------------------------------------------------------

def test_a_cookie_session_posting_to_the_api_needs_the_csrf_header(app, people, seed):
    client = app.test_client()
    assert login(client, people.agent.email).status_code == 302
    body = {"email": people.agent.email, "password": PASSWORD, "device_name": "navigateur"}
    refused = client.post("/api/v1/auth/token", json=body)
    error = assert_json_error(refused, 400, "csrf_failed")
    assert error["message"] == "Le formulaire a expiré. Rechargez la page et recommencez."
    assert_json_error(client.delete("/api/v1/auth/token"), 400, "csrf_failed")
    # Browser sessions are rows of api_tokens too (issue 13): no bearer token was made.
    assert seed(lambda _: ApiToken.query.filter_by(kind=SignInKind.token).count()) == 0

    token = csrf_token(client, "/pass")
    accepted = client.post("/api/v1/auth/token", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201
    wrong = client.post("/api/v1/auth/token", json=body, headers={"X-CSRFToken": token[:-3] + "abc"})
    assert_json_error(wrong, 400, "csrf_failed")


def test_a_bearer_call_needs_no_csrf_token(app, people):
    token = get_token(app.test_client(), people.agent.email)
    assert app.test_client().delete("/api/v1/auth/token", headers=bearer(token)).status_code == 204


# --- errors and secrets --------------------------------------------------------------------------

def test_api_errors_are_json_without_stack_traces(app, client, people, monkeypatch):
    import passresot.api.passes as api_passes

    def broken(since):
        raise RuntimeError("boom: internal detail")
    monkeypatch.setattr(api_passes, "revocations_since", broken)
    token = get_token(app.test_client(), people.network.email)
    cases = [
        (client.get("/api/v1/nothing-here"), 404),
        (client.put("/api/v1/keys"), 405),
        (client.get("/api/v1/auth/token"), 405),
        (client.get("/api/v1/me/pass"), 401),
        (client.post("/api/v1/auth/token", data="x"), 400),
        (app.test_client().get("/api/v1/me/pass", headers=bearer(token)), 403),
        (app.test_client().get("/api/v1/revocations", headers=bearer(token)), 500),
    ]
    for response, status in cases:
        assert_json_error(response, status)
        assert "boom" not in response.get_data(as_text=True)
    assert cases[-1][0].get_json()["error"]["code"] == "server_error"


def _private_forms(ring):
    """Every way a private key could leak: PEM, raw bytes in base64 and base64url, hex."""
    for key_file in ring.active():
        key = ring._load(key_file)
        raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
        yield pem.splitlines()[1]
        yield base64.b64encode(raw).decode().rstrip("=")
        yield base64.urlsafe_b64encode(raw).decode().rstrip("=")
        yield raw.hex()


def test_no_api_response_carries_a_private_key(app, people, seed):
    _close(seed, "revoke")
    anonymous = app.test_client()
    agent_token = get_token(app.test_client(), people.agent.email)
    partner_token = get_token(app.test_client(), people.partner.email)
    device = app.test_client()
    responses = [
        anonymous.get("/api/v1/keys"),
        anonymous.post("/api/v1/auth/token", json={"email": people.agent.email, "password": PASSWORD,
                                                   "device_name": "x"}),
        anonymous.post("/api/v1/auth/token", json={}),
        anonymous.get("/api/v1/me/pass"),
        device.get("/api/v1/me/pass", headers=bearer(agent_token)),
        device.get("/api/v1/revocations", headers=bearer(partner_token)),
        device.get("/api/v1/revocations", headers=bearer(agent_token)),
        device.get("/api/v1/revocations", headers=bearer(partner_token), query_string={"since": "x"}),
    ]
    secrets = list(_private_forms(app.extensions["pass_keys"]))
    assert secrets
    for response in responses:
        body = response.get_data(as_text=True) + str(response.headers)
        assert "PRIVATE KEY" not in body
        assert not any(secret in body for secret in secrets), response.request.path
