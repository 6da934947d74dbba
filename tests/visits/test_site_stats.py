"""A site's admissions per day, per month, in total and as a list, on the Europe/Paris calendar."""
from datetime import date

import pytest

from passresot.visits.site_stats import (InvalidPeriod, Period, admission_list, admission_totals,
                                         admissions_in_year, admissions_per_day, admissions_per_month,
                                         parse_period)

from . import admissions_data

YEAR_2026 = Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def data(make):
    return admissions_data.build(make)


def test_per_day_follows_paris_midnight_on_both_sides_of_the_clock_change(data):
    assert admissions_per_day(data.site_a.id, YEAR_2026) == [
        (date(2026, 1, 1), 1), (date(2026, 3, 29), 1), (date(2026, 6, 30), 2), (date(2026, 7, 1), 1)]
    assert admissions_per_day(data.site_a.id, Period(date(2025, 12, 31), date(2025, 12, 31))) == [
        (date(2025, 12, 31), 1)]


def test_per_month_lists_every_month_of_the_period_with_zeros(data):
    months = admissions_per_month(data.site_a.id, YEAR_2026)
    assert [month for month, _count in months] == [date(2026, m, 1) for m in range(1, 13)]
    assert dict(months) == {**{date(2026, m, 1): 0 for m in range(1, 13)}, date(2026, 1, 1): 1,
                            date(2026, 3, 1): 1, date(2026, 6, 1): 2, date(2026, 7, 1): 1}
    across = admissions_per_month(data.site_a.id, Period(date(2025, 12, 15), date(2026, 1, 10)))
    assert across == [(date(2025, 12, 1), 1), (date(2026, 1, 1), 1)]


def test_a_range_cuts_at_paris_midnight(data):
    june = Period(date(2026, 6, 1), date(2026, 6, 30))
    assert admissions_per_day(data.site_a.id, june) == [(date(2026, 6, 30), 2)]
    assert admission_totals(data.site_a.id, june)["admissions"] == 2
    assert admissions_per_day(data.site_a.id, Period(date(2026, 7, 1), date(2026, 7, 1))) == [(date(2026, 7, 1), 1)]


def test_totals_count_visits_and_flag_offline_conflicts_overrides_and_undone(data):
    assert admission_totals(data.site_a.id, YEAR_2026) == {
        "admissions": 5, "offline": 2, "conflicts": 2, "overrides": 1, "undone": 1}
    empty = Period(date(2027, 1, 1), date(2027, 12, 31))
    assert admission_totals(data.site_a.id, empty) == {
        "admissions": 0, "offline": 0, "conflicts": 0, "overrides": 0, "undone": 0}


def test_the_list_holds_counted_and_uncounted_admissions_with_holder_and_office(data):
    rows = admission_list(data.site_a.id, YEAR_2026)
    assert [(row.paris_at.strftime("%d/%m %H:%M"), row.holder, row.office, row.offline, row.conflict,
             row.override, row.undone, row.counted) for row in rows] == [
        ("01/01 00:30", "Amélie R.", "Office de Tourisme de Céret", False, False, False, False, True),
        ("29/03 00:30", "Bernat S.", "Office de Tourisme de Céret", False, False, False, False, True),
        ("10/05 10:00", "Fèlix B.", "Office de Tourisme de Céret", False, False, False, True, False),
        ("30/06 12:00", "Carla T.", "Office de Tourisme de Céret", True, False, False, False, True),
        ("30/06 23:30", "Dídac V.", "Office de Tourisme de Céret", True, True, False, False, True),
        ("01/07 00:30", "Elna M.", "Office de Tourisme de Céret", False, False, True, False, True),
        ("02/07 11:00", "Carla T.", "Office de Tourisme de Céret", True, True, False, False, False),
    ]


def test_another_site_never_shows(data):
    assert admissions_per_day(data.site_b.id, YEAR_2026) == [(date(2026, 6, 30), 1), (date(2026, 7, 1), 1)]
    assert admission_totals(data.site_b.id, YEAR_2026) == {
        "admissions": 2, "offline": 1, "conflicts": 1, "overrides": 0, "undone": 0}
    assert "Zéphyrin Q." not in {row.holder for row in admission_list(data.site_a.id, YEAR_2026)}
    assert {row.holder for row in admission_list(data.site_b.id, YEAR_2026)} == {"Zéphyrin Q.", "Amélie R."}


def test_admissions_in_year_uses_the_paris_year(data):
    assert admissions_in_year(data.site_a.id, 2026) == 5
    assert admissions_in_year(data.site_a.id, 2025) == 1
    assert admissions_in_year(data.site_b.id, 2026) == 2


TODAY = date(2026, 11, 29)


@pytest.mark.parametrize("year,start,end,expected", [
    (None, None, None, (date(2026, 1, 1), date(2026, 12, 31))),
    ("", "", "", (date(2026, 1, 1), date(2026, 12, 31))),
    ("2025", None, None, (date(2025, 1, 1), date(2025, 12, 31))),
    (" 2024 ", None, None, (date(2024, 1, 1), date(2024, 12, 31))),
    (None, "2026-03-01", "2026-03-31", (date(2026, 3, 1), date(2026, 3, 31))),
    ("2020", "01/03/2026", "15/04/2026", (date(2026, 3, 1), date(2026, 4, 15))),  # dates win over the year
    (None, "2025-01-01", "2026-12-31", (date(2025, 1, 1), date(2026, 12, 31))),
])
def test_parse_period(year, start, end, expected):
    period = parse_period(year, start, end, today=TODAY)
    assert (period.start, period.end) == expected


@pytest.mark.parametrize("year,start,end,field,message", [
    ("abc", None, None, "year", "Année invalide (« abc »)"),
    ("1999", None, None, "year", "entre 2000 et 2100"),
    ("-5", None, None, "year", "Année invalide"),
    (None, "2026-02-30", "2026-03-01", "start", "Date invalide (« 2026-02-30 »)"),
    (None, "2026-02-01", "", "end", "Indiquez aussi cette date"),
    (None, "", "2026-02-01", "start", "Indiquez aussi cette date"),
    (None, "2026-05-01", "2026-04-30", "end", "La date de fin est avant la date de début."),
    (None, "2024-01-01", "2026-01-01", "end", "dépasse deux ans"),
    (None, "1899-01-01", "1899-02-01", "start", "Date invalide"),
    (None, "<script>", "2026-02-01", "start", "Date invalide"),
])
def test_bad_periods_say_which_field_and_why(year, start, end, field, message):
    with pytest.raises(InvalidPeriod) as caught:
        parse_period(year, start, end, today=TODAY)
    assert message in str(caught.value.fields[field])
