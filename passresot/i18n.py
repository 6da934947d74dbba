"""Language choice and French-first formatting helpers for templates."""
import re

from flask import current_app, has_request_context, request, session
from flask_babel import LazyString, format_date, format_datetime, get_locale
from flask_babel import gettext as _
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


#: A French date's first day of the month: « 1er avril », « mer. 1er juil. 2026 » (never « 11 » or « 21 »).
FIRST_OF_MONTH = re.compile(r"(?<!\d)1 (?=[^\W\d_])")


def first_of_month(text: str) -> str:
    """« 1 avril » → « 1er avril » in French; other languages unchanged."""
    return FIRST_OF_MONTH.sub("1er ", text) if str(get_locale()) == "fr" else text


def day_text(value, fmt="d MMMM y") -> str:
    """A date in the reader's language: « 1er avril 2026 » (the default), « 2 déc. 2027 » with "d MMM y"."""
    return first_of_month(format_date(value, fmt)) if value else ""


def moment_text(value, fmt=None) -> str:
    """A moment (naive UTC) in Paris time: « 2 déc. 2027 à 14:05 » by default."""
    if not value:
        return ""
    if fmt is None:
        fmt = "d MMM y 'à' HH:mm" if str(get_locale()) == "fr" else "d MMM y, HH:mm"
    return first_of_month(format_datetime(value, fmt))


def register_template_helpers(app):
    # Flask-Babel's lazy strings call themselves safe HTML (__html__), so a message quoting user
    # input (a CSV cell, a partner name) would reach the page unescaped: make them plain text first.
    app.jinja_env.finalize = lambda value: str(value) if isinstance(value, LazyString) else value

    app.template_filter("date")(day_text)
    app.template_filter("datetime")(moment_text)

    @app.template_filter("first_upper")
    def _first_upper(text):
        """« vendredi 4 décembre » → « Vendredi 4 décembre »; unlike Jinja's capitalize, « December » stays."""
        text = str(text or "")
        return text[:1].upper() + text[1:]

    @app.context_processor
    def _inject():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"],
                "request_path": request.path}


def duration_text(minutes) -> str:
    """Hours as every page, PDF and export writes them: 90 → « 1 h 30 », 60 → « 1 h », 45 → « 45 min »,
    with no-break spaces so that « 9 h 15 » never breaks across lines (the `duration` filter)."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if not hours:
        text = _("%(m)s min", m=rest)
    else:
        text = _("%(h)s h %(m)02d", h=hours, m=rest) if rest else _("%(h)s h", h=hours)
    return text.replace(" ", "\u00a0")
