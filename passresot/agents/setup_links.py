"""Batches of one-time set-password links that the admin can show again, print or export.

Only a link's SHA-256 is stored, as for every link; the token itself is an HMAC of the link's row
under the app's secret key, so the admin who made a batch can show it again after a reload
(the database alone does not give the tokens away).
"""
import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from typing import Optional

from flask import current_app, url_for
from flask_babel import gettext as _

from ..accounts.models import SetupLink
from ..audit.api import record_event
from ..audit.models import AuditEvent
from ..extensions import db
from ..mailbox.api import queue_mail
from ..mailbox.models import OutgoingMail
from ..timeutil import utcnow

MAILED = "user.setup_link_mailed"


def _token(link: SetupLink) -> str:
    message = f"setup-link:{link.id}:{link.user_id}:{link.created_at.isoformat()}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link_batch(actor, agents) -> int:
    """New links for `agents` (their older unused links end); returns the batch's id for link_batch()."""
    now = utcnow().replace(microsecond=0)  # one instant for the whole batch, stable in every database
    ids = [agent.id for agent in agents]
    if ids:
        SetupLink.query.filter(SetupLink.user_id.in_(ids), SetupLink.used_at.is_(None)).update(
            {SetupLink.used_at: now}, synchronize_session=False)
    days = current_app.config["SETUP_LINK_DAYS"]
    links = [SetupLink(user_id=agent_id, token_hash=secrets.token_hex(32), created_at=now,
                       expires_at=now + timedelta(days=days), created_by_id=actor.id) for agent_id in ids]
    db.session.add_all(links)
    db.session.flush()  # the ids the tokens are made of
    for link in links:
        link.token_hash = _hash(_token(link))
        record_event(actor, "user.setup_link_created", "user", link.user_id)
    return links[0].id if links else 0


def link_batch(actor, batch_id: int):
    """[(agent, token or None once used or expired, its e-mail: "sent", "queued" or None)] of a
    batch `actor` made, or None."""
    first = db.session.get(SetupLink, batch_id)
    if first is None or first.created_by_id != actor.id:
        return None
    links = (SetupLink.query.filter(SetupLink.created_by_id == actor.id,
                                    SetupLink.created_at == first.created_at)
             .order_by(SetupLink.id).all())
    links = [link for link in links if link.user.office_id == actor.office_id]
    mailed = {target for (target,) in db.session.query(AuditEvent.target_id).filter(
        AuditEvent.action == MAILED, AuditEvent.at >= first.created_at,
        AuditEvent.target_id.in_([link.user_id for link in links]))}
    queued = {target for (target,) in db.session.query(OutgoingMail.sent_event_user_id).filter(
        OutgoingMail.sent_event == MAILED, OutgoingMail.sent_at.is_(None), OutgoingMail.created_at >= first.created_at,
        OutgoingMail.sent_event_user_id.in_([link.user_id for link in links]))}
    now = utcnow()
    return [(link.user, _token(link) if link.used_at is None and link.expires_at > now else None,
             "sent" if link.user_id in mailed else "queued" if link.user_id in queued else None) for link in links]


def setup_link_url(token: str) -> str:
    """The link's full address, on PUBLIC_BASE_URL when set (behind a proxy), else this request's."""
    base = current_app.config["PUBLIC_BASE_URL"]
    path = url_for("auth.set_password", token=token)
    return base + path if base else url_for("auth.set_password", token=token, _external=True)


def queue_setup_link_mail(user, token: str, *, actor=None, tracked: bool = False) -> Optional[OutgoingMail]:
    """The e-mail handing `user` their one-time link, queued (None when SMTP is not set). `tracked`:
    its real sending is recorded (MAILED), which the batch's « envoyé » badge reads."""
    body = _("Bonjour %(name)s,\n\nUn compte PassResOT66 vous attend. Choisissez votre mot de passe "
             "avec ce lien, valable %(days)s jours et une seule fois :\n%(url)s\n\nRESOT66",
             name=user.first_name, days=current_app.config["SETUP_LINK_DAYS"], url=setup_link_url(token))
    return queue_mail(user.email, _("Votre accès à PassResOT66"), body, log_as=f"lien créé pour le compte {user.id}",
                      **({"sent_event": MAILED, "actor": actor, "user": user} if tracked else {}))


def queue_link_batch_mails(actor, batch_id: int) -> None:
    """Queue the e-mail of every link of the batch (tracked for its « envoyé » badges)."""
    for agent, token, _mailed in link_batch(actor, batch_id):
        if token:
            queue_setup_link_mail(agent, token, actor=actor, tracked=True)
