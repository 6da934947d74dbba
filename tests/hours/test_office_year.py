"""The OT admin's figures of a year (issue 16 part 5): hours per agent and every visit of their own
office as CSV and XLSX, and the printable yearly sheet; a seasonal agent whose account closed still
counts their visits of the year; another office's agents never appear."""
import csv
import html
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from passresot.accounts.models import AgentKind
from passresot.extensions import db
from passresot.hours.api import record_other_visit
from passresot.hours.office_year import hours_table, office_year, visits_table
from passresot.timeutil import paris_today
from passresot.visits.models import Visit
from tests.helpers import login

YEAR = paris_today().year - 1  # a whole past year: every day of it is a valid visit day


def _visit(agent, partner, year=YEAR, when=None):
    db.session.add(Visit(user_id=agent.id, partner_id=partner.id, year=year,
                         admitted_at=when or datetime(year, 7, 3, 8, 0)))
    db.session.commit()


@pytest.fixture
def world(make):
    office, other_office = make.office(), make.office()
    admin = make.office_admin(office)
    start = date(YEAR - 1, 1, 1)
    zoe = make.agent(office, first_name="Zoé", last_name="Abadie", contract_start=start)
    eric = make.agent(office, first_name="Éric", last_name="Céret", contract_start=start,
                      kind=AgentKind.seasonal, contract_end=date(YEAR, 9, 30), active=False)
    idle = make.agent(office, first_name="Paul", last_name="Collioure", contract_start=start)
    gone = make.agent(office, first_name="Ancien", last_name="Parti", contract_start=start, active=False)
    stranger = make.agent(other_office, first_name="Autre", last_name="Office", contract_start=start)
    castle = make.partner(name="=Château royal", commune="Collioure", visit_minutes=90)
    cave = make.partner(name="Cave Byrrh", commune="Thuir")  # no visit length: 1 h, estimated
    _visit(zoe, castle, when=datetime(YEAR, 12, 31, 23, 30))  # 1 January in Paris: next year's day
    _visit(zoe, cave)
    _visit(eric, castle)
    _visit(zoe, castle, year=YEAR - 1)  # another year
    _visit(stranger, castle)
    record_other_visit(admin, zoe, partner_id=cave.id, visited_on=date(YEAR, 3, 2), minutes=750,
                       note="Éductour", today=date(YEAR, 12, 31))
    db.session.commit()
    return admin, zoe, eric, idle, gone


def test_the_year_counts_active_agents_and_those_who_visited(world):
    admin, zoe, eric, idle, gone = world
    data = office_year(admin.office_id, YEAR)
    assert [row.agent.id for row in data.agents] == [zoe.id, eric.id, idle.id]  # Céret before Collioure
    assert [(row.visits, row.pass_minutes, row.other_minutes) for row in data.agents] == \
        [(2, 150, 750), (1, 90, 0), (0, 0, 0)]
    assert (data.participating, data.reached, data.visits, data.total_minutes) == (2, 1, 3, 990)
    assert [(p.name, visits, agents) for p, visits, agents in data.partners()] == \
        [("=Château royal", 2, 2), ("Cave Byrrh", 1, 1)]
    assert hours_table(data).rows[0] == ("Abadie", "Zoé", zoe.email, "Permanent", "ouvert", 2, 2.5, 12.5, 15.0,
                                         "atteint")
    assert hours_table(data).rows[1][4] == "fermé"
    days = [row[0] for row in visits_table(data).rows]
    assert days == [date(YEAR, 3, 2), date(YEAR, 7, 3), date(YEAR, 7, 3), date(YEAR + 1, 1, 1)]


def test_csv_and_xlsx_downloads_of_the_admins_own_office(client, world):
    admin, zoe, *_ = world
    login(client, admin.email)
    response = client.get(f"/office/overview/hours.csv?year={YEAR}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f'passresot66-office-hours-{YEAR}.csv' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nom", "Prénom", "E-mail"]
    assert rows[1] == ["Abadie", "Zoé", zoe.email, "Permanent", "ouvert", "2", "2,50", "12,50", "15,00", "atteint"]
    assert "Office" not in {row[0] for row in rows}  # the other office's agent

    book = load_workbook(io.BytesIO(client.get(f"/office/overview/visits.xlsx?year={YEAR}").data))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("Date", "Nom", "Prénom", "Partenaire")
    assert len(values) == 5
    eductour = values[1]
    assert eductour[0].date() == date(YEAR, 3, 2) and eductour[5] == "autre visite" and eductour[6] == 12.5
    assert values[3][1:4] == ("Céret", "Éric", "'=Château royal")  # a name that looks like a formula stays text


def test_the_printable_sheet(client, world):
    admin, zoe, eric, *_ = world
    login(client, admin.email)
    page = html.unescape(client.get(f"/office/overview/report?year={YEAR}").get_data(as_text=True))
    assert f"année {YEAR}" in page
    assert 'data-visits>3<' in page and 'data-reached>1<' in page
    assert ">Céret Éric <small class=\"muted\">(compte fermé)</small>" in page
    assert "Cave Byrrh" in page and "data-print" in page


def test_wrong_year_or_table_is_refused(client, world):
    login(client, world[0].email)
    assert client.get("/office/overview/hours.csv?year=1999").status_code == 400
    assert client.get("/office/overview/passwords.csv").status_code == 404
    assert client.get("/office/overview/hours.pdf").status_code == 404
