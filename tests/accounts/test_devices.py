"""Devices signed in to the API: listed without their secret, signed out by their owner or by the
admin who manages the person; a signed-out token no longer opens the API."""
from passresot.accounts.models import ApiToken
from passresot.accounts.tokens import create_api_token
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from tests.helpers import csrf_token, login


def _device(make, user, name):
    token, row = create_api_token(user, name)
    db.session.commit()
    return token, row.id


def _api_me(client, token):
    return client.get("/api/v1/keys", headers={"Authorization": f"Bearer {token}"}).status_code, \
        client.post("/api/v1/scans", json={"scans": []}, headers={"Authorization": f"Bearer {token}"}).status_code


def test_the_owner_sees_and_signs_out_their_device(client, make):
    staff = make.partner_staff()
    token, token_id = _device(make, staff, "Tablette accueil")
    _other_token, _ = _device(make, make.partner_staff(), "Tablette d'un autre site")
    login(client, staff.email)
    page = client.get("/me/devices").get_data(as_text=True)
    assert "Tablette accueil" in page and "Tablette d&#39;un autre site" not in page
    assert token not in page and db.session.get(ApiToken, token_id).token_hash not in page
    assert _api_me(client, token)[1] == 200

    response = client.post(f"/me/devices/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/me/devices")})
    assert response.status_code == 302
    after = client.get("/me/devices").get_data(as_text=True)
    assert "est déconnecté" in after and f'data-token="{token_id}"' not in after
    # The browser it was revoked from is listed too (a server-side session), marked as this device.
    assert after.count("data-token=") == 1 and 'data-kind="browser"' in after and "cet appareil" in after
    client.post("/logout", data={"csrf_token": csrf_token(client, "/me/devices")})
    assert client.post("/api/v1/scans", json={"scans": []},
                       headers={"Authorization": f"Bearer {token}"}).status_code == 401
    event = AuditEvent.query.filter_by(action="token.revoked").one()
    assert event.actor_id == staff.id and event.details["device"] == "Tablette accueil"


def test_an_office_admin_signs_out_a_device_of_their_agent_not_of_another_office(client, make):
    office, other_office = make.office(), make.office()
    admin = make.office_admin(office)
    agent, stranger = make.agent(office, photo=False), make.agent(other_office, photo=False)
    token, token_id = _device(make, agent, "Téléphone perdu")
    _stranger_token, stranger_token_id = _device(make, stranger, "Téléphone d'ailleurs")
    login(client, admin.email)
    assert "Téléphone perdu" in client.get(f"/accounts/{agent.id}/devices").get_data(as_text=True)
    assert client.get(f"/accounts/{stranger.id}/devices").status_code == 404
    csrf = csrf_token(client, f"/accounts/{agent.id}/devices")
    # Another person's token id through this agent's URL is not this agent's device.
    assert client.post(f"/accounts/{agent.id}/devices/{stranger_token_id}/revoke",
                       data={"csrf_token": csrf}).status_code == 404
    assert db.session.get(ApiToken, stranger_token_id).revoked_at is None
    assert client.post(f"/accounts/{agent.id}/devices/{token_id}/revoke", data={"csrf_token": csrf}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).revoked_at is not None
    device = client.application.test_client()  # the lost phone: no cookie, only its token
    assert device.get("/api/v1/me/pass", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_revoking_needs_the_csrf_token(client, make):
    staff = make.partner_staff()
    _token, token_id = _device(make, staff, "Tablette")
    login(client, staff.email)
    assert client.post(f"/me/devices/{token_id}/revoke").status_code == 400
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).revoked_at is None
