"""A partner site's own admissions over a period: per day, per month, totals and the list (Europe/Paris).

Every function takes the site's id: the caller passes the staff account's own site, never one
from the request. Days follow the Europe/Paris calendar while the database stores naive UTC: the
SQL groups admissions by UTC hour (on both SQLite and PostgreSQL), and each hour is then put on
its Paris day (Paris is always a whole number of hours from UTC, so an hour never straddles two
days). An admission that counts is a Visit row; admitted scans without one (undone, or an offline
admission whose holder had already come this year) are listed and flagged, never counted.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import String

from ..accounts.models import User
from ..collation import french_key
from ..errors import DomainError
from ..extensions import db
from ..offices.models import Office
from ..passes.models import Pass
from ..timeutil import PARIS
from .models import Scan, ScanStatus, Visit

#: The longest period a page or an export covers (two calendar years, a leap day included).
MAX_DAYS = 731
MIN_YEAR, MAX_YEAR = 2000, 2100


class InvalidPeriod(DomainError):
    """The dates or the year asked for do not make a period; `fields` says which and why."""

    code = "invalid_period"


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the Europe/Paris calendar."""

    start: date
    end: date

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first instant, instant after the last) as the naive UTC the database stores."""
        return _utc_midnight(self.start), _utc_midnight(self.end + timedelta(days=1))

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        month, months = self.start.replace(day=1), []
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), PARIS).astimezone(timezone.utc).replace(tzinfo=None)


def parse_period(year=None, start=None, end=None, *, today: date) -> Period:
    """The period asked for: `start`–`end` if either is given, else `year`, else `today`'s year."""
    start, end = (start or "").strip(), (end or "").strip()
    if start or end:
        return _date_range(start, end)
    year = (year or "").strip()
    if not year:
        return Period(date(today.year, 1, 1), date(today.year, 12, 31))
    if not (year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR):
        raise InvalidPeriod(fields={"year": _l("Année invalide (« %(value)s ») : indiquez une année "
                                               "entre %(min)s et %(max)s, par exemple %(example)s.",
                                               value=year[:20], min=MIN_YEAR, max=MAX_YEAR,
                                               example=today.year)})
    return Period(date(int(year), 1, 1), date(int(year), 12, 31))


def _date_range(start: str, end: str) -> Period:
    errors, days = {}, {}
    for name, text in (("start", start), ("end", end)):
        if not text:
            errors[name] = _l("Indiquez aussi cette date (JJ/MM/AAAA).")
            continue
        days[name] = _parse_day(text)
        if days[name] is None:
            errors[name] = _l("Date invalide (« %(value)s ») : format attendu JJ/MM/AAAA.", value=text[:20])
    if not errors and days["end"] < days["start"]:
        errors["end"] = _l("La date de fin est avant la date de début.")
    elif not errors and (days["end"] - days["start"]).days >= MAX_DAYS:
        errors["end"] = _l("La période dépasse deux ans : choisissez des dates plus proches.")
    if errors:
        raise InvalidPeriod(fields=errors)
    return Period(days["start"], days["end"])


def _parse_day(text: str) -> Optional[date]:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return day if MIN_YEAR <= day.year <= MAX_YEAR else None
    return None


class utc_hour(FunctionElement):
    """The UTC hour of a naive UTC datetime column, as text 'YYYY-MM-DD HH'."""

    type = String()
    inherit_cache = True


@compiles(utc_hour)
def _utc_hour_sqlite(element, compiler, **kw):
    return "strftime('%Y-%m-%d %H', " + compiler.process(element.clauses, **kw) + ")"


@compiles(utc_hour, "postgresql")
def _utc_hour_postgresql(element, compiler, **kw):
    return "to_char(%s, 'YYYY-MM-DD HH24')" % compiler.process(element.clauses, **kw)


def _visits_in(partner_id: int, period: Period):
    low, high = period.utc_bounds()
    # `year` first lets the (partner_id, year) index narrow the rows before the time range.
    return (Visit.partner_id == partner_id, Visit.year.between(period.start.year, period.end.year),
            Visit.admitted_at >= low, Visit.admitted_at < high)


def admissions_per_day(partner_id: int, period: Period) -> list[tuple[date, int]]:
    """(Paris day, admissions) for every day of the period with at least one, oldest first."""
    hour = utc_hour(Visit.admitted_at)
    rows = db.session.execute(select(hour, func.count()).where(*_visits_in(partner_id, period))
                              .group_by(hour)).all()
    per_day: dict[date, int] = {}
    for text, count in rows:
        moment = datetime.strptime(text, "%Y-%m-%d %H").replace(tzinfo=timezone.utc)
        day = moment.astimezone(PARIS).date()
        per_day[day] = per_day.get(day, 0) + count
    return sorted(per_day.items())


def admissions_per_month(partner_id: int, period: Period,
                         per_day: Optional[list[tuple[date, int]]] = None) -> list[tuple[date, int]]:
    """(first day of the month, admissions) for every month of the period, empty months included."""
    counts = {month: 0 for month in period.months()}
    for day, count in per_day if per_day is not None else admissions_per_day(partner_id, period):
        counts[day.replace(day=1)] += count
    return sorted(counts.items())


def admissions_by_office_and_month(partner_id: int, period: Period) -> list[tuple[str, list[int]]]:
    """The site's yearly sheet: (office, admissions in each month of the period) for every office
    whose agents were let in, offices by name. The holder's office is the pass's (else the agent's),
    as in the list; the admissions are those that count, as everywhere on this page."""
    months = period.months()
    rows = db.session.execute(
        select(Office.name, Visit.admitted_at)
        .join(User, User.id == Visit.user_id)
        .outerjoin(Pass, Pass.id == Visit.pass_id)
        .outerjoin(Office, Office.id == func.coalesce(Pass.office_id, User.office_id))
        .where(*_visits_in(partner_id, period))).all()
    counts: dict[str, dict[date, int]] = {}
    for office, admitted_at in rows:
        month = admitted_at.replace(tzinfo=timezone.utc).astimezone(PARIS).date().replace(day=1)
        per_month = counts.setdefault(office or "", dict.fromkeys(months, 0))
        per_month[month] += 1
    return [(office, [per_month[month] for month in months])
            for office, per_month in sorted(counts.items(), key=lambda item: french_key(item[0]))]


def _scan_moment():
    # The moment a visit records: the device's clock, unless it ran ahead of the server's.
    return case((Scan.scanned_at < Scan.received_at, Scan.scanned_at), else_=Scan.received_at)


def _flag(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def admission_totals(partner_id: int, period: Period) -> dict:
    """Admissions that count, those made offline, and the conflicts, overrides and undone entries."""
    offline = Scan.offline_verdict == ScanStatus.admitted
    counted = db.session.execute(
        select(func.count(Visit.id), _flag(offline), _flag(Scan.conflict), _flag(Scan.override))
        .outerjoin(Scan, Scan.visit_id == Visit.id).where(*_visits_in(partner_id, period))).one()
    uncounted = db.session.execute(
        select(_flag(Scan.conflict), _flag(Scan.override), _flag(Scan.undone_at.is_not(None)))
        .where(*_uncounted_scans_in(partner_id, period))).one()
    return {"admissions": counted[0], "offline": counted[1], "conflicts": counted[2] + uncounted[0],
            "overrides": counted[3] + uncounted[1], "undone": uncounted[2]}


def _uncounted_scans_in(partner_id: int, period: Period):
    low, high = period.utc_bounds()
    moment = _scan_moment()
    # received_at is never before the moment: it lets the (partner_id, received_at) index help.
    # Admissions that made no visit: undone, conflicts, overrides; eductour attendances are no entry.
    return (Scan.partner_id == partner_id, Scan.status == ScanStatus.admitted, Scan.visit_id.is_(None),
            Scan.eductour_stop_id.is_(None), Scan.received_at >= low, moment >= low, moment < high)


@dataclass(frozen=True)
class Admission:
    """One line of the list: who came when, and how the scanner let them in."""

    at: datetime  # naive UTC
    first_name: Optional[str]
    last_name: Optional[str]
    office: Optional[str]
    offline: bool
    conflict: bool
    override: bool
    undone: bool
    counted: bool

    @property
    def holder(self) -> str:
        """First name and last-name initial, as the pass shows them ("Amélie R.")."""
        if not self.first_name:
            return ""
        return f"{self.first_name} {self.last_name[:1]}." if self.last_name else self.first_name

    @property
    def paris_at(self) -> datetime:
        return self.at.replace(tzinfo=timezone.utc).astimezone(PARIS)


def admission_list(partner_id: int, period: Period) -> list[Admission]:
    """Every admission of the period, counted or not, oldest first."""
    offline = Scan.offline_verdict == ScanStatus.admitted
    counted = db.session.execute(
        select(Visit.admitted_at, User.first_name, User.last_name, Office.name, offline, Scan.conflict,
               Scan.override)
        .join(User, User.id == Visit.user_id)
        .outerjoin(Pass, Pass.id == Visit.pass_id)
        .outerjoin(Office, Office.id == func.coalesce(Pass.office_id, User.office_id))
        .outerjoin(Scan, Scan.visit_id == Visit.id)
        .where(*_visits_in(partner_id, period))).all()
    uncounted = db.session.execute(
        select(_scan_moment(), User.first_name, User.last_name, Office.name, offline, Scan.conflict,
               Scan.override, Scan.undone_at.is_not(None))
        .outerjoin(Pass, Pass.id == Scan.pass_id)
        .outerjoin(User, User.id == Pass.user_id)
        .outerjoin(Office, Office.id == Pass.office_id)
        .where(*_uncounted_scans_in(partner_id, period))).all()
    rows = [Admission(at, first, last, office, bool(off), bool(conflict), bool(override), False, True)
            for at, first, last, office, off, conflict, override in counted]
    rows += [Admission(at, first, last, office, bool(off), bool(conflict), bool(override), bool(undone),
                       False)
             for at, first, last, office, off, conflict, override, undone in uncounted]
    return sorted(rows, key=lambda row: row.at)


def admissions_in_year(partner_id: int, year: int) -> int:
    """How many holders the site let in during this calendar year (Europe/Paris)."""
    return db.session.scalar(select(func.count(Visit.id))
                             .where(Visit.partner_id == partner_id, Visit.year == year))
