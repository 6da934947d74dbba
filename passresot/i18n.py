"""Language choice and French-first formatting helpers for templates."""
from flask import current_app, has_request_context, request, session
from flask_babel import LazyString, format_date, format_datetime, get_locale
from flask_login import current_user


def select_locale():
    """The language chosen by the person, else French (English offered)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def register_template_helpers(app):
    # Flask-Babel's lazy strings call themselves safe HTML (__html__), so a message quoting user
    # input (a CSV cell, a partner name) would reach the page unescaped: make them plain text first.
    app.jinja_env.finalize = lambda value: str(value) if isinstance(value, LazyString) else value

    @app.template_filter("date")
    def _date(value, fmt="d MMMM y"):
        return format_date(value, fmt) if value else ""

    @app.template_filter("datetime")
    def _datetime(value, fmt=None):
        if not value:
            return ""
        if fmt is None:
            fmt = "d MMM y 'à' HH:mm" if str(get_locale()) == "fr" else "d MMM y, HH:mm"
        return format_datetime(value, fmt)

    @app.context_processor
    def _inject():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"],
                "request_path": request.path}
