"""Queue a message in the request; send the queue from `flask send-mail`, with retries.

Without SMTP nothing is queued (nothing would send it): the message is logged as before (its body
only when it carries no secret) and queue_mail answers None, so no page says « envoyé ».
"""
import logging
from datetime import datetime, timedelta
from typing import Optional

from flask import current_app

from ..accounts.models import User
from ..audit.api import record_event
from ..extensions import db
from ..mail import deliver, log_unsent
from ..timeutil import utcnow
from .models import OutgoingMail

log = logging.getLogger(__name__)

#: Waits before the 2nd, 3rd… try of a message SMTP refused; after the last it is given up (logged).
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
BATCH = 200
GIVEN_UP = datetime(9999, 1, 1)


def queue_mail(to: str, subject: str, body: str, *, log_as: Optional[str] = None, sent_event: Optional[str] = None,
               actor=None, user=None) -> Optional[OutgoingMail]:
    """The message, queued in this request's transaction; None when SMTP is not configured."""
    if not current_app.config["SMTP_HOST"]:
        log_unsent(to, subject, body, log_as)
        return None
    mail = OutgoingMail(to_address=to, subject=subject[:200], body=body, log_as=log_as, sent_event=sent_event,
                        sent_event_actor_id=getattr(actor, "id", None), sent_event_user_id=getattr(user, "id", None))
    db.session.add(mail)
    db.session.flush()
    return mail


def send_queued(now: Optional[datetime] = None, limit: int = BATCH) -> tuple[int, int]:
    """Send what is due, oldest first, committing after each message; returns (sent, failed)."""
    now = now or utcnow()
    due = (OutgoingMail.query.filter(OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at <= now)
           .order_by(OutgoingMail.id).limit(limit).all())
    sent = failed = 0
    for mail in due:
        if deliver(mail.to_address, mail.subject, mail.body, mail.log_as):
            mail.sent_at, mail.body = utcnow(), ""
            if mail.sent_event and mail.sent_event_user_id:
                actor = db.session.get(User, mail.sent_event_actor_id) if mail.sent_event_actor_id else None
                record_event(actor, mail.sent_event, "user", mail.sent_event_user_id)
            sent += 1
        else:
            mail.attempts += 1
            if mail.attempts > len(RETRY_AFTER):
                mail.next_attempt_at = GIVEN_UP
                log.error("Mail %s given up after %s attempts: %s", mail.id, mail.attempts,
                          mail.log_as or f"message « {mail.subject} »")
            else:
                mail.next_attempt_at = now + RETRY_AFTER[mail.attempts - 1]
            failed += 1
        db.session.commit()
    return sent, failed


def pending_count() -> int:
    """Messages still to send (not those given up)."""
    return OutgoingMail.query.filter(OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at < GIVEN_UP).count()
