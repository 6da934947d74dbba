"""Checking and cleaning a partner listing (typed in, edited by the site's staff, or imported)."""
import re
from datetime import date
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from .exceptions import InvalidListing
from .models import Booking, PartnerCategory

#: Every field of the scheme (R5) a listing has, besides its accepted periods.
LISTING_FIELDS = ("name", "category", "commune", "insee_code", "address", "postal_code", "latitude",
                  "longitude", "phone", "email", "website", "socials", "manager_name", "booking",
                  "accepts_all_year", "description", "visit_minutes", "opening_info")
#: What partner staff may change on their own site (issue: practical fields only).
STAFF_FIELDS = ("phone", "website", "socials", "manager_name", "booking", "accepts_all_year",
                "description", "opening_info")
#: What the scheme owns: an import never overwrites these once set.
SCHEME_FIELDS = ("booking", "accepts_all_year", "manager_name", "visit_minutes")

PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")
INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
LIMITS = {"name": 160, "commune": 80, "address": 200, "postal_code": 10, "manager_name": 120,
          "description": 2000, "opening_info": 2000}


def clean_listing(raw: dict, only=None) -> dict:
    """Return the cleaned values of `raw` (all listing fields, or `only`), or raise InvalidListing."""
    cleaned, errors = {}, {}
    for name in only or LISTING_FIELDS:
        if name not in raw:
            continue
        try:
            cleaned[name] = _CLEANERS.get(name, _text(name))(raw[name])
        except ValueError as error:
            errors[name] = error.args[0]
    if errors:
        raise InvalidListing(fields=errors)
    return cleaned


def _text(name, required=False):
    def clean(value):
        # A browser sends a textarea's lines as CRLF: stored as \n, so an unchanged text is no change.
        value = ("" if value is None else str(value)).replace("\r\n", "\n").strip()
        if required and not value:
            raise ValueError(_l("Ce champ est obligatoire."))
        if len(value) > LIMITS.get(name, 300):
            raise ValueError(_l("%(n)s caractères au plus.", n=LIMITS.get(name, 300)))
        return value
    return clean


def _category(value):
    try:
        return value if isinstance(value, PartnerCategory) else PartnerCategory(str(value).strip())
    except ValueError:
        raise ValueError(_l("Catégorie inconnue.")) from None


def _booking(value):
    if value in (None, ""):
        return Booking.unknown
    try:
        return value if isinstance(value, Booking) else Booking(str(value).strip())
    except ValueError:
        raise ValueError(_l("Choisissez : réservation obligatoire, sans réservation ou non précisé.")) from None


def _coordinate(low, high, label):
    def clean(value):
        if value in (None, ""):
            return None
        try:
            number = float(str(value).replace(",", "."))
        except ValueError:
            raise ValueError(_l("Nombre attendu, par exemple 42.6986.")) from None
        if not low <= number <= high:
            raise ValueError(_l("%(label)s hors limites (entre %(low)s et %(high)s).",
                                label=label, low=low, high=high))
        return round(number, 6)
    return clean


def _phone(value):
    value = ("" if value is None else str(value)).strip()
    if value and not PHONE.match(value):
        raise ValueError(_l("Numéro de téléphone invalide, par exemple 04 68 12 34 56."))
    return value


def _email(value):
    value = ("" if value is None else str(value)).strip()
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError(_l("Adresse e-mail invalide.")) from None


def clean_url(value) -> str:
    """An http(s) address with a host; 'www.exemple.fr' gets https:// added."""
    value = ("" if value is None else str(value)).strip()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or "." not in (parts.hostname or "") or " " in value \
            or len(value) > 300:
        raise ValueError(_l("Adresse web invalide, par exemple https://www.exemple.fr."))
    return value


def _socials(value):
    items = value if isinstance(value, (list, tuple)) else re.split(r"[\s,]+", str(value or ""))
    return [clean_url(item) for item in items if str(item).strip()][:10]


def _insee(value):
    value = ("" if value is None else str(value)).strip().upper()
    if value and not INSEE.match(value):
        raise ValueError(_l("Code INSEE invalide : 5 caractères, par exemple 66136."))
    return value or None


#: A visit length as people write it: "90", "90 min", "1h30", "1 h 30", "2 h".
DURATION = re.compile(r"(?:(\d{1,2})\s*h\s*(\d{1,2})?|(\d{1,4}))\s*(?:min|mn|minutes?)?", re.IGNORECASE)


def minutes_or_none(value):
    """A length as people write it ("90", "1h30", "2 h") in minutes, or None when it reads as none."""
    try:
        return _minutes(value)
    except ValueError:
        return None


def _minutes(value):
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    else:
        match = DURATION.fullmatch(str(value).strip())
        if not match:
            raise ValueError(_l("Durée attendue en minutes ou en heures, par exemple 90 ou 1h30."))
        minutes = int(match.group(1)) * 60 + int(match.group(2) or 0) if match.group(1) else int(match.group(3))
    if not 5 <= minutes <= 1440:
        raise ValueError(_l("Entre 5 et 1440 minutes."))
    return minutes


def _flag(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "oui", "yes", "on", "y", "o")


_CLEANERS = {
    "name": _text("name", required=True), "commune": _text("commune", required=True),
    "category": _category, "booking": _booking, "latitude": _coordinate(-90, 90, _l("Latitude")),
    "longitude": _coordinate(-180, 180, _l("Longitude")), "phone": _phone, "email": _email,
    "website": clean_url, "socials": _socials, "insee_code": _insee, "visit_minutes": _minutes,
    "accepts_all_year": _flag,
}


def clean_periods(rows) -> list[tuple[date, date, bool]]:
    """[(start, end, recurring)] from rows of dates; a one-off period must not end before it starts."""
    periods = []
    for index, (start, end, recurring) in enumerate(rows, start=1):
        if start is None and end is None:
            continue
        if start is None or end is None:
            raise InvalidListing(fields={"periods": _l("Période %(n)s : indiquez le début et la fin.", n=index)})
        if not recurring and end < start:
            raise InvalidListing(fields={"periods": _l(
                "Période %(n)s : la fin précède le début.", n=index)})
        periods.append((start, end, bool(recurring)))
    return periods
