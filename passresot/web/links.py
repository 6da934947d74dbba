"""Handing a one-time password link to the admin who made it, and mailing it to its owner."""
from flask import current_app, render_template

from ..accounts.api import create_setup_link
from ..agents.setup_links import queue_setup_link_mail, setup_link_url
from ..extensions import db


def issue_and_show_setup_link(actor, user, *, back_url: str, created: bool):
    """Create a link for `user`, commit, queue its e-mail when SMTP is set, and show it to the admin."""
    token = create_setup_link(actor, user)
    db.session.commit()
    queued = queue_setup_link_mail(user, token) is not None
    db.session.commit()
    return render_template("admin/setup_link.html", user=user, url=setup_link_url(token),
                           days=current_app.config["SETUP_LINK_DAYS"], queued=queued,
                           smtp_configured=bool(current_app.config["SMTP_HOST"]),
                           created=created, back_url=back_url)
