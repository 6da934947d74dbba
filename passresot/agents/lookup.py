"""The network admin's read-only look at agents of every office: found by name, e-mail or pass
number (a report or a site's call names one), then one agent's record, pass, hours and reports."""
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..collation import by_name, french_key
from ..extensions import db
from ..hours.api import YearHours, agent_hours
from ..passes.api import find_by_number, latest_pass
from ..passes.models import Pass
from ..timeutil import paris_today
from .exceptions import AgentNotFound

#: More matches than this ask for a narrower search.
FOUND_LIMIT = 100


@dataclass
class AgentRecord:
    agent: User
    pass_: Optional[Pass]
    hours: YearHours
    reports: list


def find_agents(text: str) -> tuple[list, bool]:
    """Agents of any office matching a name, an e-mail or a pass number, in French order; (agents,
    more than FOUND_LIMIT). Nothing is listed for an empty search."""
    text = (text or "").strip()
    if not text:
        return [], False
    found = find_by_number(text)
    if found is not None:
        holder = User.query.filter(User.id == found.user_id, User.role == Role.agent).all()
        if holder:
            return holder, False
    # Matched here, not by the engine: « ecrivain » finds « Écrivain » on SQLite and PostgreSQL alike.
    words = _folded(text).split()
    people = db.session.execute(select(User.id, User.first_name, User.last_name, User.email)
                                .where(User.role == Role.agent)).all()
    ids = [row.id for row in people
           if all(w in _folded(f"{row.first_name} {row.last_name} {row.email}") for w in words)]
    rows = (User.query.options(joinedload(User.office)).filter(User.id.in_(ids[:FOUND_LIMIT])).all()
            if ids else [])
    return by_name(rows, "last_name", "first_name"), len(ids) > FOUND_LIMIT


def _folded(text: str) -> str:
    return french_key(text)[0]


def agent_record(agent_id: int) -> AgentRecord:
    """One agent as the network sees them (nothing is changed here); AgentNotFound otherwise."""
    from ..reports.api import reports_of

    agent = User.query.filter(User.id == agent_id, User.role == Role.agent).first()
    if agent is None:
        raise AgentNotFound()
    return AgentRecord(agent, latest_pass(agent.id), agent_hours(agent.id, paris_today().year),
                       reports_of(agent.id))
