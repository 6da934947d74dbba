"""Partner-visit hours against the 14 h target: pass visits count the site's visit length (60 min
when unknown, "durée estimée"), other visits their own duration; the OT admin's office view."""
from datetime import date, datetime, timedelta

import pytest

from passresot.extensions import db
from passresot.hours.api import (DEFAULT_VISIT_MINUTES, agent_hours, office_participation,
                                 partners_not_visited, record_other_visit)
from passresot.hours.exceptions import InvalidOtherVisit
from passresot.hours.models import OtherVisit
from passresot.offices.overview import passes_ending_soon
from passresot.passes.api import issue_pass
from passresot.passes.models import PassStatus
from passresot.timeutil import paris_today, utcnow
from passresot.visits.models import Visit
from tests.helpers import csrf_token, login

YEAR = paris_today().year


def _visit(agent, partner, year=YEAR, when=None):
    visit = Visit(user_id=agent.id, partner_id=partner.id, year=year,
                  admitted_at=when or datetime(year, 2, 3, 10, 0))
    db.session.add(visit)
    db.session.commit()
    return visit


def test_hours_count_visit_lengths_the_default_and_other_visits(make):
    office = make.office()
    agent, admin = make.agent(office, contract_start=date(YEAR - 1, 1, 1)), make.office_admin(office)
    castle, cave, old = make.partner(visit_minutes=90), make.partner(), make.partner(visit_minutes=120)
    _visit(agent, castle)
    _visit(agent, cave)
    _visit(agent, old, year=YEAR - 1)  # last year's visit does not count
    record_other_visit(admin, agent, partner_id=old.id, visited_on=date(YEAR, 1, 15), minutes=240,
                       note="Éductour", today=date(YEAR, 12, 31))
    record_other_visit(admin, agent, partner_id=old.id, visited_on=date(YEAR - 1, 12, 31), minutes=300,
                       today=date(YEAR, 12, 31))
    hours = agent_hours(agent.id, YEAR)
    assert [(v.partner_id, minutes, estimated) for v, minutes, estimated in hours.visits] == \
        [(castle.id, 90, False), (cave.id, DEFAULT_VISIT_MINUTES, True)]
    assert (hours.pass_minutes, hours.other_minutes, hours.total_minutes) == (150, 240, 390)
    assert hours.target_minutes == 14 * 60 and hours.percent == round(100 * 390 / 840)
    assert hours.has_estimate


def test_partners_not_visited_leave_out_this_years_visits_and_inactive_sites(make):
    agent = make.agent()
    seen, unseen, closed = make.partner(name="A vu"), make.partner(name="B pas vu"), make.partner(active=False)
    _visit(agent, seen)
    ids = [p.id for p in partners_not_visited(agent.id, YEAR)]
    assert unseen.id in ids and seen.id not in ids and closed.id not in ids


@pytest.mark.parametrize("fields,field", [
    ({"minutes": 0}, "minutes"), ({"minutes": 2000}, "minutes"), ({"partner_id": 999_999}, "partner_id"),
    ({"visited_on": date.today() + timedelta(days=2)}, "visited_on"), ({"note": "x" * 201}, "note"),
])
def test_other_visits_are_checked(make, fields, field):
    office = make.office()
    partner = make.partner()
    values = {"partner_id": partner.id, "visited_on": date.today(), "minutes": 60, **fields}
    with pytest.raises(InvalidOtherVisit) as refused:
        record_other_visit(make.office_admin(office), make.agent(office), **values)
    assert field in refused.value.fields


def test_an_admin_records_other_visits_only_for_their_office(make):
    agent = make.agent()
    with pytest.raises(InvalidOtherVisit):
        record_other_visit(make.office_admin(), agent, partner_id=make.partner().id,
                           visited_on=date.today(), minutes=60)


def test_office_participation_counts_per_agent(make):
    office, elsewhere = make.office(), make.office()
    keen, idle = make.agent(office, last_name="Aa"), make.agent(office, last_name="Bb")
    stranger = make.agent(elsewhere)
    site = make.partner(visit_minutes=45)
    _visit(keen, site)
    _visit(stranger, site)
    record_other_visit(make.office_admin(office), idle, partner_id=site.id, visited_on=date.today(), minutes=30)
    rows = office_participation(office.id, YEAR)
    assert [(r["agent"].id, r["visits"], r["pass_minutes"], r["other_minutes"], r["total_minutes"]) for r in rows] == \
        [(keen.id, 1, 45, 0, 45), (idle.id, 0, 0, 30, 30)]


def test_passes_ending_soon_are_this_offices_open_ones(make):
    office, elsewhere = make.office(), make.office()
    seasonal = make.agent(office, seasonal=True, contract_end=date.today() + timedelta(days=20))
    permanent = make.agent(office)
    later = make.agent(office, seasonal=True, contract_end=date.today() + timedelta(days=80))
    foreign = make.agent(elsewhere, seasonal=True, contract_end=date.today() + timedelta(days=10))
    ending = issue_pass(None, seasonal)
    lapsed = issue_pass(None, permanent)
    lapsed.valid_from, lapsed.valid_until = utcnow() - timedelta(days=400), utcnow() - timedelta(days=2)
    issue_pass(None, later)
    issue_pass(None, foreign)
    db.session.commit()
    assert [p.id for p in passes_ending_soon(office.id)] == [lapsed.id, ending.id]


def test_the_office_view_and_the_return_action(client, make):
    office = make.office()
    admin = make.office_admin(office)
    agent = make.agent(office, seasonal=True, contract_end=date.today() + timedelta(days=5), first_name="Núria")
    pass_ = issue_pass(None, agent)
    _visit(agent, make.partner(visit_minutes=120))
    db.session.commit()
    login(client, admin.email)
    page = client.get("/office/overview").get_data(as_text=True)
    assert "Núria" in page and pass_.display_number in page and "100 %" in page and "2\u00a0h" in page
    token = csrf_token(client, "/office/overview")
    response = client.post(f"/office/passes/{pass_.id}/return", data={"csrf_token": token, "next": "overview"})
    assert response.status_code == 302 and response.location.endswith("/office/overview")
    db.session.refresh(pass_)
    assert pass_.status is PassStatus.returned
    after = client.get("/office/overview").get_data(as_text=True)
    assert "marqué comme rendu" in after and f'data-pass="{pass_.id}"' not in after


def test_the_admin_adds_and_deletes_an_other_visit_and_the_agent_sees_hours(app, make):
    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office)
    partner = make.partner(name="Abbaye de Saint-Martin-du-Canigou")
    admin_client, agent_client = app.test_client(), app.test_client()
    login(admin_client, admin.email)
    url = f"/office/agents/{agent.id}/visits"
    token = csrf_token(admin_client, url)
    bad = admin_client.post(url, data={"csrf_token": token, "partner_id": partner.id, "visited_on": "demain",
                                       "minutes": "90"})
    assert bad.status_code == 400 and "Date invalide." in bad.get_data(as_text=True)
    assert 'value="demain"' in bad.get_data(as_text=True)  # what was typed stays beside its message
    added = admin_client.post(url, data={"csrf_token": token, "partner_id": partner.id,
                                         "visited_on": date.today().isoformat(), "minutes": "2h30",
                                         "note": "Éductour"})  # a length as in the partner form and CSV
    assert added.status_code == 302
    login(agent_client, agent.email)
    page = agent_client.get("/visits").get_data(as_text=True)
    assert "Abbaye de Saint-Martin-du-Canigou" in page and "2\u00a0h\u00a030" in page and "Éductour" in page
    api = agent_client.get("/api/v1/me/hours").get_json()
    assert (api["other_minutes"], api["total_minutes"], api["target_minutes"]) == (150, 150, 840)
    assert api["other_visits"][0]["note"] == "Éductour"
    other = OtherVisit.query.one()
    deleted = admin_client.post(f"/office/other-visits/{other.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302 and OtherVisit.query.count() == 0


def test_the_agents_visits_page_shows_estimates_and_sites_to_visit(client, make):
    agent = make.agent()
    seen = make.partner(name="Site vu")
    make.partner(name="Site à voir", latitude=42.5, longitude=2.9)
    _visit(agent, seen)
    login(client, agent.email)
    page = client.get("/visits").get_data(as_text=True)
    assert "durée estimée" in page and "1\u00a0h" in page
    todo = page[page.index("data-todo-list"):]
    assert "Site à voir" in todo and "Site vu" not in todo and 'data-lat="42.5"' in todo
    api = client.get("/api/v1/me/hours").get_json()
    assert api["visits"][0]["estimated"] is True and api["pass_minutes"] == 60


# Issue 14, part 7: no back-dating before the agent's start, nothing in the future, 24 h a day at most.

def test_an_other_visit_cannot_precede_the_agents_contract_or_account(make):
    office = make.office()
    admin, partner = make.office_admin(office), make.partner()
    hired = make.agent(office, contract_start=date(YEAR - 1, 6, 1))
    with pytest.raises(InvalidOtherVisit) as refused:
        record_other_visit(admin, hired, partner_id=partner.id, visited_on=date(1901, 1, 1), minutes=60)
    assert "arrivée de l'agent (1er juin %d)" % (YEAR - 1) in str(refused.value.fields["visited_on"])
    with pytest.raises(InvalidOtherVisit):
        record_other_visit(admin, hired, partner_id=partner.id, visited_on=date(YEAR - 1, 5, 31), minutes=60)
    record_other_visit(admin, hired, partner_id=partner.id, visited_on=date(YEAR - 1, 6, 1), minutes=60)
    no_contract = make.agent(office, contract_start=None)
    with pytest.raises(InvalidOtherVisit) as refused:
        record_other_visit(admin, no_contract, partner_id=partner.id,
                           visited_on=no_contract.created_at.date() - timedelta(days=1), minutes=60)
    assert "visited_on" in refused.value.fields


def test_other_visits_add_up_to_24_hours_a_day_at_most(make):
    office = make.office()
    admin, agent, partner = make.office_admin(office), make.agent(office), make.partner()
    day = paris_today() - timedelta(days=3)
    record_other_visit(admin, agent, partner_id=partner.id, visited_on=day, minutes=1440)
    with pytest.raises(InvalidOtherVisit) as refused:
        record_other_visit(admin, agent, partner_id=partner.id, visited_on=day, minutes=1440)
    assert "24 h par jour au plus" in str(refused.value.fields["minutes"])
    assert "24 h 00" in str(refused.value.fields["minutes"])
    other_day = day - timedelta(days=1)
    record_other_visit(admin, agent, partner_id=partner.id, visited_on=other_day, minutes=1000)
    with pytest.raises(InvalidOtherVisit):
        record_other_visit(admin, agent, partner_id=partner.id, visited_on=other_day, minutes=441)
    record_other_visit(admin, agent, partner_id=partner.id, visited_on=other_day, minutes=440)
    assert OtherVisit.query.filter_by(user_id=agent.id).count() == 3
