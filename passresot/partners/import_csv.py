"""Our own CSV of partner sites: its columns (named in French, as in the README), their values, the
accepted periods written as text, and the example file."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l

from ..csvfiles import simplify
from ..timeutil import paris_today
from .exceptions import InvalidListing
from .listing import clean_periods
from .models import Booking, PartnerCategory

SOURCE = "csv"
#: The columns as the README and the example file name them, in that order.
COLUMNS = ("identifiant", "nom", "categorie", "commune", "code_insee", "adresse", "code_postal",
           "latitude", "longitude", "telephone", "email", "site_web", "reseaux_sociaux",
           "responsable", "reservation", "periodes", "duree_visite", "horaires", "description")
REQUIRED = ("nom", "commune")
#: Header names after csvfiles.simplify() for each column.
ALIASES = {
    "identifiant": ("identifiant", "id", "reference", "ref"),
    "nom": ("nom", "nom_du_site", "site", "name"),
    "categorie": ("categorie", "category"),
    "commune": ("commune", "ville", "city"),
    "code_insee": ("code_insee", "insee", "code_commune"),
    "adresse": ("adresse", "address", "rue"),
    "code_postal": ("code_postal", "cp", "postal_code"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "telephone": ("telephone", "tel", "phone"),
    "email": ("email", "e_mail", "courriel", "mail"),
    "site_web": ("site_web", "site_internet", "web", "website", "url"),
    "reseaux_sociaux": ("reseaux_sociaux", "reseaux", "socials"),
    "responsable": ("responsable", "nom_du_responsable", "manager"),
    "reservation": ("reservation", "booking"),
    "periodes": ("periodes", "periodes_d_accueil", "periodes_accueil", "accueil_des_pass"),
    "duree_visite": ("duree_visite", "duree_de_visite", "duree", "duree_visite_minutes"),
    "horaires": ("horaires", "horaires_d_ouverture", "ouverture"),
    "description": ("description", "presentation"),
}
#: Our column → the listing field it fills.
FIELDS = {"nom": "name", "commune": "commune", "code_insee": "insee_code", "adresse": "address",
          "code_postal": "postal_code", "latitude": "latitude", "longitude": "longitude",
          "telephone": "phone", "email": "email", "site_web": "website",
          "reseaux_sociaux": "socials", "responsable": "manager_name", "description": "description",
          "horaires": "opening_info"}
CATEGORY_WORDS = {
    PartnerCategory.museum: ("musee", "musees", "museum", "musee_centre_d_interpretation"),
    PartnerCategory.heritage: ("patrimoine", "chateau", "chateau_patrimoine", "heritage", "monument"),
    PartnerCategory.nature: ("site_naturel", "grotte", "grotte_site_naturel", "nature"),
    PartnerCategory.winery: ("domaine", "domaine_producteur", "producteur", "cave", "winery"),
    PartnerCategory.activity: ("activite", "activite_loisir", "loisir", "loisirs", "activity"),
    PartnerCategory.other: ("autre", "other"),
}
_CATEGORIES = {word: category.value for category, words in CATEGORY_WORDS.items() for word in words}
BOOKING_WORDS = {
    Booking.required: ("oui", "obligatoire", "reservation_obligatoire", "required", "yes"),
    Booking.not_required: ("non", "sans", "sans_reservation", "facultative", "not_required", "no"),
    Booking.unknown: ("", "inconnu", "inconnue", "non_precise", "reservation_non_precise", "unknown"),
}
_BOOKINGS = {word: booking.value for booking, words in BOOKING_WORDS.items() for word in words}
ALL_YEAR = {"toute_l_annee", "toute_lannee", "toute_annee", "annee_entiere", "toute_l_an"}
_DAY = r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?"
_PERIOD = re.compile(rf"(?:du\s+)?{_DAY}\s*(?:-|–|—|au|à)\s*{_DAY}\s*"
                     r"(annuel|annuelle|chaque\s+ann[ée]e|tous\s+les\s+ans)?", re.IGNORECASE)


def row_from_csv(values: dict) -> tuple:
    """(source id, raw listing fields, errors by field) for one line of our CSV."""
    raw = {field: values[column] for column, field in FIELDS.items() if column in values}
    errors = {}
    for column, read in (("categorie", _category), ("reservation", _booking),
                         ("duree_visite", _duration), ("periodes", _periods)):
        if column not in values:
            continue
        try:
            raw.update(read(values[column]))
        except ValueError as error:
            errors[_ERROR_FIELD[column]] = error.args[0]
        except InvalidListing as error:
            errors.update(error.fields)
    return values.get("identifiant", ""), raw, errors


_ERROR_FIELD = {"categorie": "category", "reservation": "booking", "duree_visite": "visit_minutes",
                "periodes": "periods"}


def _category(value: str) -> dict:
    if not value.strip():
        return {}
    category = _CATEGORIES.get(simplify(value))
    if category is None:
        raise ValueError(_l("Catégorie inconnue (« %(value)s ») : indiquez musee, patrimoine, "
                            "site-naturel, domaine, activite ou autre.", value=_short(value)))
    return {"category": category}


def _booking(value: str) -> dict:
    booking = _BOOKINGS.get(simplify(value))
    if booking is None:
        raise ValueError(_l("Réservation : indiquez oui, non ou inconnu (« %(value)s » lu).",
                            value=_short(value)))
    return {"booking": booking}


def _duration(value: str) -> dict:
    """'90', '90 min', '1h30', '2 h': clean_listing reads them (listing.DURATION) or says why not."""
    return {"visit_minutes": value}


def _periods(value: str) -> dict:
    """'toute l'année', or periods 'JJ/MM-JJ/MM annuel' / 'JJ/MM/AAAA-JJ/MM/AAAA' separated by ';'."""
    pieces = [piece.strip() for piece in re.split(r"[;,|\n]", value) if piece.strip()]
    if not pieces:
        return {"accepts_all_year": False, "periods": []}
    if any(simplify(piece) in ALL_YEAR for piece in pieces):
        if len(pieces) > 1:
            raise ValueError(_l("Indiquez « toute l'année » ou des périodes, pas les deux."))
        return {"accepts_all_year": True, "periods": []}
    rows = [_period(index, piece) for index, piece in enumerate(pieces, start=1)]
    return {"accepts_all_year": False, "periods": clean_periods(rows)}


def _period(index: int, text: str) -> tuple:
    match = _PERIOD.fullmatch(text)
    if not match:
        raise ValueError(_l("Période %(n)s (« %(value)s ») : écrivez par exemple 01/06-30/09 annuel "
                            "ou 20/12/2026-05/01/2027.", n=index, value=_short(text)))
    d1, m1, y1, d2, m2, y2, yearly = match.groups()
    if bool(y1) != bool(y2):
        raise ValueError(_l("Période %(n)s : indiquez l'année aux deux dates, ou à aucune pour une "
                            "période qui revient chaque année.", n=index))
    recurring = bool(yearly) or not y1
    try:
        return _day(d1, m1, y1), _day(d2, m2, y2), recurring
    except ValueError:
        raise ValueError(_l("Période %(n)s (« %(value)s ») : date impossible.", n=index,
                            value=_short(text))) from None


def _day(day, month, year) -> date:
    """A date; a yearly period without a year takes this year's (2000's for 29/02, a leap year)."""
    if year:
        if not 2000 <= int(year) <= 2100:
            raise ValueError(year)
        return date(int(year), int(month), int(day))
    try:
        return date(paris_today().year, int(month), int(day))
    except ValueError:
        return date(2000, int(month), int(day))


def _short(value: str) -> str:
    value = str(value)
    return value if len(value) <= 60 else value[:57] + "…"


def example_csv() -> bytes:
    """A small valid file with every column: UTF-8 with BOM and ';', as Excel opens it."""
    lines = [";".join(COLUMNS),
             "MUS-001;Musée d'Art moderne de Céret;musee;Céret;66049;8 boulevard Maréchal Joffre;"
             "66400;42.4857;2.7489;04 68 87 27 76;contact@example.fr;https://www.example.fr;"
             "https://www.facebook.com/exemple;Anna Roca;non;toute l'année;90;"
             "Tous les jours 10 h – 18 h;Art moderne et contemporain.",
             "PAT-002;Forteresse de Salses;patrimoine;Salses-le-Château;66190;;66600;42.8335;2.9187;"
             "04 68 38 60 13;;;;;oui;\"01/06-30/09 annuel; 20/12/2026-05/01/2027\";75;;",
             "DOM-003;Domaine du Mas Blanc;domaine;Banyuls-sur-Mer;66016;;66650;;;;;;;;inconnu;;;;"]
    return "\r\n".join(lines + [""]).encode("utf-8-sig")
