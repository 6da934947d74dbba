"""PassResOT66: the staff pass of the Pyrénées-Orientales tourist-office network."""
import logging
import os

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from .config import load_config
from .extensions import babel, csrf, db, login_manager, migrate

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")
ROOT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        from flask import has_request_context, request

        forced = super().get_cookie_secure(app)
        return forced or (has_request_context() and request.is_secure)


def create_app(test_config=None):
    """Build the Flask application; `test_config` overrides settings in tests."""
    test_config = dict(test_config or {})
    app = Flask(__name__, instance_relative_config=True,
                instance_path=test_config.pop("INSTANCE_PATH", None)
                or os.environ.get("PASSRESOT_INSTANCE_PATH") or None,
                template_folder=os.path.join(ROOT_DIR, "templates"),
                # A release's static files may live elsewhere (PASSRESOT_STATIC_FOLDER), as nginx serves them.
                static_folder=os.environ.get("PASSRESOT_STATIC_FOLDER") or os.path.join(ROOT_DIR, "static"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    app.session_interface = HttpsAwareSessionInterface()
    from .requestlog import init_request_log
    from .security import init_security

    init_request_log(app)
    init_security(app)
    from .hostile import init_hostile_text

    init_hostile_text(app)
    _init_extensions(app)
    _register_blueprints(app)
    from .errors import register_error_handlers
    from .i18n import register_template_helpers
    from .cli import register_commands

    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    _init_pass_keys(app)
    return app


def _init_pass_keys(app):
    from .passes.keys import init_app as init_keys, register_key_commands

    init_keys(app)
    register_key_commands(app)


def _init_extensions(app):
    from . import models  # noqa: F401  (every table registered before migrations run)
    from .accounts.api import user_from_session_id
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(ROOT_DIR, "passresot", "translations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(user_from_session_id)
    login_manager.request_loader(_user_from_bearer_token)
    login_manager.unauthorized_handler(_unauthorized)


def _register_blueprints(app):
    from .api import register_api
    from .web import register_web_blueprints

    register_web_blueprints(app)
    register_api(app)


def _user_from_bearer_token(request):
    """API clients and scanner devices sign their calls with `Authorization: Bearer <token>`."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    from .accounts.tokens import user_for_api_token

    return user_for_api_token(header[len("Bearer "):].strip())


def _unauthorized():
    """401 JSON for the API, the sign-in page for people."""
    from flask import redirect, request, url_for

    from flask import flash, g

    from .errors import HTTP_MESSAGES, error_response, wants_json

    if g.get("revoked_device") is not None:  # issue 13: the site removed this entrance device
        from .devices.exceptions import DeviceRevoked
        if wants_json():
            return error_response(401, DeviceRevoked.code, DeviceRevoked.message)
        flash(str(DeviceRevoked.message), "error")
        return redirect(url_for("auth.login"))
    if wants_json():
        return error_response(401, "unauthorized", HTTP_MESSAGES[401])
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
