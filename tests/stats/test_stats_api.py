"""The dashboard's figures, counted on a small known network (tests/stats/conftest.py)."""
from datetime import date, datetime

import pytest

from passresot.accounts.models import AgentKind
from passresot.extensions import db
from passresot.reports.models import ReportStatus
from passresot.stats import api
from passresot.stats.exceptions import InvalidYear
from passresot.visits.models import Visit

from .helpers import YEAR


def test_visits_by_month_compares_with_the_year_before(network):
    months = api.visits_by_month(YEAR)
    assert len(months) == 12
    assert months[2] == (3, 2, 1)  # March: two visits in 2025, one in 2024
    assert months[6] == (7, 2, 0)
    assert months[7] == (8, 0, 1)
    assert months[11] == (12, 1, 0)
    assert sum(this for _m, this, _last in months) == 5
    assert sum(last for _m, _this, last in months) == 2


def test_agent_figures_per_office_and_kind(network):
    rows = api.agent_figures(YEAR)
    offices = dict(api.by_office(rows))
    alpha, beta = offices["Office Alpha"], offices["Office Beta"]
    assert (alpha.agents, alpha.participants, alpha.visits, alpha.at_target, alpha.minutes) == (2, 2, 4, 1, 1030)
    # Trois (other visits only, no pass visit) and Quatre (inactive, visited); Cinq (inactive, none) left out.
    assert (beta.agents, beta.participants, beta.visits, beta.at_target, beta.minutes) == (2, 1, 1, 0, 720)
    assert beta.participation == 50.0
    kinds = dict(api.by_kind(rows))
    assert (kinds[AgentKind.permanent].agents, kinds[AgentKind.permanent].participants) == (3, 2)
    assert (kinds[AgentKind.seasonal].agents, kinds[AgentKind.seasonal].visits) == (1, 1)
    total = api.network_total(rows)
    assert (total.agents, total.participants, total.visits, total.at_target) == (4, 3, 5, 1)
    assert total.participation == 75.0
    assert total.target_share == 25.0
    assert total.average_hours == round((910 + 120 + 600 + 120) / 60 / 4, 1)


def test_last_year_counts_its_own_visits_and_other_visits(network):
    total = api.network_total(api.agent_figures(YEAR - 1))
    # 2024: Un and Trois visited; Trois's 900 min of other visits + 60 reach the target. The inactive
    # Quatre and Cinq did nothing in 2024: not counted.
    assert (total.agents, total.participants, total.visits, total.at_target) == (3, 2, 2, 1)


def test_visits_by_partner_most_visited_first(network):
    assert api.visits_by_partner(YEAR) == [("Château Un", "Collioure", 3), ("Grotte Trois", "Prades", 1),
                                           ("Musée Deux", "Céret", 1)]
    assert api.visits_by_partner(YEAR, limit=1) == [("Château Un", "Collioure", 3)]


def test_partners_never_visited_are_the_active_ones_without_a_visit(network):
    assert api.partners_not_visited(YEAR) == [("Abbaye Cinq", "Elne")]
    assert api.partners_counts(YEAR) == (4, 1)
    assert api.partners_not_visited(YEAR - 1) == [("Abbaye Cinq", "Elne"), ("Grotte Trois", "Prades")]


def test_scan_flags_and_reports_of_the_year(network):
    assert api.scan_flags(YEAR) == (2, 1)
    assert api.scan_flags(YEAR - 1) == (0, 1)
    assert api.reports_by_status(YEAR) == [(ReportStatus.new, 2), (ReportStatus.in_progress, 0),
                                           (ReportStatus.resolved, 1)]


def test_an_empty_network_gives_zeros(app_ctx):
    total = api.network_total(api.agent_figures(YEAR))
    assert (total.agents, total.participation, total.average_hours) == (0, 0.0, 0.0)
    assert api.visits_by_month(YEAR) == [(m, 0, 0) for m in range(1, 13)]


def test_month_is_the_paris_month(network):
    # 31 March 2025, 22:30 UTC is 1 April, 00:30 in Paris (summer time).
    db.session.add(Visit(user_id=network.a2.id, partner_id=_partner_id("Grotte Trois"),
                         year=2025, admitted_at=datetime(2025, 3, 31, 22, 30)))
    db.session.commit()
    months = api.visits_by_month(YEAR)
    assert months[3] == (4, 1, 0)


def _partner_id(name):
    from passresot.partners.models import Partner

    return Partner.query.filter_by(name=name).one().id


@pytest.mark.parametrize("raw", ["abc", "1999", "3000", "20255", "٢٠٢٥", " ", "2025.0", "-2025"])
def test_parse_year_refuses_bad_values(raw):
    with pytest.raises(InvalidYear) as refused:
        api.parse_year(raw, today=date(2026, 5, 1))
    assert "entre 2020 et 2026" in str(refused.value)


def test_parse_year_defaults_to_this_year():
    assert api.parse_year(None, today=date(2026, 5, 1)) == 2026
    assert api.parse_year("2024", today=date(2026, 5, 1)) == 2024
    assert api.year_choices(today=date(2022, 1, 1)) == [2022, 2021, 2020]
