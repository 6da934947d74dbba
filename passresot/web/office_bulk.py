"""Bulk actions on a selection of the office's agents: set-password links and sheets of cards."""
import csv
import io

from markupsafe import Markup

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..agents.api import has_photo_ids
from ..agents.listing import selected_agents
from ..agents.setup_links import create_link_batch, link_batch, queue_link_batch_mails, setup_link_url
from ..extensions import db
from ..passes.api import office_passes
from ..passes.models import PassStatus
from ..passes.qr import qr_svg
from .access import roles_required

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
    """New links for `agents`, committed, their e-mails queued where SMTP is set (the « envoyé »
    badge comes once `flask send-mail` has really sent one); returns the batch id."""
    batch_id = create_link_batch(actor, agents)
    db.session.commit()
    queue_link_batch_mails(actor, batch_id)
    db.session.commit()
    return batch_id


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
                         url or _("déjà utilisé ou expiré"),
                         {"sent": _("oui"), "queued": _("en cours d'envoi")}.get(mailed, _("non"))])
    return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=liens-{batch_id}.csv"})


@bp.route("/cards", methods=["GET", "POST"])
@office_admin_only
def cards():
    """The print view; POST too, as a selection of hundreds of ids is too long for a URL."""
    selection = request.form if request.method == "POST" else request.args
    agents = selected_agents(current_user.office_id, selection)
    ids = [agent.id for agent in agents]
    latest, with_photo = office_passes(current_user.office_id, ids), has_photo_ids(ids)
    cards, without = [], []
    label = _("QR code du pass à présenter au partenaire")
    for agent in agents:
        pass_ = latest.get(agent.id)
        if pass_ is None or pass_.effective_status() is not PassStatus.active:
            without.append(agent)
            continue
        cards.append({"holder": agent, "pass_": pass_, "has_photo": agent.id in with_photo,
                      "qr": Markup(qr_svg(pass_.token, label))})
    sheets = [cards[i:i + CARDS_PER_SHEET] for i in range(0, len(cards), CARDS_PER_SHEET)]
    return render_template("office/card_sheet.html", sheets=sheets, without=without, count=len(cards),
                           back_url=url_for("office.agents_list"))
