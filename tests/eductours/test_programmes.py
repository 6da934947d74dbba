"""Eductour programmes: planning rules (each bad input refused, nothing saved half-way), roll call,
scan attendance exactly once without using the yearly Visit, and the hours they count."""
from datetime import date, time, timedelta

import pytest

from passresot.eductours.api import (attended_stops, cancel_programme, mark_present, plan_programme,
                                     programme_attendance, programmes_for_agent, record_scan_attendance,
                                     unmark_present, update_programme)
from passresot.eductours.exceptions import InvalidProgramme, NotInvited, NotOrganiser, ProgrammeNotEditable
from passresot.eductours.models import Attendance, Invitation, Programme, Stop
from passresot.extensions import db
from passresot.hours.api import agent_hours, office_participation
from passresot.visits.models import Visit

TODAY = date(2026, 6, 10)
DAY = date(2026, 6, 20)


def _stops(*partners, start=9):
    return [{"partner_id": p.id, "starts_at": time(start + 2 * i, 0), "ends_at": time(start + 2 * i + 1, 30)}
            for i, p in enumerate(partners)]


@pytest.fixture
def world(make):
    office = make.office()
    admin = make.office_admin(office)
    agents = [make.agent(office) for _ in range(3)] + [make.agent()]  # one from another office
    sites = [make.partner() for _ in range(3)]
    return admin, agents, sites


def _plan(admin, agents, sites, **overrides):
    values = {"title": "Côte Vermeille", "day": DAY, "stops": _stops(*sites),
              "agent_ids": [a.id for a in agents], "guests": [{"name": "Anne Guide", "organisation": "ADT"}],
              "today": TODAY, **overrides}
    programme = plan_programme(admin, **values)
    db.session.commit()
    return programme


def test_an_ot_admin_plans_a_day_for_own_and_other_offices_agents_and_guests(world):
    admin, agents, sites = world
    programme = _plan(admin, agents, sites)
    assert [s.partner_id for s in programme.stops] == [s.id for s in sites]
    assert [o.id for o in programme.offices] == [admin.office_id]
    assert {i.user_id for i in programme.invitations if i.user_id} == {a.id for a in agents}
    assert [i.guest_name for i in programme.invitations if i.guest_name] == ["Anne Guide"]
    assert programmes_for_agent(agents[3].id, TODAY) == [programme]


@pytest.mark.parametrize("change,field", [
    (lambda s: {"stops": _stops(s[0], s[0])}, "stops"),  # a site twice
    (lambda s: {"stops": [{"partner_id": s[0].id, "starts_at": time(11), "ends_at": time(10)}]}, "stops"),
    (lambda s: {"stops": [{"partner_id": s[0].id, "starts_at": time(9), "ends_at": "25:00"}]}, "stops"),
    (lambda s: {"stops": [{"partner_id": s[0].id, "starts_at": time(9), "ends_at": time(11)},
                          {"partner_id": s[1].id, "starts_at": time(10), "ends_at": time(12)}]}, "stops"),
    (lambda s: {"day": TODAY - timedelta(days=1)}, "day"),
    (lambda s: {"title": "  "}, "title"),
    (lambda s: {"guests": [{"name": "", "organisation": "ADT"}]}, "guests"),
    (lambda s: {"guests": [{"name": "Anne", "email": "pas-une-adresse"}]}, "guests"),
])
def test_bad_input_is_refused_and_nothing_is_saved(world, change, field):
    admin, agents, sites = world
    with pytest.raises(InvalidProgramme) as refused:
        _plan(admin, agents, sites, **change(sites))
    assert field in refused.value.fields
    db.session.rollback()
    assert Programme.query.count() == 0 and Stop.query.count() == 0 and Invitation.query.count() == 0


def test_an_inactive_partner_is_refused(world, make):
    admin, agents, sites = world
    closed = make.partner(active=False, name="Fermé")
    with pytest.raises(InvalidProgramme) as refused:
        _plan(admin, agents, [sites[0], closed])
    assert "Fermé" in refused.value.fields["stops"]


def test_an_agent_cannot_be_in_two_overlapping_programmes_the_same_day(world):
    admin, agents, sites = world
    _plan(admin, agents[:2], sites[:1], stops=[{"partner_id": sites[0].id, "starts_at": time(9), "ends_at": time(12)}])
    with pytest.raises(InvalidProgramme) as refused:
        _plan(admin, agents[1:3], sites[1:2],
              stops=[{"partner_id": sites[1].id, "starts_at": time(11), "ends_at": time(13)}])
    assert agents[1].full_name in refused.value.fields["agents"]
    db.session.rollback()
    # the afternoon does not overlap: accepted
    _plan(admin, agents[1:3], sites[1:2], stops=[{"partner_id": sites[1].id, "starts_at": time(14), "ends_at": time(16)}])
    assert Programme.query.count() == 2


def test_edit_and_cancel_before_the_day_only(world, make):
    admin, agents, sites = world
    programme = _plan(admin, agents, sites)
    update_programme(admin, programme, title="Nouveau", day=DAY, stops=_stops(sites[2], sites[0]),
                     agent_ids=[agents[0].id], today=TODAY)
    db.session.commit()
    assert programme.title == "Nouveau" and [s.partner_id for s in programme.stops] == [sites[2].id, sites[0].id]
    assert programmes_for_agent(agents[1].id, TODAY) == []
    with pytest.raises(ProgrammeNotEditable):
        update_programme(make.office_admin(), programme, title="x", day=DAY, stops=_stops(sites[0]),
                         agent_ids=[agents[0].id], today=TODAY)
    with pytest.raises(ProgrammeNotEditable):
        cancel_programme(admin, programme, today=DAY)
    cancel_programme(admin, programme, today=TODAY)
    db.session.commit()
    assert programmes_for_agent(agents[0].id, TODAY) == []


def test_roll_call_is_idempotent_and_unticking_keeps_scans(world, make):
    admin, agents, sites = world
    programme = _plan(admin, agents, sites)
    first, second = programme.stops[0], programme.stops[1]
    with pytest.raises(InvalidProgramme):
        mark_present(admin, first, agents[0].id, today=TODAY)  # not the day yet
    mark_present(admin, first, agents[0].id, today=DAY)
    mark_present(admin, first, agents[0].id, today=DAY)
    assert Attendance.query.filter_by(stop_id=first.id, user_id=agents[0].id).count() == 1
    with pytest.raises(NotOrganiser):
        mark_present(make.office_admin(), first, agents[1].id, today=DAY)
    with pytest.raises(NotInvited):
        mark_present(admin, first, make.agent().id, today=DAY)
    record_scan_attendance(second, agents[0].id, "scan-1")
    with pytest.raises(InvalidProgramme):
        unmark_present(admin, second, agents[0].id, today=DAY)
    unmark_present(admin, first, agents[0].id, today=DAY)
    db.session.commit()
    assert [(a.source, a.partner_id) for a in programme_attendance(programme)[agents[0].id]] == \
        [("scan", sites[1].id)]


def test_a_scan_counts_once_and_uses_no_yearly_visit(world):
    admin, agents, sites = world
    programme = _plan(admin, agents, sites)
    stop = programme.stops[0]
    one = record_scan_attendance(stop, agents[0].id, "client-abc")
    again = record_scan_attendance(stop, agents[0].id, "client-abc")  # the outbox retried
    other_phone = record_scan_attendance(stop, agents[0].id, "client-def")  # a second phone scanned too
    db.session.commit()
    assert one.id == again.id == other_phone.id and Attendance.query.count() == 1
    assert Visit.query.count() == 0
    [attended] = attended_stops([agents[0].id], DAY, DAY)
    assert (attended.source, attended.scan_id, attended.minutes, attended.programme_title) == \
        ("scan", "client-abc", 90, "Côte Vermeille")


def test_attended_stops_count_in_hours_but_not_when_cancelled_or_out_of_range(world):
    admin, agents, sites = world
    programme = _plan(admin, agents, sites)
    for stop in programme.stops[:2]:
        mark_present(admin, stop, agents[0].id, today=DAY)
    db.session.commit()
    hours = agent_hours(agents[0].id, DAY.year)
    assert (hours.eductour_minutes, hours.total_minutes) == (180, 180)
    row = next(r for r in office_participation(admin.office_id, DAY.year) if r["agent"].id == agents[0].id)
    assert (row["eductour_minutes"], row["total_minutes"]) == (180, 180)
    assert attended_stops([agents[0].id], DAY + timedelta(days=1), DAY + timedelta(days=9)) == []
    programme.cancelled_at = programme.created_at
    db.session.commit()
    assert agent_hours(agents[0].id, DAY.year).eductour_minutes == 0


def test_scanner_stops_list_todays_stops_with_the_invited_passes(world):
    from passresot.eductours.attendance import scanner_stops
    from passresot.passes.api import issue_pass

    admin, agents, sites = world
    passes = [issue_pass(None, agent) for agent in agents[:2]]
    db.session.commit()
    programme = _plan(admin, agents[:2], sites[:2])
    [stop] = scanner_stops(sites[1].id, DAY)
    assert (stop["stop_id"], stop["title"], stop["starts_at"], stop["ends_at"]) == \
        (programme.stops[1].id, "Côte Vermeille", "11:00", "12:30")
    assert stop["pass_ids"] == sorted(p.id for p in passes)
    assert scanner_stops(sites[1].id, DAY + timedelta(days=1)) == []
    assert scanner_stops(sites[2].id, DAY) == []
