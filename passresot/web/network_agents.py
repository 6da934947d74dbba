"""The network admin looks agents up, read-only: from a report, or by name, e-mail or pass number.

Nothing here changes an agent: the office's own admin manages their record and pass."""
from flask import Blueprint, render_template, request

from ..accounts.models import Role
from ..agents.lookup import agent_record, find_agents
from .access import roles_required

bp = Blueprint("network_agents", __name__, url_prefix="/admin/agents")
network_only = roles_required(Role.network_admin)


@bp.route("")
@network_only
def search():
    text = request.args.get("q", "").strip()[:80]
    agents, more = find_agents(text)
    return render_template("network/agents.html", agents=agents, more=more, search=text)


@bp.route("/<int:agent_id>")
@network_only
def agent(agent_id):
    return render_template("network/agent.html", record=agent_record(agent_id))
