"""Bulk actions on a selection of the office's agents: set-password links and sheets of cards."""
import csv
import io

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..agents.listing import selected_agents
from ..agents.setup_links import create_link_batch, link_batch, record_mailed
from ..extensions import db
from ..mail import send_mail
from .access import roles_required
from .agent_pass import pass_context
from .links import setup_link_url

bp = Blueprint("office_bulk", __name__, url_prefix="/office/agents")
office_admin_only = roles_required(Role.office_admin)
CARDS_PER_SHEET = 8


@bp.route("/links", methods=["POST"])
@office_admin_only
def send_links():
    agents = [agent for agent in selected_agents(current_user.office_id, request.form) if agent.active]
    if not agents:
        flash(_("Cochez au moins un agent."), "error")
        return redirect(url_for("office.agents_list"))
    batch_id = mail_new_links(current_user, agents)
    return redirect(url_for("office_bulk.links", batch_id=batch_id))


def mail_new_links(actor, agents) -> int:
    """New links for `agents`, committed, then e-mailed where SMTP is set; returns the batch id."""
    batch_id = create_link_batch(actor, agents)
    db.session.commit()
    for agent, token, _mailed in link_batch(actor, batch_id):
        if token and send_mail(agent.email, _("Votre accès à PassResOT66"), _link_mail(agent, token)):
            record_mailed(actor, agent)
    db.session.commit()
    return batch_id


def _link_mail(agent, token) -> str:
    return _("Bonjour %(name)s,\n\nUn compte PassResOT66 vous attend. Choisissez votre mot de passe "
             "avec ce lien, valable %(days)s jours et une seule fois :\n%(url)s\n\nRESOT66",
             name=agent.first_name, days=current_app.config["SETUP_LINK_DAYS"], url=setup_link_url(token))


def _batch_or_404(batch_id):
    rows = link_batch(current_user, batch_id)
    if not rows:
        abort(404)
    return [(agent, setup_link_url(token) if token else None, mailed) for agent, token, mailed in rows]


@bp.route("/links/<int:batch_id>")
@office_admin_only
def links(batch_id):
    rows = _batch_or_404(batch_id)
    return render_template("office/links.html", rows=rows, batch_id=batch_id,
                           imported=request.args.get("imported") == "1",
                           days=current_app.config["SETUP_LINK_DAYS"],
                           smtp_configured=bool(current_app.config["SMTP_HOST"]))


@bp.route("/links/<int:batch_id>.csv")
@office_admin_only
def links_csv(batch_id):
    rows = _batch_or_404(batch_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Nom"), _("Prénom"), _("E-mail"), _("Lien"), _("Envoyé par e-mail")])
    for agent, url, mailed in rows:
        writer.writerow([agent.last_name, agent.first_name, agent.email,
                         url or _("déjà utilisé ou expiré"), _("oui") if mailed else _("non")])
    return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=liens-{batch_id}.csv"})


@bp.route("/cards", methods=["GET", "POST"])
@office_admin_only
def cards():
    """The print view; POST too, as a selection of hundreds of ids is too long for a URL."""
    cards, without = [], []
    selection = request.form if request.method == "POST" else request.args
    for agent in selected_agents(current_user.office_id, selection):
        context = pass_context(agent)
        (cards if context["usable"] else without).append(context)
    sheets = [cards[i:i + CARDS_PER_SHEET] for i in range(0, len(cards), CARDS_PER_SHEET)]
    return render_template("office/card_sheet.html", sheets=sheets, without=without, count=len(cards),
                           back_url=url_for("office.agents_list"))
