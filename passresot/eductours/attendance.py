"""Who attended which eductour stop (scan at the site or the organiser's roll call), and the
contract the training ledger, certificates and audit pack read: `attended_stops`."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit.api import record_event
from ..extensions import db
from ..partners.models import Partner
from ..passes.models import Pass, PassStatus
from ..timeutil import paris_today
from .exceptions import InvalidProgramme, NotInvited, NotOrganiser
from .models import Attendance, AttendanceSource, Invitation, Programme, Stop


@dataclass(frozen=True)
class AttendedStop:
    """One stop an agent attended, with the programme minutes it counts (end − start)."""

    user_id: int
    programme_id: int
    programme_title: str
    day: date
    partner_id: int
    partner_name: str
    minutes: int
    source: Literal["scan", "roll_call"]
    scan_id: Optional[str]


def attended_stops(user_ids: list[int], since: date, until: date) -> list[AttendedStop]:
    """Every attended stop of these agents between `since` and `until` (both included), in day order.
    Cancelled programmes count nothing."""
    if not user_ids:
        return []
    rows = db.session.execute(
        select(Attendance, Stop, Programme, Partner.name)
        .join(Stop, Stop.id == Attendance.stop_id).join(Programme, Programme.id == Stop.programme_id)
        .join(Partner, Partner.id == Stop.partner_id)
        .where(Attendance.user_id.in_(list(user_ids)), Programme.day >= since, Programme.day <= until,
               Programme.cancelled_at.is_(None))
        .order_by(Programme.day, Stop.starts_at, Attendance.user_id)).all()
    return [_attended(attendance, stop, programme, partner_name)
            for attendance, stop, programme, partner_name in rows]


def programme_attendance(programme: Programme) -> dict[int, list[AttendedStop]]:
    """The programme's attended stops by agent (user id), in the order of the day."""
    rows = db.session.execute(
        select(Attendance, Stop, Partner.name).join(Stop, Stop.id == Attendance.stop_id)
        .join(Partner, Partner.id == Stop.partner_id).where(Stop.programme_id == programme.id)
        .order_by(Stop.position, Attendance.user_id)).all()
    by_user = defaultdict(list)
    for attendance, stop, partner_name in rows:
        by_user[attendance.user_id].append(_attended(attendance, stop, programme, partner_name))
    return dict(by_user)


def _attended(attendance, stop, programme, partner_name) -> AttendedStop:
    return AttendedStop(attendance.user_id, programme.id, programme.title, programme.day, stop.partner_id,
                        partner_name, stop.minutes, attendance.source.value, attendance.scan_id)


def mark_present(organiser: User, stop: Stop, user_id: int, today: Optional[date] = None) -> Attendance:
    """The organiser ticks an invited agent present at a stop; ticking again changes nothing."""
    _check_roll_call(organiser, stop, user_id, today or paris_today())
    existing = Attendance.query.filter_by(stop_id=stop.id, user_id=user_id).one_or_none()
    if existing is not None:
        return existing
    attendance = Attendance(stop_id=stop.id, user_id=user_id, source=AttendanceSource.roll_call,
                            recorded_by_id=organiser.id)
    db.session.add(attendance)
    db.session.flush()
    record_event(organiser, "eductour.present", "user", user_id, stop_id=stop.id)
    return attendance


def unmark_present(organiser: User, stop: Stop, user_id: int, today: Optional[date] = None) -> None:
    """Untick: removes a roll-call attendance; a scanned one stays (the site saw the pass)."""
    _check_roll_call(organiser, stop, user_id, today or paris_today())
    existing = Attendance.query.filter_by(stop_id=stop.id, user_id=user_id).one_or_none()
    if existing is None:
        return
    if existing.source is AttendanceSource.scan:
        raise InvalidProgramme(_l("Présence enregistrée par le scan du pass : elle ne peut pas être décochée."))
    db.session.delete(existing)
    db.session.flush()
    record_event(organiser, "eductour.absent", "user", user_id, stop_id=stop.id)


def _check_roll_call(organiser, stop, user_id, today) -> None:
    programme = stop.programme
    if organiser.id != programme.organiser_id:
        raise NotOrganiser()
    if programme.cancelled_at is not None:
        raise InvalidProgramme(_l("Ce programme est annulé."))
    if programme.day > today:
        raise InvalidProgramme(_l("L'appel se fait le jour du programme ou après."))
    if not is_invited(programme, user_id):
        raise NotInvited()


def is_invited(programme: Programme, user_id: int) -> bool:
    return db.session.scalar(select(Invitation.id).where(Invitation.programme_id == programme.id,
                                                         Invitation.user_id == user_id)) is not None


def record_scan_attendance(stop: Stop, user_id: int, scan_id: str, scanned_by_id: Optional[int] = None) -> Attendance:
    """A scan of an invited agent's pass at the stop's site: exactly once per scan id and per stop,
    so a retried or replayed sync returns the same attendance. No Visit is used."""
    existing = (Attendance.query.filter_by(scan_id=scan_id).one_or_none()
                or Attendance.query.filter_by(stop_id=stop.id, user_id=user_id).one_or_none())
    if existing is not None:
        return existing
    attendance = Attendance(stop_id=stop.id, user_id=user_id, source=AttendanceSource.scan, scan_id=scan_id,
                            recorded_by_id=scanned_by_id)
    try:
        with db.session.begin_nested():
            db.session.add(attendance)
    except IntegrityError:  # the same scan synced by a concurrent request
        return Attendance.query.filter_by(stop_id=stop.id, user_id=user_id).one()
    return attendance


def forget_scan_attendance(scan_id: str) -> None:
    """The scan behind an attendance was undone at the door (« Annuler cette entrée »)."""
    Attendance.query.filter_by(scan_id=scan_id).delete()


def todays_stops(partner_id: int, today: date, until: Optional[date] = None) -> list[Stop]:
    """The stops at the site from `today` to `until` (default: today), of programmes not cancelled."""
    return (Stop.query.join(Programme).filter(Stop.partner_id == partner_id, Programme.day >= today,
                                              Programme.day <= (until or today),
                                              Programme.cancelled_at.is_(None))
            .order_by(Programme.day, Stop.starts_at).all())


def invited_stops(partner_id: int, user_ids, days) -> dict[tuple[int, date], Stop]:
    """{(agent, day): the stop at the site} for these agents invited to a programme (not
    cancelled) with a stop at the site on one of these days: what makes a scan an eductour one."""
    if not user_ids or not days:
        return {}
    rows = db.session.execute(
        select(Invitation.user_id, Programme.day, Stop).join(Programme, Programme.id == Invitation.programme_id)
        .join(Stop, Stop.programme_id == Programme.id)
        .where(Stop.partner_id == partner_id, Invitation.user_id.in_(set(user_ids)),
               Programme.day.in_(set(days)), Programme.cancelled_at.is_(None))).all()
    return {(user_id, day): stop for user_id, day, stop in rows}


def scanner_stops(partner_id: int, today: date, days_ahead: int = 7) -> list[dict]:
    """The programme stops at the site from today to `days_ahead` days on, with the pass ids of the
    invited agents (their active passes): what the scanner bundle carries to say « Éductour »
    offline, even on a day the device cannot sync. Ids, times and the programme's title only, no names."""
    stops = todays_stops(partner_id, today, today + timedelta(days=days_ahead))
    if not stops:
        return []
    invited = db.session.execute(
        select(Invitation.programme_id, Pass.id).join(Pass, Pass.user_id == Invitation.user_id)
        .where(Invitation.programme_id.in_({stop.programme_id for stop in stops}),
               Pass.status == PassStatus.active).order_by(Pass.id)).all()
    passes = defaultdict(list)
    for programme_id, pass_id in invited:
        passes[programme_id].append(pass_id)
    return [{"stop_id": stop.id, "programme_id": stop.programme_id, "title": stop.programme.title,
             "day": stop.programme.day.isoformat(), "starts_at": stop.starts_at.strftime("%H:%M"),
             "ends_at": stop.ends_at.strftime("%H:%M"), "pass_ids": passes[stop.programme_id]}
            for stop in stops]
