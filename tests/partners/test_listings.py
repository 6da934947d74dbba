"""Partner listings: validation, who edits what, periods, change log, escaping."""
from datetime import date

import pytest

from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.partners.api import accepts_on, create_partner, missing_information, update_partner
from passresot.partners.exceptions import InvalidListing
from passresot.partners.listing import clean_listing, clean_periods
from passresot.partners.models import Booking, Partner, PartnerPeriod
from tests.helpers import csrf_token, login


# --- domain ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("field,value,message", [
    ("latitude", "91", "hors limites"),
    ("longitude", "-181", "hors limites"),
    ("latitude", "quarante", "Nombre attendu"),
    ("website", "javascript:alert(1)", "Adresse web invalide"),
    ("website", "http://localhost", "Adresse web invalide"),
    ("phone", "appelez-nous", "téléphone invalide"),
    ("email", "pas-une-adresse", "e-mail invalide"),
    ("insee_code", "6613", "Code INSEE invalide"),
    ("visit_minutes", "3", "Entre 5 et 1440"),
    ("category", "zoo", "Catégorie inconnue"),
    ("name", "   ", "obligatoire"),
])
def test_bad_fields_are_refused_with_a_french_message(app_ctx, field, value, message):
    with pytest.raises(InvalidListing) as refused:
        clean_listing({field: value})
    assert message in str(refused.value.fields[field])


@pytest.mark.parametrize("typed,minutes", [("90", 90), ("90 min", 90), ("1h30", 90), ("1 h 30", 90),
                                           ("2 h", 120), ("2H", 120), ("45mn", 45)])
def test_a_visit_length_is_read_as_the_csv_reads_it(app_ctx, typed, minutes):
    assert clean_listing({"visit_minutes": typed})["visit_minutes"] == minutes


def test_the_admin_form_takes_1h30_as_a_visit_length(client, make):
    login(client, make.network_admin().email)
    response = client.post("/admin/partners/new", data=_form(csrf_token=csrf_token(client, "/admin/partners/new"),
                                                             visit_minutes="1h30"))
    assert response.status_code == 302
    assert Partner.query.filter_by(name="Musée Terrus").one().visit_minutes == 90


def test_good_fields_are_cleaned(app_ctx):
    cleaned = clean_listing({"website": "www.exemple.fr", "socials": "facebook.com/a, instagram.com/b",
                             "latitude": "42,69861", "insee_code": "2a004", "booking": "",
                             "accepts_all_year": "oui", "email": "Accueil@Exemple.FR"})
    assert cleaned == {"website": "https://www.exemple.fr",
                       "socials": ["https://facebook.com/a", "https://instagram.com/b"],
                       "latitude": 42.69861, "insee_code": "2A004", "booking": Booking.unknown,
                       "accepts_all_year": True, "email": "accueil@exemple.fr"}


def test_a_one_off_period_must_not_end_before_it_starts(app_ctx):
    with pytest.raises(InvalidListing) as refused:
        clean_periods([(date(2026, 9, 1), date(2026, 6, 1), False)])
    assert "la fin précède le début" in str(refused.value.fields["periods"])
    # A recurring one may span New Year (only month and day count).
    assert clean_periods([(date(2026, 12, 15), date(2026, 3, 31), True)]) == [
        (date(2026, 12, 15), date(2026, 3, 31), True)]


def test_the_database_refuses_a_one_off_period_ending_before_it_starts(make):
    partner = make.partner()
    db.session.add(PartnerPeriod(partner_id=partner.id, starts_on=date(2026, 9, 1),
                                 ends_on=date(2026, 6, 1), recurring=False))
    with pytest.raises(Exception) as refused:
        db.session.commit()
    db.session.rollback()
    assert "period_ordered" in str(refused.value) or "CHECK" in str(refused.value).upper()


@pytest.mark.parametrize("periods,all_year,day,expected", [
    ([], True, date(2026, 2, 1), True),
    ([], False, date(2026, 2, 1), None),
    ([(date(2026, 6, 1), date(2026, 9, 30), True)], False, date(2031, 7, 14), True),
    ([(date(2026, 6, 1), date(2026, 9, 30), True)], False, date(2031, 10, 1), False),
    ([(date(2026, 12, 15), date(2027, 3, 31), True)], False, date(2030, 1, 10), True),
    ([(date(2026, 12, 15), date(2027, 3, 31), True)], False, date(2030, 12, 14), False),
    ([(date(2026, 6, 1), date(2026, 9, 30), False)], False, date(2027, 7, 1), False),
])
def test_accepts_on(make, periods, all_year, day, expected):
    partner = create_partner(None, name="Site", commune="Elne", category="museum",
                             accepts_all_year=all_year, periods=periods)
    assert accepts_on(partner, day) is expected


def test_missing_information_lists_what_r6_needs(make):
    partner = create_partner(None, name="Site", commune="Elne", category="museum")
    assert [str(item) for item in missing_information(partner)] == [
        "le téléphone", "les périodes d'accueil des pass", "la règle de réservation"]
    update_partner(None, partner, {"phone": "04 68 00 00 00", "accepts_all_year": True,
                                   "booking": "not_required"})
    assert missing_information(partner) == []


def test_updates_are_logged_with_who_and_what(make):
    admin = make.network_admin()
    partner = make.partner()
    before = partner.updated_at
    changes = update_partner(admin, partner, {"phone": "04 68 11 22 33",
                                              "periods": [(date(2026, 6, 1), date(2026, 9, 30), True)]})
    db.session.commit()
    assert set(changes) == {"phone", "periods"}
    event = AuditEvent.query.filter_by(target_type="partner", target_id=partner.id,
                                       action="partner.updated").one()
    assert event.actor_id == admin.id and set(event.details) == {"phone", "periods"}
    assert partner.updated_at >= before
    assert update_partner(admin, partner, {"phone": "04 68 11 22 33"}) == {}  # no change, no event


# --- HTTP: network admin -----------------------------------------------------------------------------

def _form(**overrides):
    data = {"name": "Musée Terrus", "category": "museum", "commune": "Elne", "insee_code": "66065",
            "latitude": "42.6", "longitude": "2.97", "phone": "04 68 00 00 00",
            "website": "https://www.terrus.fr", "socials": "", "manager_name": "Mme Terrus",
            "booking": "not_required", "description": "", "visit_minutes": "60", "opening_info": "",
            "periods-0-starts_on": "2026-06-01", "periods-0-ends_on": "2026-09-30",
            "periods-0-recurring": "y"}
    data.update(overrides)
    return data


def test_the_network_admin_creates_and_edits_a_whole_listing(client, make):
    admin = make.network_admin()
    login(client, admin.email)
    token = csrf_token(client, "/admin/partners/new")
    created = client.post("/admin/partners/new", data=_form(csrf_token=token))
    assert created.status_code == 302
    partner = Partner.query.filter_by(name="Musée Terrus").one()
    assert (partner.insee_code, partner.visit_minutes, partner.booking) == ("66065", 60, Booking.not_required)
    assert [(p.starts_on, p.ends_on, p.recurring) for p in partner.periods] == [
        (date(2026, 6, 1), date(2026, 9, 30), True)]

    refused = client.post(f"/admin/partners/{partner.id}", data=_form(
        csrf_token=token, latitude="95", **{"periods-0-recurring": "", "periods-0-ends_on": "2026-01-01"}))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "hors limites" in page
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).latitude == 42.6  # nothing half-saved


def test_a_name_with_a_script_tag_is_shown_as_text(client, make):
    admin = make.network_admin()
    partner = make.partner(name='<script>alert("x")</script>')
    login(client, admin.email)
    for url in ("/admin/partners", f"/admin/partners/{partner.id}"):
        html = client.get(url).get_data(as_text=True)
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;" in html


# --- HTTP: partner staff -----------------------------------------------------------------------------

def test_partner_staff_edit_only_the_practical_fields_of_their_own_site(client, make):
    site, other = make.partner(name="Mon site"), make.partner(name="Autre site")
    staff = make.partner_staff(site)
    login(client, staff.email)
    token = csrf_token(client, "/site/edit")
    response = client.post("/site/edit", data=_form(
        csrf_token=token, name="Renommé", category="winery", commune="Ailleurs", latitude="10",
        phone="04 68 99 99 99", manager_name="Nouveau responsable", booking="required",
        partner_id=str(other.id)))
    assert response.status_code == 302
    db.session.expire_all()
    mine, theirs = db.session.get(Partner, site.id), db.session.get(Partner, other.id)
    assert (mine.phone, mine.manager_name, mine.booking) == ("04 68 99 99 99", "Nouveau responsable",
                                                              Booking.required)
    assert (mine.name, mine.commune, mine.latitude) == ("Mon site", "Collioure", None)  # not theirs to change
    assert len(mine.periods) == 1
    assert theirs.phone == "" and theirs.periods == []
    event = AuditEvent.query.filter_by(target_id=site.id, action="partner.updated").one()
    assert event.actor_id == staff.id


def test_partner_staff_edit_their_opening_hours(client, make):
    site = make.partner(name="Mon site")
    login(client, make.partner_staff(site).email)
    assert "opening_info" in client.get("/site/edit").get_data(as_text=True)
    hours = "Du mardi au dimanche, 10 h – 18 h\nFermé en janvier"
    response = client.post("/site/edit", data=_form(csrf_token=csrf_token(client, "/site/edit"),
                                                    opening_info=hours))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partner, site.id).opening_info == hours
    assert "Fermé en janvier" in client.get("/site").get_data(as_text=True)
    event = AuditEvent.query.filter_by(target_id=site.id, action="partner.updated").one()
    assert event.details["opening_info"] == hours


def test_partner_staff_see_french_errors_beside_the_fields(client, make):
    staff = make.partner_staff()
    login(client, staff.email)
    token = csrf_token(client, "/site/edit")
    response = client.post("/site/edit", data={"csrf_token": token, "phone": "n'importe quoi",
                                               "website": "pas un site", "booking": "unknown"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Numéro de téléphone invalide" in page and "Adresse web invalide" in page


def test_partner_staff_cannot_open_the_network_admin_listing_editor(client, make):
    site = make.partner()
    login(client, make.partner_staff(site).email)
    assert client.get(f"/admin/partners/{site.id}").status_code == 403


def test_the_history_names_the_changed_fields_in_french(client, make):
    site = make.partner(name="Mon site")
    login(client, make.partner_staff(site).email)
    client.post("/site/edit", data=_form(csrf_token=csrf_token(client, "/site/edit"), phone="04 68 12 34 56",
                                         opening_info="Tous les jours"))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/site")})
    login(client, make.network_admin().email)
    html = client.get(f"/admin/partners/{site.id}").get_data(as_text=True)
    changed = html.split("data-changed>", 1)[1].split("</small>", 1)[0]
    assert "téléphone" in changed and "horaires" in changed
    assert ", phone" not in changed and "opening_info" not in changed and "manager_name" not in changed


def test_every_action_the_code_records_has_a_french_label():
    """The history never shows an internal action name (report.answered, device.enrolled…)."""
    import pathlib
    import re

    from passresot.audit.api import ACTION_LABELS

    source = "\n".join(p.read_text() for p in pathlib.Path("passresot").rglob("*.py"))
    recorded = set(re.findall(r'record_event\([^,]+, *"([a-z_]+\.[a-z_]+)"', source))
    recorded |= set(re.findall(r'"([a-z_]+\.[a-z_]+)" if [^\n]* else "[a-z_]+\.[a-z_]+"', source))
    recorded |= set(re.findall(r'if [^\n]* else "([a-z_]+\.[a-z_]+)"', source))
    recorded |= set(re.findall(r'MAILED = "([a-z_]+\.[a-z_]+)"', source))
    assert len(recorded) > 20
    assert sorted(recorded - set(ACTION_LABELS)) == []
