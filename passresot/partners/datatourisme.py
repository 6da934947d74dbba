"""DATAtourisme objects as partner listings: its JSON-LD (one object, a list or an @graph) and its
simplified CSV export (id, label, type, street, postalcode, city, insee, latitude, longitude, email,
web, tel, comment). Both give the same @id, so either format updates what the other created."""
import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from .models import PartnerCategory

SOURCE = "datatourisme"
#: Types of the DATAtourisme ontology (and schema.org ones it reuses) for each category, most
#: specific first: a museum is also a CulturalSite, a cave also NaturalHeritage.
CATEGORY_TYPES = (
    (PartnerCategory.museum, {"Museum", "InterpretationCentre", "ArtGallery", "Ecomuseum"}),
    (PartnerCategory.winery, {"WineCellar", "Winery", "Vineyard", "Distillery", "Brewery",
                              "FarmProducer", "LocalProductsShop"}),
    (PartnerCategory.nature, {"NaturalHeritage", "Cave", "Grotto", "Chasm", "Gorge", "Canyon",
                              "Waterfall", "Lake", "Cliff", "Forest", "Beach", "ParkAndGarden",
                              "Garden", "Park", "NaturalReserve", "NatureReserve", "Viewpoint"}),
    (PartnerCategory.activity, {"SportsAndLeisurePlace", "LeisureComplex", "AmusementPark",
                                "ThemePark", "WaterPark", "Zoo", "ZooAnimalPark", "Aquarium",
                                "Activity", "SportsActivity", "CulturalActivity"}),
    (PartnerCategory.heritage, {"CulturalSite", "Castle", "RemarkableBuilding", "ReligiousSite",
                                "Church", "Cathedral", "Abbey", "Chapel", "Monastery", "Priory",
                                "MilitaryCulturalSite", "Fort", "Fortification", "Citadel",
                                "ArcheologicalSite", "Monument", "CityHeritage", "TechnicalHeritage",
                                "IndustrialSite", "Bridge", "Tower", "Mill", "Cloister"}),
)
POI_TYPES = {"PointOfInterest", "PlaceOfInterest"}
EVENT_TYPES = {"EntertainmentAndEvent", "Event"}
DESCRIPTION_MAX = 2000
#: Simplified CSV columns (after csvfiles.simplify) and the names other exports give them.
CSV_COLUMNS = {
    "id": ("id", "uri", "identifier"),
    "label": ("label", "rdfs_label"),
    "type": ("type", "types"),
    "startdate": ("startdate", "start_date"),
    "street": ("street", "streetaddress"),
    "postalcode": ("postalcode", "postal_code"),
    "city": ("city", "addresslocality"),
    "insee": ("insee",),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "email": ("email",),
    "web": ("web", "website", "homepage"),
    "tel": ("tel", "phone", "telephone"),
    "comment": ("comment", "description", "shortdescription"),
}
CSV_REQUIRED = ("id", "label")


def looks_like_csv_header(keys: set) -> bool:
    """The simplified export names its columns in English: 'label' with 'id' or 'type'."""
    return "label" in keys and bool(keys & {"id", "uri", "type", "latitude"})


def objects_of(document):
    """The objects of a JSON-LD document: an @graph, a list, or one object (None for anything else)."""
    if isinstance(document, dict):
        graph = document.get("@graph")
        return graph if isinstance(graph, list) else [document]
    return document if isinstance(document, list) else None


def is_datatourisme(obj) -> bool:
    """An object of the DATAtourisme graph: its @id on datatourisme.fr, or a PointOfInterest type."""
    if not isinstance(obj, dict):
        return False
    host = (urlsplit(_text(obj.get("@id"))).hostname or "").lower()
    return host == "datatourisme.fr" or host.endswith(".datatourisme.fr") or \
        bool(POI_TYPES & type_names(obj.get("@type")))


def type_names(types) -> set:
    """'schema:Museum', ':Castle', 'https://…/core#Cave' → {'Museum', 'Castle', 'Cave'}."""
    items = types if isinstance(types, list) else re.split(r"[\s/|,;]+", str(types or ""))
    names = set()
    for item in items:
        name = re.split(r"[#:]", str(item).strip())[-1]
        if name:
            names.add(name)
    return names


def category_for(names: set):
    """The first category whose types appear in `names`; None when none does (a new site gets 'other')."""
    for category, types in CATEGORY_TYPES:
        if names & types:
            return category.value
    return None


def row_from_object(obj: dict) -> tuple:
    """(source id, raw listing fields, errors by field) for one JSON-LD object."""
    if not is_datatourisme(obj):
        return None, {}, {"row": _l("Cet objet n'est pas un point d'intérêt DATAtourisme "
                                    "(@id et @type attendus).")}
    place = _node(_get(obj, "isLocatedAt"))
    address = _node(_get(place, "schema:address"))
    city = _node(_get(address, "hasAddressCity"))
    geo = _node(_get(place, "schema:geo"))
    contacts = _nodes(_get(obj, "hasContact"))
    description = _node(_get(obj, "hasDescription"))
    names = type_names(obj.get("@type"))
    raw = {
        "name": _text(_get(obj, "rdfs:label")),
        "category": category_for(names),
        "commune": _text(_get(address, "schema:addressLocality")) or _text(_get(city, "rdfs:label")),
        "insee_code": _text(_get(city, "insee")),
        "address": ", ".join(_texts(_get(address, "schema:streetAddress"))),
        "postal_code": _text(_get(address, "schema:postalCode")),
        "latitude": _text(_get(geo, "schema:latitude")),
        "longitude": _text(_get(geo, "schema:longitude")),
        "phone": _first_contact(contacts, "schema:telephone"),
        "email": _first_contact(contacts, "schema:email"),
        "website": _first_contact(contacts, "foaf:homepage"),
        "description": shorten(_text(_get(description, "shortDescription"))
                               or _text(_get(obj, "rdfs:comment"))
                               or _text(_get(description, "dc:description"))),
    }
    source_id = _text(obj.get("@id")) or _text(_get(obj, "dc:identifier"))
    return source_id, raw, _event_error(names)


def row_from_csv(values: dict) -> tuple:
    """(source id, raw listing fields, errors by field) for one line of the simplified CSV export."""
    names = type_names(values.get("type", ""))
    raw = {
        "name": values.get("label", ""), "category": category_for(names),
        "commune": values.get("city", ""), "insee_code": values.get("insee", ""),
        "address": values.get("street", ""), "postal_code": values.get("postalcode", ""),
        "latitude": values.get("latitude", ""), "longitude": values.get("longitude", ""),
        "phone": values.get("tel", ""), "email": values.get("email", ""),
        "website": values.get("web", ""), "description": shorten(values.get("comment", "")),
    }
    errors = _event_error(names) or ({"row": _EVENT} if values.get("startdate") else {})
    return values.get("id", ""), raw, errors


_EVENT = _l("Un événement (fête, manifestation) n'est pas un site partenaire : retirez-le du fichier.")


def _event_error(names: set) -> dict:
    return {"row": _EVENT} if names & EVENT_TYPES else {}


def shorten(text: str) -> str:
    """Long DATAtourisme descriptions are cut at a word, not refused."""
    text = (text or "").strip()
    if len(text) <= DESCRIPTION_MAX:
        return text
    return text[:DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"


def _get(obj, key):
    """obj[key], also under the ':'-prefixed name older exports use; None when obj is no object."""
    if not isinstance(obj, dict):
        return None
    return obj[key] if key in obj else obj.get(":" + key)


def _nodes(value) -> list:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _node(value):
    nodes = _nodes(value)
    return nodes[0] if nodes else None


def _first_contact(contacts, key) -> str:
    return next((text for text in (_text(_get(c, key)) for c in contacts) if text), "")


def _texts(value) -> list:
    items = value if isinstance(value, list) else [value]
    return [text for text in (_text(item) for item in items) if text]


def _text(value) -> str:
    """The French text of a JSON-LD value: a string, {"fr": [...]}, {"@value": ...} or a list of them."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    if isinstance(value, list):
        tagged = [v for v in value if isinstance(v, dict) and v.get("@language") == "fr"]
        return next((text for text in map(_text, tagged + value) if text), "")
    if isinstance(value, dict):
        if "@value" in value:
            return _text(value["@value"])
        # A language map: {"fr": [...], "en": [...]}; French first, then whatever is there.
        languages = [key for key in value if not key.startswith("@") and ":" not in key]
        return next((text for text in (_text(value[key]) for key in ["fr", "en", *languages]
                                       if key in value) if text), "")
    return ""
