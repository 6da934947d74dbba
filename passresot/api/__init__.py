"""The JSON API v1 (DESIGN.md §4): used by the PWA, the tests and third parties."""
from flask import Blueprint, request
from flask_login import current_user

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer-token calls carry no cookie, so no CSRF; cookie calls are checked in _csrf_for_cookies.
csrf.exempt(bp)


@bp.before_request
def _csrf_for_cookies():
    """A browser session (cookie) posting to the API must send the CSRF token (X-CSRFToken)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if current_user.is_authenticated and not _authenticated_by_bearer_token():
        csrf.protect()


def _authenticated_by_bearer_token() -> bool:
    """The signed-in user is the one a valid bearer token names: a browser cannot have sent it.

    Any `Bearer` header used to skip the check, even a junk one, while the cookie still signed the
    request in: a page could then post as the victim."""
    from ..accounts.tokens import user_for_api_token

    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return False
    token_user = user_for_api_token(header[len("Bearer "):].strip())
    return token_user is not None and token_user.get_id() == current_user.get_id()


def register_api(app):
    from . import auth, partners, passes  # noqa: F401  (routes attach to bp)
    from . import openapi, scans  # noqa: F401
    from . import me  # noqa: F401  (the agent's hours and reports)

    app.register_blueprint(bp)
