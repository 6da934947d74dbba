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
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    if current_user.is_authenticated:
        csrf.protect()


def register_api(app):
    from . import auth, partners, passes  # noqa: F401  (routes attach to bp)
    from . import openapi, scans  # noqa: F401
    from . import me  # noqa: F401  (the agent's hours and reports)

    app.register_blueprint(bp)
