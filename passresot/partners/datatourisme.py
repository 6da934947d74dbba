"""DATAtourisme objects as partner listings: the JSON-LD of its flux (2020 and 2025 ontologies), its
simplified CSV export and its "Explore" CSV; which objects are places to visit, and their category."""
import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from ..csvfiles import simplify
from . import hours
from .models import PartnerCategory

SOURCE = "datatourisme"
#: Categories from the ontology's types, most specific first (README, « Catégories DATAtourisme »):
#: a museum is also a CulturalSite; a castle with a park is heritage, not nature.
CATEGORY_TYPES = (
    (PartnerCategory.museum, {"Museum", "InterpretationCentre", "Ecomuseum",
                              "ArtGalleryOrExhibitionGallery", "ArtGallery"}),
    (PartnerCategory.heritage, {"Castle", "Abbey", "Church", "Cathedral", "Chapel", "ReligiousSite",
                                "Monastery", "Convent", "Cloister", "Priory", "RemarkableBuilding",
                                "MilitaryCulturalSite", "Fort", "Fortification", "Citadel",
                                "ArcheologicalSite", "Monument", "CityHeritage", "TechnicalHeritage",
                                "IndustrialSite", "Mill", "Bridge", "Tower", "Aqueduct", "PigeonLoft",
                                "Palace", "Mansion", "ManorHouse", "CulturalSite"}),
    # Wine and farm producers only: a Producer alone may be a potter, and a bar is never a domaine.
    (PartnerCategory.winery, {"WineCellar", "Winery", "Vineyard", "Distillery", "TastingProvider",
                              "Farmer", "FarmProducer"}),
    (PartnerCategory.nature, {"NaturalHeritage", "Cave", "Grotto", "Chasm", "Gorge", "Canyon",
                              "Waterfall", "Lake", "Cliff", "Forest", "Beach", "ParkAndGarden",
                              "Garden", "Park", "NaturalReserve", "NatureReserve", "Viewpoint",
                              "Landform"}),
    (PartnerCategory.activity, {"AmusementPark", "ThemePark", "WaterPark", "Zoo", "ZooAnimalPark",
                                "Aquarium", "LeisureComplex", "ActivityProvider",
                                "SportsAndLeisurePlace"}),
)
#: Types too general to make a Product a place (a course, a rental, a guided walk).
GENERIC_TYPES = {"SportsAndLeisurePlace", "ActivityProvider", "CulturalSite"}
#: Producer counts as a domaine only with one of these beside it (wine, farm).
PRODUCER_TYPES = {"Producer"}
EVENT_TYPES = {"EntertainmentAndEvent", "Event", "CulturalEvent", "SportsEvent", "SaleEvent",
               "BusinessEvent", "SocialEvent", "ExhibitionEvent", "Festival"}
TOUR_TYPES = {"Tour", "WalkingTour", "CyclingTour", "HorseTour", "RoadTour", "FluvialTour",
              "UnderwaterRoute", "OrderedList"}
PRODUCT_TYPES = {"Product", "Practice", "Course", "Rental", "Tasting"}
FOOD_TYPES = {"FoodEstablishment", "Restaurant", "BarOrPub", "BistroOrWineBar", "BrasserieOrTavern",
              "FastFoodRestaurant", "CafeOrCoffeeShop", "HotelRestaurant", "Pizzeria"}
LODGING_TYPES = {"Accommodation", "LodgingBusiness", "Hotel", "HotelTrade", "BedAndBreakfast",
                 "CampingAndCaravanning", "RentalAccommodation", "CollectiveAccommodation"}
POI_TYPES = {"PointOfInterest", "PlaceOfInterest"}
#: Why an object is not a partner site: reason code → French text shown in the skipped list.
SKIP_REASONS = {
    "event": _l("Événement"),
    "tour": _l("Itinéraire"),
    "product": _l("Prestation ou produit, pas un lieu"),
    "food": _l("Restaurant ou bar"),
    "lodging": _l("Hébergement"),
    "not_a_place": _l("Pas un lieu à visiter (commerce, service, office de tourisme…)"),
}
DESCRIPTION_MAX = 2000
#: Simplified CSV columns (after csvfiles.simplify) and the names other exports give them.
CSV_COLUMNS = {
    "id": ("id", "uri"),
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
    "identifier": ("identifier", "dc_identifier"),
}
CSV_REQUIRED = ("id", "label")
#: The "Explore" download: French headers, the regional identifier, types and sub-types in French.
EXPLORE_COLUMNS = {
    "nom": ("nom",), "identifiant": ("identifiant",), "type": ("type",),
    "sous_type": ("sous_type",), "commune": ("commune",), "code_postal": ("code_postal",),
    "code_insee": ("code_insee",), "latitude": ("latitude",), "longitude": ("longitude",),
    "site_internet": ("site_internet",), "telephone": ("telephone",), "email": ("email", "courriel"),
    "adresse": ("adresse",), "description": ("description",),
}
EXPLORE_REQUIRED = ("nom", "identifiant")
#: Explore's French words (simplified) → a category or a skip reason, most specific first.
EXPLORE_WORDS = (
    ("museum", {"musee", "ecomusee", "centre_d_interpretation", "galerie_d_art"}),
    ("heritage", {"chateau", "edifice_religieux", "patrimoine_culturel", "site_culturel",
                  "monument", "patrimoine_religieux", "site_archeologique", "abbaye", "eglise"}),
    ("winery", {"cave", "degustation", "cave_viticole", "domaine_viticole", "producteur_de_vin",
                "exploitation_agricole", "ferme"}),
    ("nature", {"site_naturel", "patrimoine_naturel", "parc_et_jardin", "jardin", "grotte"}),
    ("activity", {"loisir", "site_de_loisirs", "parc_de_loisirs", "parc_d_attraction", "zoo",
                  "site_sportif", "equipement_de_loisirs", "activite"}),
)
EXPLORE_SKIPS = (
    ("event", {"evenement", "fete_et_manifestation", "fete"}),
    ("tour", {"itineraire", "itineraire_touristique", "circuit"}),
    ("food", {"restauration", "restaurant", "bar"}),
    ("lodging", {"hebergement", "hotellerie", "hebergement_collectif", "hebergement_locatif"}),
    ("product", {"produit"}),
)


def looks_like_csv_header(keys: set) -> bool:
    """The simplified export names its columns in English: 'label' with 'id' or 'type'."""
    return "label" in keys and bool(keys & {"id", "uri", "type", "latitude"})


def looks_like_explore_header(keys: set) -> bool:
    """Explore's download: nom, identifiant, and its French type and sub-type columns."""
    return {"nom", "identifiant", "type"} <= keys and bool(keys & {"sous_type", "mise_a_jour_datatourisme"})


def objects_of(document):
    """The objects of a JSON-LD document: an @graph, a list, or one object (None for anything else)."""
    if isinstance(document, dict):
        graph = document.get("@graph")
        return graph if isinstance(graph, list) else [document]
    return document if isinstance(document, list) else None


def is_datatourisme(obj) -> bool:
    """An object of the DATAtourisme graph: its @id on data.datatourisme.fr or .gouv.fr, or a POI type."""
    if not isinstance(obj, dict):
        return False
    return bool(canonical_id(_text(obj.get("@id")))) or bool(POI_TYPES & type_names(obj.get("@type")))


def canonical_id(value: str) -> str:
    """The object's @id on data.datatourisme.fr whatever the domain it came with ('' when not one)."""
    parts = urlsplit((value or "").strip())
    host = (parts.hostname or "").lower()
    if host not in ("data.datatourisme.fr", "data.datatourisme.gouv.fr") or not parts.path.strip("/"):
        return ""
    return "https://data.datatourisme.fr/" + parts.path.strip("/")


def id_variants(source_id: str) -> list:
    """The forms a stored @id may have (older imports kept the .gouv.fr domain as delivered)."""
    canonical = canonical_id(source_id)
    if not canonical:
        return [source_id]
    path = canonical[len("https://data.datatourisme.fr/"):]
    return [canonical, "https://data.datatourisme.gouv.fr/" + path,
            "http://data.datatourisme.fr/" + path, "http://data.datatourisme.gouv.fr/" + path]


def type_names(types) -> set:
    """'schema:Museum', ':Castle', 'https://…/core#Cave', 'olo:OrderedList' → {'Museum', 'Castle', …}."""
    items = types if isinstance(types, list) else re.split(r"[\s/|,;]+", str(types or ""))
    names = set()
    for item in items:
        name = re.split(r"[#:]", str(item).strip())[-1]
        if name:
            names.add(name)
    return names


def classify(names: set) -> tuple:
    """(category value or None, skip reason or None) for an object's types.

    Events and itineraries are never sites. Then the most specific category wins; without one, or
    with only a general one on a product, the object is a restaurant, a lodging, a product or no
    place to visit, and is skipped."""
    if names & EVENT_TYPES:
        return None, "event"
    if names & TOUR_TYPES:
        return None, "tour"
    food = bool(names & FOOD_TYPES)
    for category, types in CATEGORY_TYPES:
        found = names & types
        if not found:
            continue
        if category is PartnerCategory.winery and food:
            return None, "food"  # a wine bar (Winery + BistroOrWineBar) serves, it is no domaine
        if names & PRODUCT_TYPES and not found - GENERIC_TYPES:
            return None, "product"
        return category.value, None
    if food:
        return None, "food"
    if names & PRODUCER_TYPES:  # a potter or a cheese dairy: visited, but no domaine
        return PartnerCategory.other.value, None
    if names & LODGING_TYPES:
        return None, "lodging"
    if names & PRODUCT_TYPES:
        return None, "product"
    return None, "not_a_place"


def category_for(names: set):
    """The category of these types, None when the object is not a site (see classify)."""
    return classify(names)[0]


def row_from_object(obj: dict) -> tuple:
    """(source id, raw listing fields, errors by field, extras) for one JSON-LD object.

    extras: sit_id (the regional identifier), skip (reason code or None), suggestion (periods)."""
    if not is_datatourisme(obj):
        return None, {}, {"row": _l("Cet objet n'est pas un point d'intérêt DATAtourisme (@id sur "
                                    "data.datatourisme.fr ou data.datatourisme.gouv.fr, @type et "
                                    "rdfs:label attendus).")}, {}
    names = type_names(obj.get("@type"))
    category, skip = classify(names)
    places = _nodes(_get(obj, "isLocatedAt")) or [obj]
    place = places[0]
    address = _node(_get(place, "schema:address"))
    city = _node(_get(address, "hasAddressCity"))
    geo = _node(_get(place, "schema:geo"))
    contacts = _nodes(_get(obj, "hasContact"))
    phones = _all(contacts, "schema:telephone")
    emails = _all(contacts, "schema:email")
    websites = _all(contacts, "foaf:homepage")
    opening = hours.read_place_hours(places)
    raw = {
        "name": _text(_get(obj, "rdfs:label")),
        "category": category,
        "commune": _text(_get(address, "schema:addressLocality")) or _text(_get(city, "rdfs:label")),
        "insee_code": _text(_get(city, "insee")),
        "address": ", ".join(_texts(_get(address, "schema:streetAddress"))),
        "postal_code": _text(_get(address, "schema:postalCode")),
        "latitude": _text(_get(geo, "schema:latitude")),
        "longitude": _text(_get(geo, "schema:longitude")),
        "phone": phones[0] if phones else "",
        "email": emails[0] if emails else "",
        "website": websites[0] if websites else "",
        "description": describe(_description(obj), _mobility(obj),
                                phones[1:] + emails[1:] + websites[1:]),
    }
    if opening.text:
        raw["opening_info"] = opening.text
    source_id = canonical_id(_text(obj.get("@id"))) or _text(obj.get("@id"))
    extras = {"sit_id": _text(_get(obj, "dc:identifier")), "skip": skip,
              "suggestion": opening.suggestion, "names": sorted(names - POI_TYPES)}
    return source_id, raw, {}, extras


def row_from_csv(values: dict) -> tuple:
    """(source id, raw listing fields, errors, extras) for one line of the simplified CSV export."""
    names = type_names(values.get("type", ""))
    category, skip = classify(names)
    if values.get("startdate") and not skip:
        skip = "event"
    raw = {
        "name": values.get("label", ""), "category": category,
        "commune": values.get("city", ""), "insee_code": values.get("insee", ""),
        "address": values.get("street", ""), "postal_code": values.get("postalcode", ""),
        "latitude": values.get("latitude", ""), "longitude": values.get("longitude", ""),
        "phone": values.get("tel", ""), "email": values.get("email", ""),
        "website": values.get("web", ""), "description": shorten(values.get("comment", "")),
    }
    source_id = canonical_id(values.get("id", "")) or values.get("id", "")
    return source_id, raw, {}, {"sit_id": values.get("identifier", ""), "skip": skip,
                                "names": sorted(names - POI_TYPES)}


def row_from_explore(values: dict) -> tuple:
    """(source id, raw fields, errors, extras) for one line of the Explore CSV: only the regional
    identifier is there, so the site is matched by it (and by @id once a JSON-LD import gives one)."""
    words = set()
    for column in ("type", "sous_type"):
        words |= {simplify(word) for word in re.split(r"[,;/|]", values.get(column, "")) if word.strip()}
    category, skip = _explore_category(words)
    raw = {
        "name": values.get("nom", ""), "category": category, "commune": values.get("commune", ""),
        "insee_code": values.get("code_insee", ""), "postal_code": values.get("code_postal", ""),
        "address": values.get("adresse", ""), "latitude": values.get("latitude", ""),
        "longitude": values.get("longitude", ""), "website": values.get("site_internet", ""),
        "phone": values.get("telephone", ""), "email": values.get("email", ""),
        "description": shorten(values.get("description", "")),
    }
    return "", raw, {}, {"sit_id": values.get("identifiant", ""), "skip": skip,
                         "names": sorted(words)}


def _explore_category(words: set) -> tuple:
    if words & EXPLORE_SKIPS[0][1]:
        return None, "event"
    if words & EXPLORE_SKIPS[1][1]:
        return None, "tour"
    food = bool(words & EXPLORE_SKIPS[2][1])
    for category, known in EXPLORE_WORDS:
        if words & known:
            return (None, "food") if category == "winery" and food else (category, None)
    for reason, known in EXPLORE_SKIPS[2:]:
        if words & known:
            return None, reason
    return None, "not_a_place"


def describe(text: str, mobility: str, other_contacts: list) -> str:
    """The French description, then the reduced-mobility information and the other contacts
    (stored data, in French like the description itself)."""
    extra = []
    if mobility:
        extra.append(mobility)
    if other_contacts:
        extra.append("Autres contacts : %s." % ", ".join(other_contacts))
    tail = "\n\n".join(extra)
    room = DESCRIPTION_MAX - len(tail) - 2
    body = shorten(text, max(room, 200)) if tail else shorten(text)
    return shorten("\n\n".join(part for part in (body, tail) if part))


def _description(obj) -> str:
    description = _node(_get(obj, "hasDescription"))
    return (_text(_get(description, "shortDescription")) or _text(_get(obj, "rdfs:comment"))
            or _text(_get(description, "dc:description")))


def _mobility(obj) -> str:
    value = _get(obj, "reducedMobilityAccess")
    value = value[0] if isinstance(value, list) and value else value
    if isinstance(value, dict):
        value = value.get("@value")
    if value is True or str(value).lower() == "true":
        return "Accessible aux personnes à mobilité réduite."
    if value is False or str(value).lower() == "false":
        return "Non accessible aux personnes à mobilité réduite."
    return ""


def shorten(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """Long DATAtourisme descriptions are cut at a word, not refused."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0] + "…"


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


def _all(contacts, key) -> list:
    """Every value of `key` over the contacts, each once, in order."""
    seen = []
    for contact in contacts:
        for text in _texts(_get(contact, key)):
            if text not in seen:
                seen.append(text)
    return seen


def _texts(value) -> list:
    items = value if isinstance(value, list) else [value]
    return [text for text in (_text(item) for item in items) if text]


def _text(value) -> str:
    """The French text of a JSON-LD value: a string, {"fr": [...]}, {"@value": ...} or a list of them."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    if hasattr(value, "as_integer_ratio"):  # ijson gives decimal.Decimal for numbers
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


text_of = _text
