"""The Qualité Tourisme rule for complaints: handled within 3 working days of receipt.

Working days are Monday to Friday in Europe/Paris. The triage deadline ignores French public
holidays (a report received before a bank holiday is due one day early: the network prefers to
answer early); the audit evidence pack counts them (`public_holidays=True`), as an auditor would.
"""
from datetime import date, datetime, timedelta, timezone

from ..timeutil import PARIS

WORKING_DAYS = 3


def easter(year: int) -> date:
    """Easter Sunday of `year` (Gregorian calendar, the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    return date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


def french_public_holidays(year: int) -> set[date]:
    """The eleven public holidays of metropolitan France in `year`."""
    sunday = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return {date(year, m, d) for m, d in fixed} | {sunday + timedelta(days=n) for n in (1, 39, 50)}


def _off(day: date, public_holidays: bool) -> bool:
    return day.weekday() >= 5 or (public_holidays and day in french_public_holidays(day.year))


def handling_deadline(received_at: datetime, days: int = WORKING_DAYS, *, public_holidays: bool = False) -> datetime:
    """The naive-UTC moment `days` working days after `received_at` (naive UTC).

    Received on a weekend, the clock starts on Monday at midnight; otherwise at the time of
    receipt, moved forward one working day at a time (Friday 15:00 is due Wednesday 15:00).
    """
    moment = received_at.replace(tzinfo=timezone.utc).astimezone(PARIS).replace(tzinfo=None)
    if _off(moment.date(), public_holidays):
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        while _off(moment.date(), public_holidays):
            moment += timedelta(days=1)
    for _ in range(days):
        moment += timedelta(days=1)
        while _off(moment.date(), public_holidays):
            moment += timedelta(days=1)
    return moment.replace(tzinfo=PARIS).astimezone(timezone.utc).replace(tzinfo=None)
