"""Sending e-mail through SMTP when configured; never writing a message's body to the log."""
import logging
import smtplib
from email.message import EmailMessage
from typing import Optional

from flask import current_app

log = logging.getLogger(__name__)


def _link_for(to: str) -> str:
    """A caller that did not name its message still never logs a one-time link."""
    from .accounts.api import find_user_by_email

    user = find_user_by_email(to)
    return f"lien créé pour le compte {user.id if user else '?'}"


def send_mail(to: str, subject: str, body: str, log_as: Optional[str] = None) -> bool:
    """Send a plain-text message; returns False when SMTP is not configured or fails.

    A message that carries a secret (a one-time link) passes `log_as`, e.g. "lien créé pour le
    compte 12": the log then names it and never shows its body. Other messages (a dysfunction
    report to the network) are logged whole when SMTP is not set, so nothing is lost."""
    config = current_app.config
    if log_as is None and "/password/" in (body or ""):
        log_as = _link_for(to)
    what = log_as or f"message « {subject} »"
    if not config["SMTP_HOST"]:
        if log_as:
            log.warning("SMTP non configuré : %s, non envoyé", log_as)
        else:
            log.warning("SMTP not configured; message to %s: %s\n%s", to, subject, body)
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send mail: %s", what)
        return False
    return True
