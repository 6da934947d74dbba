"""The 3-year training ledger: pro rata of working time and of contract days, the window's edges,
the accredited half, every source counted, the office's agents behind first."""
from datetime import date, datetime, time

import pytest

from passresot.accounts.models import AgentKind
from passresot.eductours.api import mark_present, plan_programme
from passresot.extensions import db
from passresot.hours.api import record_other_visit
from passresot.training.api import record_training, set_work_settings
from passresot.training.ledger import agent_ledger, office_ledger, window
from passresot.training.models import TrainingEntry
from passresot.visits.models import Visit

TODAY = date(2026, 6, 30)
LONG_AGO = date(2015, 1, 1)


def _train(agent, day, hours, accredited=True, actor=None):
    entry = record_training(actor or agent, agent, trained_on=day, minutes=hours * 60, title=f"Formation {day}",
                            organisation="CCI", accredited=accredited, today=TODAY)
    db.session.commit()
    return entry


def test_the_window_is_the_3_years_ending_today_and_29_february_falls_back():
    assert window(TODAY) == (date(2023, 7, 1), TODAY)
    assert window(date(2028, 2, 29)) == (date(2025, 3, 1), date(2028, 2, 29))


def test_a_full_time_front_desk_agent_needs_150_h_half_accredited(make):
    agent = make.agent(contract_start=LONG_AGO)
    ledger = agent_ledger(agent, TODAY)
    assert (ledger.target_minutes, ledger.accredited_target_minutes) == (150 * 60, 75 * 60)
    assert not ledger.on_track and ledger.missing_minutes == 150 * 60
    _train(agent, date(2024, 3, 1), 70, accredited=True)
    _train(agent, date(2025, 3, 1), 70, accredited=False)
    ledger = agent_ledger(agent, TODAY)
    assert (ledger.total_minutes, ledger.accredited_minutes) == (140 * 60, 70 * 60)
    # 10 h short in total, 5 h short of accredited: 10 h more, 5 of them accredited, put it right.
    assert ledger.missing_minutes == 10 * 60 and not ledger.on_track
    _train(agent, date(2026, 1, 10), 10, accredited=True)
    assert agent_ledger(agent, TODAY).on_track


def test_enough_hours_but_too_few_accredited_is_behind_by_the_accredited_shortfall(make):
    agent = make.agent(contract_start=LONG_AGO)
    _train(agent, date(2024, 3, 1), 40, accredited=True)
    _train(agent, date(2025, 3, 1), 70, accredited=False)
    _train(agent, date(2025, 4, 1), 70, accredited=False)
    ledger = agent_ledger(agent, TODAY)
    assert ledger.total_minutes == 180 * 60 > ledger.target_minutes
    assert ledger.missing_minutes == 35 * 60 and not ledger.on_track


def test_the_target_is_pro_rata_of_working_time_and_other_services_need_75_h_accredited(make):
    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office, contract_start=LONG_AGO)
    set_work_settings(admin, agent, working_percent=80, service="front_desk", administrative=False)
    assert agent_ledger(agent, TODAY).target_minutes == 120 * 60
    set_work_settings(admin, agent, working_percent=50, service="other", administrative=False)
    ledger = agent_ledger(agent, TODAY)
    assert ledger.target_minutes == ledger.accredited_target_minutes == round(75 * 60 / 2)
    _train(agent, date(2025, 1, 1), 30, accredited=False)
    assert agent_ledger(agent, TODAY).missing_minutes == round(75 * 60 / 2)  # not from accredited bodies


def test_a_seasonal_contract_counts_only_its_own_days(make):
    # Four months inside the window: 1 March – 30 June 2026 is 122 days of the 1,096.
    agent = make.agent(seasonal=True, kind=AgentKind.seasonal, contract_start=date(2026, 3, 1),
                       contract_end=date(2026, 6, 30))
    ledger = agent_ledger(agent, TODAY)
    assert (ledger.contract_days, ledger.window_days) == (122, 1096)
    assert ledger.target_minutes == round(150 * 60 * 122 / 1096)
    ended = make.agent(seasonal=True, kind=AgentKind.seasonal, contract_start=date(2025, 6, 1),
                       contract_end=date(2025, 8, 31))
    assert agent_ledger(ended, TODAY).contract_days == 92
    started_before = make.agent(contract_start=date(2020, 5, 1))
    assert agent_ledger(started_before, TODAY).contract_days == 1096


def test_the_windows_edges_first_day_in_day_before_out(make):
    agent = make.agent(contract_start=LONG_AGO)
    for day in (date(2023, 6, 30), date(2023, 7, 1), TODAY):
        db.session.add(TrainingEntry(user_id=agent.id, trained_on=day, minutes=60, title="x",
                                                   organisation="y", accredited=True, recorded_by_id=agent.id))
    db.session.commit()
    ledger = agent_ledger(agent, TODAY)
    assert sorted(line.day for line in ledger.lines) == [date(2023, 7, 1), TODAY]


def test_visits_and_other_visits_count_as_hours_counts_them(make):
    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office, contract_start=LONG_AGO)
    castle, cave = make.partner(visit_minutes=90), make.partner()
    db.session.add_all([
        Visit(user_id=agent.id, partner_id=castle.id, year=2025, admitted_at=datetime(2025, 5, 2, 9)),
        Visit(user_id=agent.id, partner_id=cave.id, year=2026, admitted_at=datetime(2026, 6, 29, 21, 30)),
        # 30 June 2023 at 22:30 UTC is 1 July in Paris: inside the window.
        Visit(user_id=agent.id, partner_id=cave.id, year=2023, admitted_at=datetime(2023, 6, 30, 22, 30)),
        Visit(user_id=agent.id, partner_id=castle.id, year=2023, admitted_at=datetime(2023, 6, 29, 12))])
    record_other_visit(admin, agent, partner_id=cave.id, visited_on=date(2024, 11, 5), minutes=240, today=TODAY)
    db.session.commit()
    ledger = agent_ledger(agent, TODAY)
    assert ledger.minutes_of("visit") == 90 + 60 + 60
    assert ledger.minutes_of("other_visit") == 240
    assert ledger.accredited_minutes == 0 and ledger.total_minutes == 450
    assert [line.estimated for line in ledger.lines if line.kind == "visit"] == [True, False, True]


def test_eductour_stops_attended_count_their_programme_hours(make):
    """The eductour source: each stop the agent attended (roll call or scan) counts its times; a stop
    missed, another agent's and a cancelled programme's count nothing."""
    office = make.office()
    admin = make.office_admin(office)
    agent, other = make.agent(office, contract_start=LONG_AGO), make.agent(office, contract_start=LONG_AGO)
    day = date(2025, 11, 4)
    sites = [make.partner(name="Château de Salses"), make.partner(name="Fort de Bellegarde")]
    programme = plan_programme(admin, title="Éductour de novembre", day=day, today=day, agent_ids=[agent.id, other.id],
                               stops=[{"partner_id": sites[0].id, "starts_at": time(9), "ends_at": time(11, 30)},
                                      {"partner_id": sites[1].id, "starts_at": time(14), "ends_at": time(15)}])
    mark_present(admin, programme.stops[0], agent.id, today=day)
    mark_present(admin, programme.stops[1], other.id, today=day)
    db.session.commit()
    ledger = agent_ledger(agent, TODAY)
    assert ledger.minutes_of("eductour") == ledger.total_minutes == 150
    [line] = [line for line in ledger.lines if line.kind == "eductour"]
    assert (line.day, line.minutes) == (day, 150) and "Château de Salses" in f"{line.title} {line.detail}"
    assert agent_ledger(other, TODAY).minutes_of("eductour") == 60


def test_the_office_ledger_lists_those_behind_first(make):
    office = make.office()
    admin = make.office_admin(office)
    done = make.agent(office, last_name="Amiel", contract_start=LONG_AGO)
    far = make.agent(office, last_name="Bosch", contract_start=LONG_AGO)
    near = make.agent(office, last_name="Coste", contract_start=LONG_AGO)
    make.agent(make.office(), contract_start=LONG_AGO)  # another office
    make.agent(office, contract_start=LONG_AGO, active=False)  # left the office
    _train(done, date(2025, 1, 1), 70, actor=admin)
    _train(done, date(2025, 2, 1), 70, actor=admin)
    _train(done, date(2025, 3, 1), 10, actor=admin)
    _train(near, date(2025, 1, 1), 70, actor=admin)
    ledgers = office_ledger(office.id, TODAY)
    assert [ledger.agent.id for ledger in ledgers] == [far.id, near.id, done.id]
    assert [ledger.on_track for ledger in ledgers] == [False, False, True]


@pytest.mark.parametrize("percent", [0, 101, -5, None, "80"])
def test_working_time_is_a_percentage_from_1_to_100(make, percent):
    from passresot.training.exceptions import InvalidWorkSettings

    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office)
    with pytest.raises(InvalidWorkSettings) as refused:
        set_work_settings(admin, agent, working_percent=percent, service="front_desk", administrative=False)
    assert "working_percent" in refused.value.fields
