"""POST/DELETE /api/v1/auth/token: bearer tokens for devices, with the sign-in throttle."""
from flask import jsonify, request

from ..accounts import api as accounts
from ..accounts.tokens import create_api_token, revoke_api_token
from flask_babel import lazy_gettext as _l

from ..errors import HTTP_MESSAGES, DomainError, error_response
from ..extensions import db
from . import bp
from .validation import json_body, require_string


@bp.route("/auth/token", methods=["POST"])
def create_token():
    body = json_body()
    email = require_string(body, "email", 254)
    password = require_string(body, "password", 200)
    device_name = require_string(body, "device_name", 80)
    try:
        user = accounts.authenticate(email, password, request.remote_addr or "")
    except DomainError:
        db.session.commit()  # the failed attempt counts towards the throttle
        raise
    token, row = create_api_token(user, device_name)
    db.session.commit()
    return jsonify(token=token, token_type="Bearer", expires_at=row.expires_at.isoformat() + "Z",
                   role=user.role.value), 201


@bp.route("/auth/token", methods=["DELETE"])
def delete_token():
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[len("Bearer "):].strip():
        return error_response(401, "unauthorized", HTTP_MESSAGES[401])
    revoked = revoke_api_token(None, header[len("Bearer "):].strip())
    db.session.commit()
    if revoked:
        return "", 204
    # An unknown or already revoked token is a bad credential like any other: 401.
    return error_response(401, "unknown_token", _l("Jeton inconnu ou déjà révoqué."))
