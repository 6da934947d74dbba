"""Who may open what: role checks for views and scoped loaders that 404 on other people's records."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..accounts.models import Role, User
from ..extensions import db


def roles_required(*roles: Role):
    """Signed in, with one of `roles`; otherwise the login page or 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def agent_of_my_office_or_404(agent_id: int) -> User:
    """An agent of the signed-in OT admin's office; another office's agent is a 404."""
    agent = db.session.get(User, agent_id)
    if agent is None or agent.role is not Role.agent or agent.office_id != current_user.office_id:
        abort(404)
    return agent


def can_view_agent_photo(viewer, agent: User) -> bool:
    if viewer.role is Role.network_admin:
        return True
    if viewer.role is Role.office_admin:
        return viewer.office_id == agent.office_id
    return viewer.id == agent.id
