"""The network dashboard, its exports and the printable report over HTTP (figures from tests/stats/conftest.py)."""
import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.helpers import login
from .helpers import YEAR


@pytest.fixture
def admin_client(client, make, network):
    admin = make.network_admin()
    login(client, admin.email)
    return client


def _csv_rows(response):
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_dashboard_shows_the_figures_tables_and_charts(admin_client):
    html = admin_client.get(f"/admin/stats?year={YEAR}").get_data(as_text=True)
    assert re.search(r'data-figure="visits">5<', html)
    assert re.search(r'data-figure="participation">75 %<', html)
    assert re.search(r'data-figure="partners">3<', html)
    assert re.search(r'data-figure="reports">1 / 3<', html)
    assert "Abbaye Cinq" in html  # never visited in 2025
    assert 'data-chart="months"' in html and 'id="stats-data"' in html
    assert "/static/vendor/chart.js/chart.umd.min.js" in html
    assert 'href="/admin/scans/conflicts"' in html
    assert f"/admin/stats/months.csv?year={YEAR}" in html and f"/admin/stats/offices.xlsx?year={YEAR}" in html
    assert "<script>" not in html  # no inline script (strict CSP): the data travels as JSON


def test_menu_links_the_dashboard(admin_client):
    assert 'href="/admin/stats"' in admin_client.get("/admin/offices").get_data(as_text=True)


def test_months_export_csv_and_xlsx(admin_client):
    response = admin_client.get(f"/admin/stats/months.csv?year={YEAR}")
    assert response.headers["Content-Disposition"] == f'attachment; filename="passresot66-months-{YEAR}.csv"'
    rows = _csv_rows(response)
    assert rows[0] == ["Mois", str(YEAR), str(YEAR - 1)]
    assert rows[3] == ["mars", "2", "1"]
    assert len(rows) == 13
    sheet = _xlsx_rows(admin_client.get(f"/admin/stats/months.xlsx?year={YEAR}"))
    assert sheet[0] == ["Mois", str(YEAR), str(YEAR - 1)]
    assert sheet[7] == ["juillet", 2, 0]


def test_offices_and_staff_exports(admin_client):
    rows = _csv_rows(admin_client.get(f"/admin/stats/offices.csv?year={YEAR}"))
    assert rows[0][:4] == ["Office", "Agents", "Agents ayant visité", "Participation (%)"]
    assert rows[1] == ["Office Alpha", "2", "2", "100,00", "4", "1", "8,60"]
    assert rows[2][:5] == ["Office Beta", "2", "1", "50,00", "1"]
    sheet = _xlsx_rows(admin_client.get(f"/admin/stats/staff.xlsx?year={YEAR}"))
    assert sheet[1][:3] == ["Permanent", 3, 2] and sheet[2][:3] == ["Saisonnier", 1, 1]
    assert sheet[3][:5] == ["Tout le réseau", 4, 3, 75.0, 5]


def test_partner_exports_have_every_partner(admin_client):
    rows = _csv_rows(admin_client.get(f"/admin/stats/partners.csv?year={YEAR}"))
    assert rows[1:] == [["Château Un", "Collioure", "3"], ["Grotte Trois", "Prades", "1"], ["Musée Deux", "Céret", "1"]]
    sheet = _xlsx_rows(admin_client.get(f"/admin/stats/unvisited.xlsx?year={YEAR - 1}"))
    assert sheet[1:] == [["Abbaye Cinq", "Elne"], ["Grotte Trois", "Prades"]]


def test_scan_and_report_exports(admin_client):
    assert [row[1] for row in _csv_rows(admin_client.get(f"/admin/stats/scans.csv?year={YEAR}"))[1:]] == ["2", "1"]
    sheet = _xlsx_rows(admin_client.get(f"/admin/stats/reports.xlsx?year={YEAR}"))
    assert sheet[1:] == [["Nouveau", 2], ["En cours", 0], ["Résolu", 1]]


def test_printable_report(admin_client):
    html = admin_client.get(f"/admin/stats/report?year={YEAR}").get_data(as_text=True)
    assert f"bilan de l'année {YEAR}" in html
    assert "14 h" in html and "Château Un" in html and "data-print" in html


@pytest.mark.parametrize("url", ["/admin/stats?year=abc", "/admin/stats?year=1850", "/admin/stats/report?year=9999",
                                 "/admin/stats/months.csv?year=20x5"])
def test_a_bad_year_is_a_clear_message(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "Année invalide : choisissez une année entre 2020 et" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/stats/visits.csv", "/admin/stats/months.pdf", "/admin/stats/months.CSV"])
def test_unknown_exports_are_404(admin_client, url):
    assert admin_client.get(url).status_code == 404


def test_english_headers(admin_client):
    admin_client.post("/language/en", data={"csrf_token": _token(admin_client)})
    html = admin_client.get(f"/admin/stats?year={YEAR}").get_data(as_text=True)
    assert "Network dashboard" in html


def _token(client):
    html = client.get("/admin/stats").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
