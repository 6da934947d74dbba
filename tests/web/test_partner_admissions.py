"""/site/admissions: partner staff see and export their own site's admissions, never another site's."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from passresot.extensions import db
from passresot.timeutil import paris_today, utcnow
from passresot.visits.models import Visit
from tests.helpers import login
from tests.visits import admissions_data

URL = "/site/admissions"


@pytest.fixture
def data(make):
    return admissions_data.build(make)


def _csv_rows(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx_rows(response):
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_page_shows_the_sites_figures_and_list_for_a_year(client, data):
    login(client, data.staff_a.email)
    response = client.get(URL + "?year=2026")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Du 1er janvier 2026 au 31 décembre 2026" in html
    assert '<strong data-total>5</strong>' in html
    assert '<strong data-offline>2</strong>' in html
    assert '<strong data-conflicts>2</strong>' in html
    assert '<strong data-overrides>1</strong>' in html
    assert '<strong data-undone>1</strong>' in html
    for text in ("Juin 2026", "Mar. 30 juin 2026", "Mer. 1er juil. 2026", "Dim. 29 mars 2026",
                 "Amélie R.", "Elna M.", "Office de Tourisme de Céret", "1er juil. 2026 à 00:30", "Annulée",
                 "Non comptée", "Acceptée quand même", "Conflit", "Hors connexion"):
        assert text in html, text
    assert "Roca" not in html  # first name and initial only
    assert "Zéphyrin" not in html and "Prades" not in html and "Grotte secrète" not in html


def test_the_site_comes_from_the_account_not_the_request(client, data):
    login(client, data.staff_a.email)
    html = client.get(f"{URL}?year=2026&partner_id={data.site_b.id}&partner={data.site_b.id}").get_data(as_text=True)
    assert "Zéphyrin" not in html and '<strong data-total>5</strong>' in html
    rows = _csv_rows(client.get(f"{URL}/list.csv?year=2026&partner_id={data.site_b.id}"))
    assert all("Zéphyrin" not in cell for row in rows for cell in row)


def test_the_other_sites_staff_see_only_their_own(client, data):
    login(client, data.staff_b.email)
    html = client.get(URL + "?year=2026").get_data(as_text=True)
    assert '<strong data-total>2</strong>' in html
    assert "Zéphyrin Q." in html and "Office de Tourisme de Prades" in html
    for text in ("Bernat", "Carla", "Dídac", "Elna", "Fèlix", "Château royal"):
        assert text not in html, text
    rows = _csv_rows(client.get(URL + "/list.csv?year=2026"))
    assert sorted(row[2] for row in rows[1:]) == ["Amélie R.", "Zéphyrin Q.", "Zéphyrin Q."]


def test_list_export_csv_in_paris_time_with_every_flag(client, data):
    login(client, data.staff_a.email)
    response = client.get(URL + "/list.csv?start=2026-01-01&end=2026-12-31")
    assert 'filename="entrees-list-2026-01-01-2026-12-31.csv"' in response.headers["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0] == ["Date", "Heure", "Titulaire", "Office", "Hors connexion", "Conflit",
                       "Acceptée quand même", "Annulée", "Comptée"]
    assert rows[1:] == [
        ["01/01/2026", "00:30", "Amélie R.", "Office de Tourisme de Céret", "non", "non", "non", "non", "oui"],
        ["29/03/2026", "00:30", "Bernat S.", "Office de Tourisme de Céret", "non", "non", "non", "non", "oui"],
        ["10/05/2026", "10:00", "Fèlix B.", "Office de Tourisme de Céret", "non", "non", "non", "oui", "non"],
        ["30/06/2026", "12:00", "Carla T.", "Office de Tourisme de Céret", "oui", "non", "non", "non", "oui"],
        ["30/06/2026", "23:30", "Dídac V.", "Office de Tourisme de Céret", "oui", "oui", "non", "non", "oui"],
        ["01/07/2026", "00:30", "Elna M.", "Office de Tourisme de Céret", "non", "non", "oui", "non", "oui"],
        ["02/07/2026", "11:00", "Carla T.", "Office de Tourisme de Céret", "oui", "oui", "non", "non", "non"],
    ]


def test_day_and_month_exports_in_csv_and_xlsx(client, data):
    login(client, data.staff_a.email)
    days = _csv_rows(client.get(URL + "/days.csv?year=2026"))
    assert days == [["Jour", "Entrées"], ["01/01/2026", "1"], ["29/03/2026", "1"], ["30/06/2026", "2"],
                    ["01/07/2026", "1"]]
    months = _xlsx_rows(client.get(URL + "/months.xlsx?year=2026"))
    assert months[0] == ["Mois", "Entrées"]
    assert len(months) == 13 and months[6] == ["juin 2026", 2] and months[7] == ["juillet 2026", 1]
    assert sum(row[1] for row in months[1:]) == 5
    day_sheet = _xlsx_rows(client.get(URL + "/days.xlsx?year=2026"))
    assert [row[1] for row in day_sheet[1:]] == [1, 1, 2, 1]
    assert day_sheet[3][0].date().isoformat() == "2026-06-30"
    listing = _xlsx_rows(client.get(URL + "/list.xlsx?year=2025"))
    assert listing[1][2:4] == ["Fèlix B.", "Office de Tourisme de Céret"] and len(listing) == 2


def test_unknown_table_or_format_is_a_404(client, data):
    login(client, data.staff_a.email)
    assert client.get(URL + "/visits.csv").status_code == 404
    assert client.get(URL + "/list.pdf").status_code == 404


def test_the_default_period_is_this_paris_year(client, data):
    login(client, data.staff_a.email)
    year = paris_today().year
    html = client.get(URL).get_data(as_text=True)
    assert f"Du 1er janvier {year} au 31 décembre {year}" in html
    assert f'value="{year}"' in html


@pytest.mark.parametrize("query,field,message", [
    ("year=deux-mille", "year", "Année invalide (« deux-mille »)"),
    ("year=1850", "year", "indiquez une année entre 2000 et 2100"),
    ("start=2026-02-30&end=2026-03-31", "start", "Date invalide (« 2026-02-30 ») : format attendu JJ/MM/AAAA."),
    ("start=2026-04-01&end=2026-03-01", "end", "La date de fin est avant la date de début."),
    ("start=2026-04-01", "end", "Indiquez aussi cette date"),
    ("start=2020-01-01&end=2026-01-01", "end", "La période dépasse deux ans"),
])
def test_a_bad_period_is_a_message_beside_its_field(client, data, query, field, message):
    login(client, data.staff_a.email)
    for path in (URL, URL + "/list.csv", URL + "/days.xlsx"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert f'id="period-{field}-error"' in html
        assert message in html.replace("&#39;", "'")
        assert "data-total" not in html


def test_a_bad_value_is_shown_back_escaped(client, data):
    login(client, data.staff_a.email)
    response = client.get(URL + '?start="><script>alert(1)</script>&end=2026-01-01')
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("who", ["network_admin", "office_admin", "agent", None])
def test_other_roles_and_anonymous_are_refused(client, make, data, who):
    if who is not None:
        user = {"network_admin": make.network_admin, "office_admin": lambda: make.office_admin(data.office),
                "agent": lambda: make.agent(data.office, photo=False)}[who]()
        login(client, user.email)
    for path in (URL, URL + "/list.csv", URL + "/months.xlsx"):
        response = client.get(path + "?year=2026")
        if who is None:
            assert response.status_code == 302 and "/login" in response.location
        else:
            assert response.status_code == 403
        body = response.get_data().decode("utf-8", "replace")
        assert "Zéphyrin" not in body and "Amélie" not in body


def test_home_page_shows_this_years_admissions(client, make):
    site = make.partner(name="Musée Terrus")
    staff = make.partner_staff(site)
    office = make.office()
    now = utcnow()
    for _ in range(3):
        holder = make.agent(office, photo=False)
        db.session.add(Visit(user_id=holder.id, partner_id=site.id, year=paris_today().year, admitted_at=now))
    holder = make.agent(office, photo=False)
    db.session.add(Visit(user_id=holder.id, partner_id=site.id, year=paris_today().year - 1,
                         admitted_at=now - timedelta(days=366)))
    db.session.add(Visit(user_id=holder.id, partner_id=make.partner().id, year=paris_today().year, admitted_at=now))
    db.session.commit()
    login(client, staff.email)
    html = client.get("/site").get_data(as_text=True)
    assert "<strong>3</strong> entrées cette année" in html
    assert 'href="/site/admissions"' in html


def test_todays_admissions_come_first_whatever_the_period(client, make):
    site = make.partner(name="Musée Terrus")
    staff = make.partner_staff(site)
    office = make.office()
    now = utcnow()
    for first in ("Anna", "Bruno"):
        holder = make.agent(office, photo=False, first_name=first)
        db.session.add(Visit(user_id=holder.id, partner_id=site.id, year=paris_today().year, admitted_at=now))
    db.session.commit()
    login(client, staff.email)
    html = client.get(URL + "?year=2021").get_data(as_text=True)
    today = html.index("data-today-first")
    assert today < html.index("period-card")  # above the year and period filters
    card = html[today:html.index("period-card")]
    assert 'data-today-count="2"' in card and "Anna" in card and "Bruno" in card


# --- the site's yearly sheet: admissions per office and month --------------------------------------

def test_the_yearly_sheet_counts_each_offices_agents_month_by_month(client, data):
    # One more office at site A: Prades's agent in August, and site B's visits never count here.
    db.session.add(Visit(user_id=data.stranger.id, partner_id=data.site_a.id, year=2026,
                         admitted_at=admissions_data.JULY_2 + timedelta(days=40)))
    db.session.commit()
    login(client, data.staff_a.email)
    rows = _csv_rows(client.get(URL + "/offices.csv?year=2026"))
    assert rows[0][0] == "Office" and rows[0][-1] == "Total" and len(rows[0]) == 14
    assert rows[0][1:4] == ["janv. 2026", "févr. 2026", "mars 2026"]
    by_office = {row[0]: row[1:] for row in rows[1:]}
    # Céret: 1 January (00:30 in Paris on New Year's Day), 1 March, 2 June, 1 July (00:30 in Paris).
    assert by_office["Office de Tourisme de Céret"] == ["1", "0", "1", "0", "0", "2", "1", "0", "0", "0", "0", "0", "5"]
    assert by_office["Office de Tourisme de Prades"] == ["0"] * 7 + ["1", "0", "0", "0", "0", "1"]
    assert by_office["Total"] == ["1", "0", "1", "0", "0", "2", "1", "1", "0", "0", "0", "0", "6"]
    assert [row[0] for row in rows[1:]] == ["Office de Tourisme de Céret", "Office de Tourisme de Prades", "Total"]

    page = client.get(URL + "?year=2026").get_data(as_text=True)
    assert 'data-table="offices"' in page and "Par office et par mois" in page
    xlsx = _xlsx_rows(client.get(URL + "/offices.xlsx?year=2026"))
    assert xlsx[1][0] == "Office de Tourisme de Céret" and xlsx[1][-1] == 5 and xlsx[-1][-1] == 6


def test_the_yearly_sheet_of_a_year_without_entries_says_so(client, data):
    login(client, data.staff_a.email)
    page = client.get(URL + "?year=2024").get_data(as_text=True)
    assert "Aucune entrée sur cette période." in page
    rows = _csv_rows(client.get(URL + "/offices.csv?year=2024"))
    assert rows[1:] == [["Total"] + ["0"] * 13]


def test_an_office_name_cannot_become_a_spreadsheet_formula(client, data):
    data.office.name = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    login(client, data.staff_a.email)
    rows = _csv_rows(client.get(URL + "/offices.csv?year=2026"))
    assert rows[1][0].startswith("'=")


def test_the_network_admin_downloads_any_sites_sheet(client, make, data):
    admin = make.network_admin()
    login(client, admin.email)
    rows = _csv_rows(client.get(f"/admin/partners/{data.site_b.id}/sheet.csv?year=2026"))
    assert {row[0]: row[-1] for row in rows[1:]} == {"Office de Tourisme de Céret": "1",
                                                     "Office de Tourisme de Prades": "1", "Total": "2"}
    assert _xlsx_rows(client.get(f"/admin/partners/{data.site_b.id}/sheet.xlsx?year=2026"))[-1][-1] == 2
    page = client.get(f"/admin/partners/{data.site_b.id}").get_data(as_text=True)
    assert f"/admin/partners/{data.site_b.id}/sheet.xlsx?year=" in page
    assert client.get(f"/admin/partners/{data.site_b.id}/sheet.pdf?year=2026").status_code == 404
    assert client.get("/admin/partners/999999/sheet.csv?year=2026").status_code == 404
    bad = client.get(f"/admin/partners/{data.site_b.id}/sheet.csv?year=1850")
    assert bad.status_code == 400 and "Année invalide" in bad.get_data(as_text=True)
