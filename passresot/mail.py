"""SMTP delivery (called by the mail queue, passresot/mailbox), never writing a secret to the log."""
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


def _named(to: str, body: str, log_as: Optional[str]) -> Optional[str]:
    if log_as is None and "/password/" in (body or ""):
        return _link_for(to)
    return log_as


def log_unsent(to: str, subject: str, body: str, log_as: Optional[str] = None) -> None:
    """SMTP is not configured: say so. A message that carries a secret (a one-time link) is named
    by `log_as`, e.g. "lien créé pour le compte 12", never shown; others (a dysfunction report to
    the network) are logged whole, so nothing is lost."""
    log_as = _named(to, body, log_as)
    if log_as:
        log.warning("SMTP non configuré : %s, non envoyé", log_as)
    else:
        log.warning("SMTP not configured; message to %s: %s\n%s", to, subject, body)


def deliver(to: str, subject: str, body: str, log_as: Optional[str] = None) -> bool:
    """Send one plain-text message now; False when SMTP is not configured or fails."""
    config = current_app.config
    if not config["SMTP_HOST"]:
        log_unsent(to, subject, body, log_as)
        return False
    what = _named(to, body, log_as) or f"message « {subject} »"
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
