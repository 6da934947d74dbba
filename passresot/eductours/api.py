"""What routes call to plan, change and cancel eductour programmes and to list an agent's ones.

Attendance (roll call, scans) and the contract other parts read (`attended_stops`,
`programme_attendance`) live in attendance.py and are re-exported here.
"""
import re
from datetime import date, time
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import Role, User
from ..audit.api import record_event
from ..extensions import db
from ..offices.models import Office
from ..partners.models import Partner
from ..timeutil import paris_today, utcnow
from .attendance import (AttendedStop, attended_stops, mark_present, programme_attendance,  # noqa: F401
                         record_scan_attendance, unmark_present)
from .exceptions import InvalidProgramme, ProgrammeNotEditable
from .models import Invitation, Programme, Stop, programme_offices

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def plan_programme(admin: User, *, title, day, stops, agent_ids=(), guests=(), office_ids=(),
                   today: Optional[date] = None) -> Programme:
    """A new programme: `stops` in order as {partner_id, starts_at, ends_at}; `guests` as
    {name, organisation, email}. The OT admin plans for their office, the network admin for `office_ids`."""
    today = today or paris_today()
    fields = {}
    if isinstance(day, date) and day < today:
        fields["day"] = _l("La date d'un nouveau programme ne peut pas être passée.")
    programme = Programme(organiser_id=admin.id)
    _fill(admin, programme, fields, title=title, day=day, stops=stops, agent_ids=agent_ids, guests=guests,
          office_ids=office_ids)
    record_event(admin, "eductour.planned", "eductour", programme.id, day=programme.day.isoformat())
    return programme


def update_programme(admin: User, programme: Programme, *, title, day, stops, agent_ids=(), guests=(),
                     office_ids=(), today: Optional[date] = None) -> Programme:
    """Replace the programme's title, day, stops and invitations, before the day only."""
    today = today or paris_today()
    _check_editable(admin, programme, today)
    fields = {}
    if isinstance(day, date) and day <= today:
        fields["day"] = _l("Choisissez une date à venir.")
    _fill(admin, programme, fields, title=title, day=day, stops=stops, agent_ids=agent_ids, guests=guests,
          office_ids=office_ids)
    record_event(admin, "eductour.updated", "eductour", programme.id, day=programme.day.isoformat())
    return programme


def cancel_programme(admin: User, programme: Programme, today: Optional[date] = None) -> None:
    """Cancel before the day: the programme stays on record but invites nobody any more."""
    _check_editable(admin, programme, today or paris_today())
    programme.cancelled_at = utcnow()
    db.session.flush()
    record_event(admin, "eductour.cancelled", "eductour", programme.id)


def can_manage(admin: User, programme: Programme) -> bool:
    """The organiser, or the network admin, may edit and cancel."""
    return admin.id == programme.organiser_id or admin.role is Role.network_admin


def programmes_for_agent(user_id: int, since: date) -> list[Programme]:
    """The agent's programmes from `since` on, not cancelled, next first."""
    invited = select(Invitation.programme_id).where(Invitation.user_id == user_id)
    return (Programme.query.filter(Programme.id.in_(invited), Programme.cancelled_at.is_(None),
                                   Programme.day >= since).order_by(Programme.day, Programme.id).all())


def programmes_for_admin(admin: User) -> list[Programme]:
    """The programmes an admin sees: every one for the network admin, their office's for an OT admin."""
    query = Programme.query
    if admin.role is not Role.network_admin:
        mine = select(programme_offices.c.programme_id).where(programme_offices.c.office_id == admin.office_id)
        query = query.filter(Programme.id.in_(mine) | (Programme.organiser_id == admin.id))
    return query.order_by(Programme.day.desc(), Programme.id.desc()).all()


def _check_editable(admin: User, programme: Programme, today: date) -> None:
    if not can_manage(admin, programme):
        raise ProgrammeNotEditable(_l("Seul l'administrateur qui a planifié ce programme peut le modifier."))
    if programme.cancelled_at is not None or programme.day <= today:
        raise ProgrammeNotEditable()


def _fill(admin, programme, fields, *, title, day, stops, agent_ids, guests, office_ids) -> None:
    """Check every input, then write the programme in one go: nothing is saved when one is wrong."""
    title = (title or "").strip()
    if not title or len(title) > 200:
        fields["title"] = _l("Donnez un titre de 200 caractères au plus.")
    if not isinstance(day, date):
        fields["day"] = _l("Date invalide.")
    offices = _offices(admin, office_ids, fields)
    new_stops = _stops(stops, fields)
    agents = _agents(agent_ids, fields)
    new_guests = _guests(guests, fields)
    if not agents and not new_guests and "agents" not in fields and "guests" not in fields:
        fields["agents"] = _l("Invitez au moins un agent ou un invité.")
    if not fields and agents:
        _check_overlaps(programme, day, new_stops, agents, fields)
    if fields:
        raise InvalidProgramme(fields=fields)
    programme.title, programme.day, programme.offices = title, day, offices
    if programme.id is not None:
        programme.stops.clear()
        programme.invitations.clear()
        db.session.flush()
    else:
        db.session.add(programme)
    programme.stops.extend(new_stops)
    programme.invitations.extend([Invitation(user_id=agent.id) for agent in agents] + new_guests)
    db.session.flush()


def _offices(admin, office_ids, fields) -> list[Office]:
    if admin.role is Role.office_admin:
        return [admin.office]
    if admin.role is not Role.network_admin:
        raise ProgrammeNotEditable(_l("Seuls les administrateurs planifient des éductours."))
    ids = [i for i in office_ids if isinstance(i, int)]
    offices = Office.query.filter(Office.id.in_(ids)).all() if ids else []
    if not offices or len(offices) != len(set(office_ids)):
        fields["offices"] = _l("Choisissez au moins un office.")
    return offices


def _stops(stops, fields) -> list[Stop]:
    stops = list(stops or [])
    if not stops:
        fields["stops"] = _l("Ajoutez au moins un site partenaire.")
        return []
    built, seen, problems = [], set(), []
    for number, raw in enumerate(stops, start=1):
        partner = db.session.get(Partner, raw.get("partner_id")) if isinstance(raw.get("partner_id"), int) else None
        starts, ends = raw.get("starts_at"), raw.get("ends_at")
        if partner is None:
            problems.append(_l("Étape %(n)s : choisissez un site partenaire.", n=number))
        elif not partner.active:
            problems.append(_l("Étape %(n)s : le site « %(site)s » n'est plus partenaire.", n=number,
                               site=partner.name))
        elif partner.id in seen:
            problems.append(_l("Étape %(n)s : le site « %(site)s » figure déjà dans le programme.", n=number,
                               site=partner.name))
        if not isinstance(starts, time) or not isinstance(ends, time):
            problems.append(_l("Étape %(n)s : heures invalides (de 00:00 à 23:59).", n=number))
        elif ends <= starts:
            problems.append(_l("Étape %(n)s : l'heure de fin doit suivre l'heure de début.", n=number))
        if partner is not None:
            seen.add(partner.id)
        built.append(Stop(position=number, partner_id=partner.id if partner else None, starts_at=starts,
                          ends_at=ends))
    if not problems:
        ordered = sorted(built, key=lambda stop: stop.starts_at)
        for before, after in zip(ordered, ordered[1:]):
            if after.starts_at < before.ends_at:
                problems.append(_l("Les étapes %(a)s et %(b)s se chevauchent.", a=before.position,
                                   b=after.position))
    if problems:
        fields["stops"] = " ".join(str(problem) for problem in problems)
    return built


def _agents(agent_ids, fields) -> list[User]:
    ids = list(dict.fromkeys(agent_ids or []))
    if not all(isinstance(i, int) for i in ids):
        fields["agents"] = _l("Agent inconnu.")
        return []
    agents = User.query.filter(User.id.in_(ids), User.role == Role.agent, User.active.is_(True)).all() if ids else []
    if len(agents) != len(ids):
        fields["agents"] = _l("Un des agents choisis n'existe pas ou n'est plus actif.")
    return agents


def _guests(guests, fields) -> list[Invitation]:
    built = []
    for number, raw in enumerate(guests or [], start=1):
        name = (raw.get("name") or "").strip()
        organisation = (raw.get("organisation") or "").strip()
        email = (raw.get("email") or "").strip()
        if not name and not organisation and not email:
            continue
        if not name or len(name) > 120 or len(organisation) > 120:
            fields["guests"] = _l("Invité %(n)s : nom obligatoire, 120 caractères au plus.", n=number)
        elif email and (len(email) > 254 or not EMAIL.match(email)):
            fields["guests"] = _l("Invité %(n)s : adresse e-mail invalide.", n=number)
        built.append(Invitation(guest_name=name, guest_organisation=organisation, guest_email=email))
    return built


def _check_overlaps(programme, day, stops, agents, fields) -> None:
    """An agent cannot be in two programmes at the same time of the same day."""
    starts, ends = min(stop.starts_at for stop in stops), max(stop.ends_at for stop in stops)
    others = (Programme.query.join(Invitation).filter(
        Programme.day == day, Programme.cancelled_at.is_(None), Programme.id != (programme.id or 0),
        Invitation.user_id.in_([agent.id for agent in agents])).all())
    for other in others:
        if other.starts_at < ends and starts < other.ends_at:
            names = ", ".join(sorted(agent.full_name for agent in agents
                                     if agent.id in {i.user_id for i in other.invitations}))
            fields["agents"] = _l("%(names)s : déjà invité(e) à « %(title)s » de %(start)s à %(end)s ce jour-là.",
                                  names=names, title=other.title, start=other.starts_at.strftime("%H:%M"),
                                  end=other.ends_at.strftime("%H:%M"))
            return
