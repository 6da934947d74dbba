"""The OT admin issues, renews, returns and revokes the passes of their office's agents."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..errors import DomainError
from ..extensions import db
from ..i18n import moment_text
from ..passes import api as passes
from ..passes.exceptions import PassCannotBeIssued
from ..passes.models import Pass, PassStatus
from ..agents.listing import selected_agents
from .access import agent_of_my_office_or_404, roles_required
from .agent_pass import pass_context
from .forms import PassCloseForm

bp = Blueprint("office_passes", __name__, url_prefix="/office")
office_admin_only = roles_required(Role.office_admin)


def _pass_of_my_office_or_404(pass_id: int) -> Pass:
    pass_ = db.session.get(Pass, pass_id)
    if pass_ is None or pass_.office_id != current_user.office_id:
        abort(404)
    return pass_


@bp.route("/agents/<int:agent_id>/pass", methods=["POST"])
@office_admin_only
def issue(agent_id):
    agent = agent_of_my_office_or_404(agent_id)
    try:
        new = passes.issue_pass(current_user, agent)
    except PassCannotBeIssued as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Pass n° %(number)s délivré à %(name)s, valable jusqu'au %(date)s.",
                number=new.display_number, name=agent.full_name,
                date=moment_text(new.valid_until, "d MMM y")), "success")
    return redirect(url_for("office.agent_edit", agent_id=agent.id) + "#pass")


@bp.route("/passes/issue", methods=["POST"])
@office_admin_only
def issue_many():
    agents = [agent for agent in selected_agents(current_user.office_id, request.form) if agent.active]
    if not agents:
        flash(_("Cochez au moins un agent."), "error")
        return redirect(url_for("office.agents_list"))
    skipped = []
    if request.form.get("mode") == "new":  # "Délivrer": leave the agents who hold a valid pass alone
        holding = {p.user_id for p in Pass.query.filter(Pass.user_id.in_([a.id for a in agents]),
                                                         Pass.status == PassStatus.active)
                   if p.effective_status() is PassStatus.active}
        skipped = [agent for agent in agents if agent.id in holding]
        agents = [agent for agent in agents if agent.id not in holding]
    issued, failed = passes.issue_passes(current_user, agents)
    db.session.commit()
    return render_template("office/passes_issued.html", issued=issued, failed=failed, skipped=skipped)


@bp.route("/passes/<int:pass_id>/return", methods=["POST"])
@office_admin_only
def return_pass(pass_id):
    pass_ = _pass_of_my_office_or_404(pass_id)
    form = PassCloseForm()
    return _close(pass_, form, lambda: passes.return_pass(current_user, pass_, form.note.data or ""),
                  _("Pass n° %(number)s marqué comme rendu.", number=pass_.display_number))


@bp.route("/passes/<int:pass_id>/revoke", methods=["POST"])
@office_admin_only
def revoke(pass_id):
    pass_ = _pass_of_my_office_or_404(pass_id)
    form = PassCloseForm()
    return _close(pass_, form, lambda: passes.revoke_pass(current_user, pass_, form.reason.data or ""),
                  _("Pass n° %(number)s révoqué.", number=pass_.display_number))


def _close(pass_, form, action, success_message):
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(success_message, "success")
    if form.next.data == "overview":  # closed from the office view: back to it
        return redirect(url_for("office_overview.overview"))
    return redirect(url_for("office.agent_edit", agent_id=pass_.user_id) + "#pass")


@bp.route("/agents/<int:agent_id>/card")
@office_admin_only
def card(agent_id):
    agent = agent_of_my_office_or_404(agent_id)
    return render_template("pass/card.html", back_url=url_for("office.agent_edit", agent_id=agent.id),
                           **pass_context(agent))
