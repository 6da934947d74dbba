"""Handing a one-time password link to the admin who made it, and mailing it to its owner."""
from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from ..accounts.api import create_setup_link
from ..extensions import db
from ..mailbox.api import queue_mail


def setup_link_url(token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"]
    path = url_for("auth.set_password", token=token)
    return base + path if base else url_for("auth.set_password", token=token, _external=True)


def issue_and_show_setup_link(actor, user, *, back_url: str, created: bool):
    """Create a link for `user`, commit, queue its e-mail when SMTP is set, and show it to the admin."""
    token = create_setup_link(actor, user)
    db.session.commit()
    url = setup_link_url(token)
    days = current_app.config["SETUP_LINK_DAYS"]
    subject = _("Votre accès à PassResOT66")
    body = _(
        "Bonjour %(name)s,\n\nUn compte PassResOT66 vous attend. Choisissez votre mot de passe "
        "avec ce lien, valable %(days)s jours et une seule fois :\n%(url)s\n\nRESOT66",
        name=user.first_name, days=days, url=url)
    queued = queue_mail(user.email, subject, body, log_as=f"lien créé pour le compte {user.id}") is not None
    db.session.commit()
    return render_template("admin/setup_link.html", user=user, url=url, days=days, queued=queued,
                           smtp_configured=bool(current_app.config["SMTP_HOST"]),
                           created=created, back_url=back_url)
