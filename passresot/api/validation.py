"""Reading JSON bodies and query parameters with clear 400 errors."""
from datetime import datetime, timezone

from flask import request
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class InvalidRequest(DomainError):
    code = "invalid_request"
    status = 400
    message = _l("La demande est incomplète ou mal formée.")


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidRequest(_l("Envoyez un objet JSON (Content-Type: application/json)."))
    return body


#: What the OpenAPI description's `\S` (an ECMAScript regular expression) calls white space.
#: Python's str.strip() also drops the control characters U+001C–U+001F and U+0085, so a value
#: such as "\x1e", valid by the description, would be called missing (found by schemathesis).
ECMASCRIPT_SPACE = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")


def require_string(body: dict, name: str, max_length: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip(ECMASCRIPT_SPACE):
        raise InvalidRequest(fields={name: _l("Champ obligatoire (texte).")})
    if len(value) > max_length:
        raise InvalidRequest(fields={name: _l("Trop long (%(n)s caractères au plus).", n=max_length)})
    return value


def optional_timestamp(name: str):
    """An ISO 8601 query parameter as naive UTC, or None when absent."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise InvalidRequest(fields={name: _l("Date ISO 8601 attendue, par exemple 2026-03-12T08:00:00Z.")})
    return moment
