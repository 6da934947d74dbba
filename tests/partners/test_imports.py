"""Partner imports: our CSV, DATAtourisme's JSON-LD and simplified CSV; re-imports by source id that
keep the scheme's fields; bad input refused with nothing written; the HTTP flow and who may use it."""
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.partners import import_files
from passresot.partners.imports import (PartnerImportRejected, check_partner_file, example_csv,
                                        import_partners, read_partner_file)
from passresot.partners.models import Booking, Partner, PartnerCategory, PartnerPeriod
from tests.helpers import csrf_token, login
from tests.factories import jpeg_bytes
from tests.partners.helpers import UPLOAD_URL, confirm, confirm_url_of, post_file

HERE = Path(__file__).parent
JSONLD = (HERE / "datatourisme_sample.jsonld").read_bytes()
DT_CSV = (HERE / "datatourisme_sample.csv").read_bytes()
MUSEUM_ID = "https://data.datatourisme.fr/11/d2ddc3c0-6c27-492f-8db6-18b78a6374a5"
OUR_HEADER = "identifiant;nom;categorie;commune;latitude;longitude;telephone;site_web;reservation;" \
             "periodes;responsable;duree_visite"
EXAMPLE_URL = "/admin/partners/import/example.csv"
EXPECTED = {  # name → (category, commune, INSEE code)
    "Musée d'Art moderne de Céret": (PartnerCategory.museum, "Céret", "66049"),
    "Forteresse de Salses": (PartnerCategory.heritage, "Salses-le-Château", "66190"),
    "Grottes des Grandes Canalettes": (PartnerCategory.nature, "Villefranche-de-Conflent", "66223"),
    "Cellier des Templiers": (PartnerCategory.winery, "Banyuls-sur-Mer", "66016"),
    "Argelès Aventure": (PartnerCategory.activity, "Argelès-sur-Mer", "66008"),
    "Château royal de Collioure": (PartnerCategory.heritage, "Collioure", "66053"),
}


def zipped(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def our_csv(*rows, header=OUR_HEADER, encoding="utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def graph() -> dict:
    return json.loads(JSONLD)


def as_bytes(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def counts():
    """What an import writes: partners, their periods, audit events."""
    return Partner.query.count(), PartnerPeriod.query.count(), AuditEvent.query.count()


def errors_of(preview) -> list:
    return [f"{label} : {message}" if label else str(message)
            for row in preview.rows for label, message in row.messages()]


@pytest.fixture
def admin(app, make):
    """A network admin, inside a request context so the lazy French messages can be read."""
    with app.test_request_context():
        yield make.network_admin()


# --- Each format imports ------------------------------------------------------------------------

def test_the_jsonld_sample_imports_every_object_with_its_fields(admin):
    result = import_partners(admin, JSONLD, "export.jsonld")
    db.session.commit()
    assert len(result.created) == 6 and not result.updated
    partners = {p.name: p for p in Partner.query}
    assert {name: (p.category, p.commune, p.insee_code) for name, p in partners.items()} == EXPECTED
    museum = partners["Musée d'Art moderne de Céret"]
    assert (museum.source, museum.source_id) == ("datatourisme", MUSEUM_ID)
    assert (museum.latitude, museum.longitude) == (42.48587, 2.74838)
    assert (museum.address, museum.postal_code) == ("8 boulevard Maréchal Joffre", "66400")
    assert museum.phone == "+33 (0)4 68 87 27 76" and museum.email == "accueil@musee-ceret.example.fr"
    assert museum.website == "https://www.musee-ceret.com" and museum.description.startswith("Picasso")
    assert partners["Argelès Aventure"].address == "Parc de Valmy, Chemin de Valmy"
    assert partners["Grottes des Grandes Canalettes"].website == "https://www.grottes-canalettes.com"
    # DATAtourisme says nothing of the scheme: the sites wait for the network to fill it in.
    assert {(p.booking, p.accepts_all_year, len(p.periods)) for p in partners.values()} == {
        (Booking.unknown, False, 0)}


def test_the_simplified_csv_gives_the_same_listings_as_the_jsonld(admin):
    from_json, from_csv = read_partner_file(JSONLD, "a.jsonld"), read_partner_file(DT_CSV, "a.csv")
    assert (from_json.format, from_csv.format) == ("datatourisme_jsonld", "datatourisme_csv")
    assert from_json.ok and from_csv.ok, errors_of(from_json) + errors_of(from_csv)
    assert [(r.source_id, r.cleaned) for r in from_csv.rows] == \
        [(r.source_id, r.cleaned) for r in from_json.rows]


def test_importing_the_csv_export_after_the_jsonld_updates_nothing_twice(admin):
    import_partners(admin, JSONLD, "a.jsonld")
    preview = check_partner_file(DT_CSV, "a.csv")
    assert {row.status for row in preview.rows} == {"unchanged"}
    assert import_partners(admin, DT_CSV, "a.csv").unchanged == 6 and Partner.query.count() == 6


@pytest.mark.parametrize("shape", ["single object", "list"])
def test_a_single_object_or_a_plain_list_is_read_too(admin, shape):
    objects = graph()["@graph"]
    document = objects[0] if shape == "single object" else objects[:2]
    preview = read_partner_file(as_bytes(document), "x.json")
    assert preview.ok and len(preview.rows) == (1 if shape == "single object" else 2)


def test_expanded_values_and_old_colon_prefixes_are_understood(admin):
    obj = {"@id": "https://data.datatourisme.fr/13/abc", "@type": ["schema:Museum", "PointOfInterest"],
           "rdfs:label": [{"@language": "en", "@value": "Museum"}, {"@language": "fr", "@value": "Musée"}],
           ":isLocatedAt": {"schema:address": {"schema:addressLocality": "Thuir"},
                            "schema:geo": {"schema:latitude": {"@value": "42.63"},
                                           "schema:longitude": 2.75}}}
    row, = read_partner_file(as_bytes(obj)).rows
    assert row.ok, errors_of(read_partner_file(as_bytes(obj)))
    assert (row.cleaned["name"], row.cleaned["commune"]) == ("Musée", "Thuir")
    assert (row.cleaned["latitude"], row.cleaned["longitude"]) == (42.63, 2.75)


def test_our_csv_sets_the_scheme_fields_on_creation(admin):
    result = import_partners(admin, example_csv(), "exemple.csv")
    db.session.commit()
    assert len(result.created) == 3
    museum, fortress, winery = (Partner.query.filter_by(source="csv", source_id=i).one()
                                for i in ("MUS-001", "PAT-002", "DOM-003"))
    assert (museum.category, museum.booking, museum.accepts_all_year) == (
        PartnerCategory.museum, Booking.not_required, True)
    assert (museum.manager_name, museum.visit_minutes) == ("Anna Roca", 90)
    assert museum.socials == ["https://www.facebook.com/exemple"]
    assert museum.opening_info == "Tous les jours 10 h – 18 h"
    assert fortress.booking is Booking.required and not fortress.accepts_all_year
    periods = [(p.starts_on.strftime("%d/%m"), p.ends_on.strftime("%d/%m"), p.recurring)
               for p in fortress.periods]
    assert periods == [("01/06", "30/09", True), ("20/12", "05/01", False)]
    assert fortress.periods[1].starts_on == date(2026, 12, 20)
    assert (winery.category, winery.booking, winery.periods) == (PartnerCategory.winery, Booking.unknown, [])


@pytest.mark.parametrize("value, category", [
    ("musee", "museum"), ("Musée", "museum"), ("patrimoine", "heritage"),
    ("Château, patrimoine", "heritage"), ("site-naturel", "nature"), ("Grotte, site naturel", "nature"),
    ("domaine", "winery"), ("Domaine, producteur", "winery"), ("activité", "activity"),
    ("Activité, loisir", "activity"), ("autre", "other"), ("", "other")])
def test_categories_by_code_or_french_label(admin, value, category):
    import_partners(admin, our_csv(f'X1;Site;"{value}";Céret;;;;;;;;'))
    assert Partner.query.one().category.value == category


@pytest.mark.parametrize("value, expected", [
    ("toute l'année", (True, [])),
    ("Toute l’année", (True, [])),
    ("01/06-30/09 annuel", (False, [("06-01", "09-30", True)])),
    ("du 15/12 au 15/03", (False, [("12-15", "03-15", True)])),
    ("01/07/2026 - 31/08/2026", (False, [("07-01", "08-31", False)])),
    ("01/04-30/06 annuel | 01/09/2026-31/10/2026", (False, [("04-01", "06-30", True),
                                                             ("09-01", "10-31", False)])),
    ("", (False, [])),
])
def test_accepted_periods_written_as_text(admin, value, expected):
    preview = read_partner_file(our_csv(f'X1;Site;musee;Céret;;;;;;"{value}";;'))
    assert preview.ok, errors_of(preview)
    cleaned = preview.rows[0].cleaned
    periods = [(s.strftime("%m-%d"), e.strftime("%m-%d"), r) for s, e, r in cleaned["periods"]]
    assert (cleaned["accepts_all_year"], periods) == expected


@pytest.mark.parametrize("value, minutes", [("90", 90), ("90 min", 90), ("1h30", 90), ("2 h", 120)])
def test_visit_length_in_minutes_or_hours(admin, value, minutes):
    preview = read_partner_file(our_csv(f"X1;Site;musee;Céret;;;;;;;;{value}"))
    assert preview.rows[0].cleaned["visit_minutes"] == minutes


def test_windows_1252_with_commas_and_header_aliases(admin):
    data = our_csv("Musée Maillol,Banyuls-sur-Mer,Musée,04 68 88 57 11", header="Nom,Ville,Catégorie,Tél",
                   encoding="cp1252")
    preview = read_partner_file(data)
    assert preview.ok and (preview.encoding, preview.delimiter) == ("Windows-1252", ",")
    assert preview.rows[0].cleaned["commune"] == "Banyuls-sur-Mer"


# --- Re-imports -----------------------------------------------------------------------------------

def test_reimport_updates_by_source_id_and_never_touches_the_scheme_fields(admin):
    import_partners(admin, JSONLD)
    db.session.commit()
    museum = Partner.query.filter_by(source_id=MUSEUM_ID).one()
    # Meanwhile the network sets the scheme's rules for the site.
    museum.booking, museum.accepts_all_year = Booking.required, False
    museum.manager_name, museum.visit_minutes = "Núria Puig", 120
    museum.periods = [PartnerPeriod(starts_on=date(2026, 6, 1), ends_on=date(2026, 9, 30), recurring=True)]
    db.session.commit()
    document = graph()
    document["@graph"][0]["rdfs:label"] = {"fr": ["Musée d'Art moderne de Céret (MAM)"]}
    document["@graph"][0]["hasContact"][0]["schema:telephone"] = ["04 68 87 00 00"]
    document["@graph"][0]["hasContact"][0].pop("schema:email")  # an empty value erases nothing
    preview = check_partner_file(as_bytes(document))
    assert [row.status for row in preview.rows] == ["update"] + ["unchanged"] * 5
    assert preview.rows[0].partner.id == museum.id and set(preview.rows[0].changes) == {"name", "phone"}
    result = import_partners(admin, as_bytes(document))
    db.session.commit()
    assert [p.id for p in result.updated] == [museum.id] and result.unchanged == 5
    museum = db.session.get(Partner, museum.id)
    assert Partner.query.count() == 6
    assert (museum.name, museum.phone) == ("Musée d'Art moderne de Céret (MAM)", "04 68 87 00 00")
    assert museum.email == "accueil@musee-ceret.example.fr"
    assert (museum.booking, museum.accepts_all_year, museum.manager_name, museum.visit_minutes) == (
        Booking.required, False, "Núria Puig", 120)
    assert [(p.starts_on, p.ends_on, p.recurring) for p in museum.periods] == [
        (date(2026, 6, 1), date(2026, 9, 30), True)]
    event = AuditEvent.query.filter_by(action="partner.updated", target_id=museum.id).one()
    assert set(event.details) == {"name", "phone"}


def test_reimport_of_our_csv_keeps_the_scheme_fields_even_when_the_file_changes_them(admin):
    import_partners(admin, our_csv("S1;Site;musee;Céret;;;;;oui;01/06-30/09 annuel;Anna;90"))
    db.session.commit()
    preview = check_partner_file(our_csv("S1;Site;musee;Céret;;;04 68 00 00 00;;non;toute l'année;Joan;30"))
    assert preview.rows[0].status == "update" and preview.rows[0].changes == ["phone"]
    import_partners(admin, our_csv("S1;Site;musee;Céret;;;04 68 00 00 00;;non;toute l'année;Joan;30"))
    db.session.commit()
    site = Partner.query.one()
    assert site.phone == "04 68 00 00 00"
    assert (site.booking, site.accepts_all_year, site.manager_name, site.visit_minutes) == (
        Booking.required, False, "Anna", 90)
    assert len(site.periods) == 1


def test_our_csv_without_identifiant_creates_and_warns_of_a_likely_duplicate(admin, make):
    make.partner(name="Château Royal", commune="Céret")
    preview = check_partner_file(our_csv(";Château royal;musee;Céret;;;;;;;;",
                                         ";Château royal;musee;Thuir;;;;;;;;"))
    assert [row.status for row in preview.rows] == ["new", "new"]
    assert "existe déjà dans cette commune" in str(preview.rows[0].warnings[0])
    assert not preview.rows[1].warnings


# --- Bad input: a clear French message, nothing written ------------------------------------------

@pytest.mark.parametrize("row, field, message", [
    ("S1;Site;musee;Céret;142.5;2.7;;;;;;", "Latitude", "Latitude hors limites (entre -90 et 90)"),
    ("S1;Site;musee;Céret;42.5;-200;;;;;;", "Longitude", "hors limites"),
    ("S1;Site;musee;Céret;;;;htp:/exemple;;;;", "Site web", "Adresse web invalide"),
    ("S1;Site;musee;Céret;;;;javascript:alert(1);;;;", "Site web", "Adresse web invalide"),
    ("S1;Site;musee;Céret;;;appelez-nous;;;;;", "Téléphone", "Numéro de téléphone invalide"),
    ("S1;Site;musee;Céret;;;;;;30/09/2026-01/06/2026;;", "Périodes d'accueil",
     "Période 1 : la fin précède le début."),
    ("S1;Site;musee;Céret;;;;;;31/02-30/09;;", "Périodes d'accueil", "date impossible"),
    ("S1;Site;musee;Céret;;;;;;01/06/2026-30/09;;", "Périodes d'accueil", "l'année aux deux dates"),
    ("S1;Site;musee;Céret;;;;;;l'été;;", "Périodes d'accueil", "écrivez par exemple 01/06-30/09 annuel"),
    ("S1;Site;zoo;Céret;;;;;;;;", "Catégorie", "Catégorie inconnue (« zoo »)"),
    ("S1;Site;musee;Céret;;;;;peut-être;;;", "Réservation", "indiquez oui, non ou inconnu"),
    ("S1;;musee;Céret;;;;;;;;", "Nom", "Ce champ est obligatoire."),
    ("S1;Site;musee;Céret;;;;;;;;2 jours", "Durée de visite", "Durée attendue en minutes ou en heures"),
])
def test_a_bad_row_is_refused_with_its_field_and_nothing_is_written(admin, row, field, message):
    data = our_csv("S0;Bon site;musee;Céret;42.5;2.7;04 68 00 00 00;www.exemple.fr;oui;;;", row)
    before = counts()
    preview = check_partner_file(data)
    assert [r.status for r in preview.rows] == ["new", "error"]
    assert any(text.startswith(f"{field} : ") and message in text for text in errors_of(preview)), \
        errors_of(preview)
    with pytest.raises(PartnerImportRejected):
        import_partners(admin, data)
    db.session.rollback()
    assert counts() == before


@pytest.mark.parametrize("change, message", [
    (lambda o: o["isLocatedAt"][0]["schema:geo"].update({"schema:latitude": "242.5"}),
     "Latitude hors limites"),
    (lambda o: o["hasContact"][0].update({"foaf:homepage": ["www musee ceret"]}), "Adresse web invalide"),
    (lambda o: o["hasContact"][0].update({"schema:telephone": ["04 68 87 27 76 ou 06"]}),
     "Numéro de téléphone invalide"),
    (lambda o: o.pop("isLocatedAt"), "Commune : Ce champ est obligatoire."),
])
def test_a_bad_datatourisme_object_is_left_out_with_its_message_and_the_others_import(admin, change, message):
    document = graph()
    change(document["@graph"][3])
    preview = check_partner_file(as_bytes(document))
    assert [row.status for row in preview.rows].count("error") == 1 and preview.rows[3].errors
    assert any(message in text for text in errors_of(preview)), errors_of(preview)
    result = import_partners(admin, as_bytes(document))
    assert (len(result.created), result.errors) == (5, 1)
    assert preview.rows[3].raw["name"] not in {p.name for p in Partner.query}


def test_an_event_in_the_file_is_skipped_and_counted_not_an_error(admin):
    document = graph()
    document["@graph"][3]["@type"] = ["EntertainmentAndEvent", "PointOfInterest"]
    preview = check_partner_file(as_bytes(document))
    assert preview.ok and preview.skipped_count == 1 and not preview.error_rows
    assert preview.rows[3].skip == "event" and preview.rows[3].skip_label == "Événement"
    assert len(import_partners(admin, as_bytes(document)).created) == 5


def test_the_same_id_twice_in_a_file_is_an_error(admin):
    document = graph()
    document["@graph"].append(dict(document["@graph"][0]))
    preview = read_partner_file(as_bytes(document))
    assert "Même identifiant que plus haut (Objet 1)" in errors_of(preview)[0]


SCHEMA_ORG_EVENTS = [{"@context": "https://schema.org", "@type": "Event", "name": "Festival",
                      "startDate": "2026-07-14", "location": {"@type": "Place", "name": "Céret"}}]


@pytest.mark.parametrize("data, message", [
    (as_bytes(SCHEMA_ORG_EVENTS), "n'est pas un export DATAtourisme"),
    (b'{"nom": "Site", "commune": "C\xc3\xa9ret"}', "n'est pas un export DATAtourisme"),
    (b"[1, 2, 3]", "n'est pas un export DATAtourisme"),
    (b"[]", "n'est pas un export DATAtourisme"),
    (b'{"@graph": [{"@id": "https://data.datatourisme.fr/1/x"', "JSON est mal formé"),
    (b"[" * 100_000, "JSON est mal formé"),
    (b'{"@id": "https://data.datatourisme.fr/1/x", "rdfs:label": ' + b"[" * 600 + b'"a"' + b"]" * 600 + b"}",
     "JSON est mal formé"),
    (b"", "Le fichier est vide."),
    (b"  \r\n \r\n", "Le fichier est vide."),
    (jpeg_bytes(), "ni un CSV, ni un fichier JSON-LD"),
    (b"%PDF-1.7\n\x00\x01\x02", "ni un CSV, ni un fichier JSON-LD"),
    (b"PK\x03\x04\x14\x00\x06\x00", "zip est abîmé ou incomplet"),
    (zipped({"xl/workbook.xml": b"<workbook/>"}), "classeur Excel"),
    (zipped({"index.json": b"[]", "notes.txt": b"x"}), "ni objets JSON-LD"),
    (b'[{"label": {"fr": ["Site"]}, "file": "0/00/abc.json", "lastUpdateDatatourisme": "2025"}]',
     "index (index.json) d'un flux"),
    (b"titre;auteur\r\nx;y\r\n", "Colonnes non reconnues"),
    (b"nom;categorie\r\nSite;musee\r\n", "Colonne manquante : commune."),
    (b"nom;commune;ville\r\nSite;Ceret;Ceret\r\n", "La colonne « commune » apparaît plusieurs fois"),
    (b"nom;commune\r\n", "ne contient aucun site"),
    (b"id,label,type\r\n", "ne contient aucun site"),
])
def test_files_that_cannot_be_read_are_refused_clearly_and_nothing_is_written(admin, data, message):
    before = counts()
    preview = check_partner_file(data, "fichier")
    assert not preview.rows and message in str(preview.errors[0]), [str(e) for e in preview.errors]
    with pytest.raises(PartnerImportRejected):
        import_partners(admin, data, "fichier")
    assert counts() == before


def test_a_too_big_file_says_its_size_and_the_limit(admin, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_BYTES", 1024 * 1024)
    preview = read_partner_file(b"a" * (3 * 1024 * 1024), "gros.csv")
    assert "Le fichier fait 3,0 Mo : la limite est de 1 Mo" in str(preview.errors[0])


def test_a_json_file_mixing_datatourisme_and_other_objects_refuses_the_others(admin):
    document = graph()
    document["@graph"].insert(1, SCHEMA_ORG_EVENTS[0])
    preview = read_partner_file(as_bytes(document))
    assert preview.ok and len(preview.error_rows) == 1 and preview.rows[1].errors["row"]
    assert "n'est pas un point d'intérêt DATAtourisme" in str(preview.rows[1].errors["row"])


def test_too_many_rows(admin, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    preview = read_partner_file(our_csv(*[f"S{i};Site {i};musee;Céret;;;;;;;;" for i in range(4)]))
    assert "plus de 3 sites" in str(preview.errors[0])


# --- HTTP ----------------------------------------------------------------------------------------

@pytest.fixture
def network_admin(client, make):
    admin = make.network_admin()
    assert login(client, admin.email).status_code == 302
    return admin


def test_the_partner_list_links_to_the_import(client, network_admin):
    assert UPLOAD_URL in client.get("/admin/partners").get_data(as_text=True)


def test_upload_page_documents_both_formats_and_the_example_reads_cleanly(client, network_admin):
    html = client.get(UPLOAD_URL).get_data(as_text=True)
    for text in ("nom", "categorie", "site-naturel", "reseaux_sociaux", "periodes", "01/06-30/09 annuel",
                 "duree_visite", "identifiant", "DATAtourisme", "postalcode", EXAMPLE_URL):
        assert text in html
    response = client.get(EXAMPLE_URL)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert read_partner_file(response.data).ok


def test_preview_shows_every_site_with_what_will_happen_and_writes_nothing(client, network_admin, make):
    make.partner(name="Déjà là", source="datatourisme", source_id=MUSEUM_ID)
    before = counts()
    response = post_file(client, JSONLD, "export.jsonld")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in EXPECTED:
        assert name.replace("'", "&#39;") in html
    assert html.count('class="row-ok"') == 6
    assert "JSON-LD DATAtourisme" in html and "Mise à jour" in html and html.count("Nouveau site") == 5
    assert "site n° " in html and "Modifié : Nom" in html
    assert confirm_url_of(html)
    assert counts()[:2] == before[:2]


def test_preview_with_errors_shows_them_beside_the_rows_and_offers_no_confirm(client, network_admin):
    data = our_csv("S1;Bon;musee;Céret;;;;;;;;", "S2;Mauvais;musee;Céret;95;;;;;;;",
                   "S3;Pire;musee;Céret;;;;;;30/09/2026-01/06/2026;;")
    response = post_file(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="row-error"') == 2 and html.count('class="row-ok"') == 1
    assert "Latitude : Latitude hors limites (entre -90 et 90)." in html
    assert "Périodes d&#39;accueil : Période 1 : la fin précède le début." in html
    assert not re.search(r"jobs/\d+/confirm", html) and "tous les sites ou aucun" in html
    assert Partner.query.count() == 0


@pytest.mark.parametrize("data, message", [
    (b"", "Le fichier est vide."),
    (as_bytes(SCHEMA_ORG_EVENTS), "n&#39;est pas un export DATAtourisme"),
    (jpeg_bytes(), "ni un CSV, ni un fichier JSON-LD"),
])
def test_file_level_errors_are_shown_beside_the_file_field(client, network_admin, data, message):
    response = post_file(client, data, "fichier.json")
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert 'class="error" id="file-error"' in html and message in html
    assert 'name="file"' in html  # the form is there again


def test_a_script_tag_in_a_name_is_stored_as_text_and_shown_escaped(client, network_admin):
    data = our_csv("S1;<script>alert(1)</script>;musee;Céret;;;;;;;;")
    html = post_file(client, data).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    html = confirm(client, confirm_url_of(html)).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert Partner.query.one().name == "<script>alert(1)</script>"


def test_a_script_tag_quoted_by_an_error_message_is_escaped_too(client, network_admin):
    html = post_file(client, our_csv('S1;Site;"<img src=x onerror=alert(1)>";Céret;;;;;;;;')).get_data(
        as_text=True)
    assert "Catégorie inconnue (« &lt;img src=x onerror=alert(1)&gt; »)" in html
    assert "<img src=x" not in html


def test_confirm_imports_everything_and_a_second_upload_finds_it_up_to_date(client, network_admin):
    url = confirm_url_of(post_file(client, JSONLD, "export.jsonld").get_data(as_text=True))
    response = confirm(client, url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "6 sites créés, 0 sites mis à jour, 0 sites déjà à jour." in html
    assert {p.name for p in Partner.query} == set(EXPECTED)
    assert AuditEvent.query.filter_by(action="partner.created", actor_id=network_admin.id).count() == 6
    event = AuditEvent.query.filter_by(action="partner_import.completed").one()
    assert event.actor_id == network_admin.id and event.details["created"] == 6
    html = post_file(client, DT_CSV, "export.csv").get_data(as_text=True)
    assert html.count("Déjà à jour") >= 6 and "Rien à importer" in html and not re.search(r"jobs/\d+/confirm", html)


def test_confirming_twice_writes_once(client, network_admin):
    url = confirm_url_of(post_file(client, DT_CSV, "export.csv").get_data(as_text=True))
    confirm(client, url)
    html = confirm(client, url).get_data(as_text=True)
    assert "n&#39;attend plus de confirmation" in html
    assert Partner.query.count() == 6


def test_the_upload_page_lists_the_recent_imports_with_their_result(client, network_admin):
    confirm(client, confirm_url_of(post_file(client, DT_CSV, "export.csv").get_data(as_text=True)))
    html = client.get(UPLOAD_URL).get_data(as_text=True)
    assert "Derniers imports" in html and "export.csv" in html and "6 créés" in html


def test_a_file_over_the_limit_says_its_size_and_the_limit_and_keeps_the_form(client, network_admin, app):
    token = csrf_token(client, UPLOAD_URL)
    limit = import_files.MAX_BYTES
    try:
        import_files.MAX_BYTES = 1024 * 1024  # the route's limit is this plus 1 MB of form
        from passresot.partners import imports as imports_module
        imports_module.MAX_BYTES = import_files.MAX_BYTES
        big = b"x" * (3 * 1024 * 1024)
        response = client.post(UPLOAD_URL, data={"csrf_token": token, "file": (io.BytesIO(big), "gros.zip")},
                               content_type="multipart/form-data")
    finally:
        import_files.MAX_BYTES = imports_module.MAX_BYTES = limit
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Le fichier fait 3,0 Mo : la limite est de 1 Mo" in html and 'name="file"' in html


def test_the_deployed_nginx_lets_a_departments_flux_reach_the_import_form():
    """nginx's general 10 MB limit would answer a flux with its own bare 413, the form lost."""
    conf = (HERE.parents[1] / "deploy" / "nginx-passresot.conf").read_text()
    block = re.search(r"location = %s \{(.*?)\}" % re.escape(UPLOAD_URL), conf, re.S)
    assert block, "no nginx location for the partner import form"
    size = re.search(r"client_max_body_size (\d+)m;", block.group(1))
    assert size and int(size.group(1)) * 1024 * 1024 > import_files.MAX_BYTES + 1024 * 1024
    assert "proxy_pass http://passresot;" in block.group(1)


@pytest.mark.parametrize("role", ["agent", "office_admin", "partner_staff"])
def test_other_roles_get_403(client, make, role):
    user = {"agent": make.agent, "office_admin": make.office_admin,
            "partner_staff": make.partner_staff}[role]()
    login(client, user.email)
    assert client.get(UPLOAD_URL).status_code == 403
    assert client.get(EXAMPLE_URL).status_code == 403
    token = csrf_token(client, client.get("/").headers["Location"])  # the role's own home page
    response = client.post(UPLOAD_URL, data={"csrf_token": token, "file": (io.BytesIO(example_csv()), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert Partner.query.filter_by(source="csv").count() == 0


@pytest.mark.parametrize("url", [UPLOAD_URL, EXAMPLE_URL])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_anonymous_upload_is_sent_to_login(client, app_ctx):
    token = csrf_token(client, "/login")
    response = client.post(UPLOAD_URL, data={"csrf_token": token, "file": (io.BytesIO(example_csv()), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert Partner.query.count() == 0
