"""The domain error base class and the handlers that answer JSON to API callers and a page to people."""
import logging

from flask import jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule said no. `code` is stable; `message` is shown to the user."""

    code = "domain_error"
    status = 400
    message = _l("Action impossible.")

    def __init__(self, message=None, *, fields=None):
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    code = "not_found"
    status = 404
    message = _l("Introuvable.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    message = _l("Vous n'avez pas accès à cette page.")


HTTP_MESSAGES = {
    400: _l("La demande n'a pas pu être comprise."),
    401: _l("Connectez-vous pour continuer."),
    403: _l("Vous n'avez pas accès à cette page."),
    404: _l("Cette page n'existe pas ou n'est pas à vous."),
    405: _l("Cette action n'est pas possible ici."),
    413: _l("Le fichier envoyé est trop gros."),
    429: _l("Trop de tentatives : patientez avant de réessayer."),
    500: _l("Une erreur inattendue est survenue. Réessayez dans un instant."),
    503: _l("Le service est momentanément indisponible. Réessayez dans un instant."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, code: str, message, fields=None):
    """Answer an error as JSON {error: {code, message, fields?}} or as a page."""
    if wants_json():
        body = {"code": code, "message": str(message)}
        if fields:
            body["fields"] = {k: str(v) for k, v in fields.items()}
        return jsonify(error=body), status
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def handle_domain_error(error):
        body, status = error_response(error.status, error.code, error.message, error.fields)
        return make_response(body, status, getattr(error, "headers", None) or {})

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        status = error.code or 500
        code = (error.name or "error").lower().replace(" ", "_")
        message = HTTP_MESSAGES.get(status, error.description)
        if status == 400 and getattr(error, "description", "") and "CSRF" in str(error.description):
            code = "csrf_failed"
            message = _l("Le formulaire a expiré. Rechargez la page et recommencez.")
            if not wants_json():
                return form_expired_page()
        body, status = error_response(status, code, message)
        response = make_response(body, status)
        for name, value in error.get_headers():  # e.g. Allow on a 405, as RFC 9110 requires
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        from .extensions import db

        db.session.rollback()
        status = 503 if _is_database_down(error) else 500
        code = "server_error" if status == 500 else "unavailable"
        if status == 503:
            _forget_current_user()  # the page must not ask the unreachable database who is signed in
        try:
            return error_response(status, code, HTTP_MESSAGES[status])
        except Exception:  # noqa: BLE001 - the error page itself failed: answer in plain text
            log.exception("Error page failed for %s", request.path)
            return str(HTTP_MESSAGES[status]), status, {"Content-Type": "text/plain; charset=utf-8"}


def form_expired_page():
    """A form sent after its page's token ran out, or after the session ended: say which, and lead back
    to the form (through the sign-in page when needed), where static/js/form-keeper.js puts back what
    was typed. Still a 400: nothing was done."""
    from flask_login import current_user

    page = _same_site_path(request.referrer) or request.path
    signed_out = not current_user.is_authenticated and page != "/login"
    if signed_out:
        message = _l("Le formulaire a expiré : votre session a pris fin. Reconnectez-vous, ce que vous "
                     "aviez saisi sera remis dans le formulaire.")
    else:
        message = _l("Le formulaire a expiré (la page était ouverte depuis longtemps). Ce que vous aviez "
                     "saisi sera remis dans le formulaire : vérifiez-le puis envoyez-le à nouveau.")
    return render_template("form_expired.html", message=message, page=page, signed_out=signed_out), 400


def _same_site_path(url):
    """The path (and query) of `url` when it is a page of this site, else None."""
    from urllib.parse import urlsplit

    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _forget_current_user():
    from flask import g
    from .extensions import login_manager

    g._login_user = login_manager.anonymous_user()


def _is_database_down(error) -> bool:
    from sqlalchemy.exc import OperationalError, InterfaceError

    return isinstance(error, (OperationalError, InterfaceError))
