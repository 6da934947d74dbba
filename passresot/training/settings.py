"""Reading an agent's work settings; hours/api.py reads the « purement administratif » flag from here."""
from sqlalchemy import select

from ..extensions import db
from .models import Service, WorkSettings


def work_settings(agent_id: int) -> WorkSettings:
    """The agent's settings, or the defaults (100 %, front desk, not administrative) when never set."""
    return db.session.get(WorkSettings, agent_id) or WorkSettings(
        user_id=agent_id, working_percent=100, service=Service.front_desk, administrative=False)


def administrative_ids(user_ids: list[int]) -> set[int]:
    """Which of these agents are purely administrative (out of the 14-hour partner-visit target)."""
    if not user_ids:
        return set()
    return set(db.session.scalars(select(WorkSettings.user_id).where(
        WorkSettings.user_id.in_(user_ids), WorkSettings.administrative.is_(True))))
