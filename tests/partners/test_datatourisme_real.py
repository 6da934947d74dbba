"""Real DATAtourisme objects (2020 flux, 2025 objects, Explore CSV) through the importer: formats as
delivered, out-of-scope objects skipped, categories per rule, hours and contacts, one place one site."""
import copy
import io
import json
import zipfile

import pytest

from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.partners.imports import check_partner_file, import_partners
from passresot.partners.models import Partner, PartnerCategory

from .helpers import EXPLORE, all_real, as_bytes, flux_zip, real


def with_types(obj: dict, types: list) -> dict:
    obj = copy.deepcopy(obj)
    obj["@type"] = types
    return obj


@pytest.fixture
def admin(app, make):
    with app.test_request_context():
        yield make.network_admin()


ESCAPADE, SOUSTRES, ABBAYE, JEANNE = "23-005424b9", "32-00638229", "30-0075b425", "30-0049c43b"
MAZETTE, EXPOSITION, AUDIOVISUEL = "23-005819a3", "49-00037bcf", "41-000e77d6"
EGLISE, PIOU, VALEZIEUX, SYLVO = "15-49b3de43", "15-03add752", "15-08f3f0ad", "15-0bfcfdc8"
BOUCLE, MAISON_DU_VIN, RANDOCROQUIS, PLAN_D_EAU = "49-6bd922a5", "15-9bd8cd41", "15-cf31a1cf", "15-5489eea2"
OFFICE = "15-d817ada7"


# --- As delivered ---------------------------------------------------------------------------------

@pytest.mark.parametrize("year, places, skipped", [("2020", 6, 34), ("2025", 5, 5)])
def test_a_real_flux_zip_reads_every_object_and_skips_what_is_no_site(admin, year, places, skipped):
    preview = check_partner_file(flux_zip(all_real(year)), "flux.zip")
    assert preview.format == "datatourisme_zip" and not preview.errors, preview.errors
    assert (len(preview.places), preview.skipped_count) == (places, skipped)
    assert not preview.error_rows, [(r.raw.get("name"), r.messages()) for r in preview.error_rows]


@pytest.mark.parametrize("shape", ["graph", "list", "object"])
def test_a_single_jsonld_file_as_object_list_or_graph(admin, shape):
    objects = [real(EGLISE), real(SOUSTRES)]
    document = {"graph": {"@context": {"@vocab": "https://www.datatourisme.fr/ontology/core#"},
                          "@graph": objects}, "list": objects, "object": objects[0]}[shape]
    preview = check_partner_file(as_bytes(document), "export.jsonld")
    assert preview.format == "datatourisme_jsonld"
    assert [r.raw["name"] for r in preview.places] == [o["rdfs:label"]["fr"][0] for o in objects][
        :1 if shape == "object" else 2]


def test_the_explore_csv_imports_the_museum_and_skips_the_hotels(admin):
    preview = check_partner_file(EXPLORE, "explore.csv")
    assert preview.format == "datatourisme_explore"
    site, = preview.places
    assert (site.raw["name"], site.cleaned["category"]) == ("Cité des Sciences et de l'Industrie",
                                                             PartnerCategory.museum)
    assert site.sit_id and not site.source_id
    assert preview.skipped_by_reason == {"lodging": 464, "food": 9} or \
        sum(preview.skipped_by_reason.values()) == 473


def test_a_csv_export_delivered_in_a_zip_is_read_as_the_csv(admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/explore-paris.csv", EXPLORE)
    preview = check_partner_file(buffer.getvalue(), "export.zip")
    assert not preview.errors and preview.format == "datatourisme_explore"
    assert [row.raw["name"] for row in preview.places] == ["Cité des Sciences et de l'Industrie"]
    assert preview.skipped_count == 473


def test_the_flux_index_alone_is_refused_with_advice(admin):
    preview = check_partner_file(b'[{"label": "x", "file": "0/00/a.json"}]', "index.json")
    assert "index (index.json) d'un flux" in str(preview.errors[0])


def test_a_big_graph_is_parsed_as_a_stream():
    """8 MB of @graph: the parser's memory stays far below the file's size (about 1.7 MB whatever the
    size: 30 MB gave the same peak, at four times the time under tracemalloc)."""
    import tracemalloc

    from passresot.partners.import_files import ImportPreview, read_rows
    from passresot.partners.sources import PartnerSource

    obj = real(SOUSTRES)
    one = json.dumps(obj, ensure_ascii=False)
    count = 8 * 1024 * 1024 // len(one) + 1
    body = ",".join(one.replace(obj["@id"], f"{obj['@id']}-{i}") for i in range(count))
    data = ('{"@context": {}, "@graph": [' + body + "]}").encode("utf-8")
    del body
    tracemalloc.start()
    preview = ImportPreview()
    rows = 0
    for row in read_rows(PartnerSource(io.BytesIO(data), "big.json", len(data)), preview):
        rows += 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert rows == count
    assert peak < 3 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {len(data) / 1e6:.0f} MB file"


# --- Out of scope ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, reason", [
    (PIOU, "event"), (EXPOSITION, "event"), (BOUCLE, "tour"), (SYLVO, "product"), (MAZETTE, "lodging"),
    (VALEZIEUX, "food"), (JEANNE, "food"), (OFFICE, "not_a_place"),
])
def test_out_of_scope_objects_are_skipped_with_their_reason(admin, name, reason):
    row, = check_partner_file(as_bytes(real(name))).rows
    assert row.skip == reason and row.status == "skipped" and not row.errors


# --- Categories, one rule each (README « Catégories DATAtourisme ») --------------------------------

@pytest.mark.parametrize("name, types, category", [
    # Heritage before parks and gardens: a castle or an abbey with a park stays heritage.
    (EGLISE, ["Castle", "ParkAndGarden", "CulturalSite", "PlaceOfInterest", "PointOfInterest"], "heritage"),
    (ABBAYE, None, "heritage"),
    (EGLISE, ["Abbey", "Castle", "NaturalHeritage", "PointOfInterest"], "heritage"),
    # A museum before the cultural site it also is.
    (AUDIOVISUEL, ["Museum", "CulturalSite", "PointOfInterest"], "museum"),
    (AUDIOVISUEL, None, "heritage"),  # CulturalSite alone
    # Wine and farm producers are domaines: WineCellar, TastingProvider without WineCellar, Farmer.
    (SOUSTRES, None, "winery"),
    (MAISON_DU_VIN, None, "winery"),
    (SOUSTRES, ["schema:LocalBusiness", "Producer", "Farmer", "PointOfInterest"], "winery"),
    # A Producer alone (a craftsman) is visited, but no domaine.
    (SOUSTRES, ["schema:LocalBusiness", "Producer", "PointOfInterest"], "other"),
    # Nature, then activities.
    (RANDOCROQUIS, None, "nature"),
    (PLAN_D_EAU, None, "activity"),
    (ESCAPADE, None, "activity"),
])
def test_category_rules_on_real_objects(admin, name, types, category):
    obj = real(name) if types is None else with_types(real(name), types)
    row, = check_partner_file(as_bytes(obj)).rows
    assert row.skip is None and row.cleaned["category"] == PartnerCategory(category)


@pytest.mark.parametrize("types", [
    ["Winery", "BistroOrWineBar", "FoodEstablishment", "PointOfInterest"],  # a wine bar
    ["WineCellar", "schema:Restaurant", "Restaurant", "FoodEstablishment", "PointOfInterest"],
])
def test_a_restaurant_or_bar_is_never_a_domaine(admin, types):
    row, = check_partner_file(as_bytes(with_types(real(JEANNE), types))).rows
    assert row.cleaned.get("category") != PartnerCategory.winery and row.skip == "food"


# --- Hours, contacts, description, reduced mobility ------------------------------------------------

def test_opening_hours_become_french_text_and_a_suggestion_2020(admin):
    row, = check_partner_file(as_bytes(real(EGLISE))).rows
    assert row.cleaned["opening_info"].startswith("Du 01/01/2020 au 31/12/2020 : ")
    assert "tous les jours de 9 h 30 à 18 h" in row.cleaned["opening_info"]
    assert row.suggestion == {"all_year": True}


def test_opening_hours_2025_seasons_are_merged_into_suggested_periods(admin):
    row, = check_partner_file(as_bytes(real(ESCAPADE))).rows
    assert "Du 01/07/2024 au 31/08/2024 : tous les jours de 8 h 30 à 14 h 30 et de 16 h 30 à 18 h." \
        in row.cleaned["opening_info"]
    assert row.suggestion == {"periods": [["01-15", "12-16"]]}


def test_suggested_periods_apply_only_when_the_admin_confirms_and_never_replace_known_ones(admin, make):
    import_partners(admin, as_bytes([real(ESCAPADE), real(EGLISE)]))
    assert all(not p.periods and not p.accepts_all_year for p in Partner.query)
    db.session.rollback()
    kept = make.partner(name="Église", source="datatourisme", accepts_all_year=False,
                        source_id="https://data.datatourisme.fr/15/49b3de43-2cad-3d38-a214-9b6ddb70ca5b")
    from datetime import date
    from passresot.partners.models import PartnerPeriod
    kept.periods = [PartnerPeriod(starts_on=date(2026, 6, 1), ends_on=date(2026, 9, 30), recurring=True)]
    db.session.flush()
    import_partners(admin, as_bytes([real(ESCAPADE), real(EGLISE)]), apply_periods=True)
    escapade = Partner.query.filter(Partner.name.like("Escapade%")).one()
    assert [(p.starts_on.strftime("%m-%d"), p.ends_on.strftime("%m-%d"), p.recurring)
            for p in escapade.periods] == [("01-15", "12-16", True)]
    assert [(p.starts_on.month, p.ends_on.month) for p in kept.periods] == [(6, 9)]


def test_a_reimport_gives_the_suggested_periods_to_known_sites_whose_periods_are_unknown(admin):
    import_partners(admin, as_bytes([real(ESCAPADE), real(EGLISE)]))
    escapade = Partner.query.filter(Partner.name.like("Escapade%")).one()
    eglise = Partner.query.filter_by(name="Église Saint-Antoine").one()
    assert not (escapade.periods or escapade.accepts_all_year or eglise.periods or eglise.accepts_all_year)
    again = import_partners(admin, as_bytes([real(ESCAPADE), real(EGLISE)]), apply_periods=True)
    assert again.unchanged == 2 and not again.created and Partner.query.count() == 2
    assert [(p.starts_on.strftime("%m-%d"), p.ends_on.strftime("%m-%d"), p.recurring)
            for p in escapade.periods] == [("01-15", "12-16", True)]
    assert eglise.accepts_all_year and not eglise.periods
    events = {e.target_id: e.details for e in AuditEvent.query.filter_by(action="partner.updated")}
    assert events[eglise.id] == {"accepts_all_year": True}
    assert events[escapade.id]["periods"].endswith("-12-16 (annuel)")
    import_partners(admin, as_bytes([real(ESCAPADE), real(EGLISE)]), apply_periods=True)
    assert len(escapade.periods) == 1  # known periods now: never added twice
    assert AuditEvent.query.filter_by(action="partner.updated").count() == 2


def test_every_phone_email_and_website_is_kept_with_reduced_mobility(admin):
    row, = check_partner_file(as_bytes(real(SOUSTRES))).rows
    contacts = [c for c in real(SOUSTRES)["hasContact"]]
    phones = list(dict.fromkeys(p for c in contacts for p in c.get("schema:telephone", [])))
    assert len(phones) == 2
    assert row.cleaned["phone"] == phones[0]
    description = row.cleaned["description"]
    assert all(p in description for p in phones[1:])
    assert "Accessible aux personnes à mobilité réduite." in description
    assert description.startswith(real(SOUSTRES)["hasDescription"][0]["shortDescription"]["fr"][0][:40])


@pytest.mark.parametrize("name", [EGLISE, SOUSTRES])  # English first in 2020, German first in 2025
def test_the_description_is_the_french_one_in_both_formats(admin, name):
    row, = check_partner_file(as_bytes(real(name))).rows
    description = (real(name).get("hasDescription") or [{}])[0]
    french = (description.get("shortDescription") or description.get("dc:description"))["fr"][0]
    assert list((description.get("shortDescription") or description.get("dc:description")))[0] != "fr"
    assert row.cleaned["description"].startswith(french[:60].strip())


# --- One place, one site ---------------------------------------------------------------------------

def test_a_2020_gouv_id_and_its_2025_form_are_the_same_site(admin):
    obj = real(EGLISE)
    import_partners(admin, as_bytes(obj))
    site = Partner.query.one()
    assert site.source_id == "https://data.datatourisme.fr/15/49b3de43-2cad-3d38-a214-9b6ddb70ca5b"
    assert site.sit_id == "PCUCEN037FS000B1"
    moved = copy.deepcopy(obj)
    moved["@id"] = site.source_id
    moved["rdfs:label"]["fr"] = ["Église Saint-Antoine de Loches"]
    result = import_partners(admin, as_bytes(moved))
    assert (len(result.created), len(result.updated)) == (0, 1) and Partner.query.count() == 1


def test_a_site_stored_with_its_gouv_id_by_an_older_import_is_found(admin, make):
    make.partner(name="Église", source="datatourisme",
                 source_id="https://data.datatourisme.gouv.fr/15/49b3de43-2cad-3d38-a214-9b6ddb70ca5b")
    result = import_partners(admin, as_bytes(real(EGLISE)))
    assert (len(result.created), len(result.updated)) == (0, 1) and Partner.query.count() == 1


def test_an_explore_row_then_the_jsonld_of_the_same_place_make_one_site(admin):
    museum_line = [line for line in EXPLORE.decode("utf-8").splitlines() if "Cité des Sciences" in line]
    header = EXPLORE.decode("utf-8").splitlines()[0]
    explore = ("\n".join([header, *museum_line]) + "\n").encode("utf-8")
    import_partners(admin, explore, "explore.csv")
    site = Partner.query.one()
    obj = with_types(real(AUDIOVISUEL), ["Museum", "CulturalSite", "PointOfInterest"])
    obj["dc:identifier"] = site.sit_id
    result = import_partners(admin, as_bytes(obj))
    assert (len(result.created), len(result.updated)) == (0, 1) and Partner.query.count() == 1
    assert site.source_id == obj["@id"] and site.source == "datatourisme"


def test_an_explore_row_stored_as_our_csv_by_an_older_import_is_found(admin, make):
    make.partner(name="Cité des Sciences et de l'Industrie", source="csv", source_id="678511")
    result = import_partners(admin, EXPLORE, "explore.csv")
    assert (len(result.created), len(result.updated)) == (0, 1) and Partner.query.count() == 1
    assert Partner.query.one().source == "datatourisme"


def test_reimporting_a_flux_updates_and_keeps_the_admins_own_fields(admin):
    data = flux_zip(all_real("2025"))
    first = import_partners(admin, data, "flux.zip")
    soustres = Partner.query.filter_by(sit_id="DEGLAR034V51N5DK").one()
    soustres.manager_name, soustres.visit_minutes, soustres.accepts_all_year = "Mme Roca", 90, True
    db.session.flush()
    again = import_partners(admin, data, "flux.zip", apply_periods=True)
    assert len(first.created) == 5 and not again.created and Partner.query.count() == 5
    assert (soustres.manager_name, soustres.visit_minutes, soustres.accepts_all_year) == ("Mme Roca", 90, True)
    assert not soustres.periods
