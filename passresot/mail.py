"""Sending e-mail through SMTP when configured, else printing it to the log."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send a plain-text message; returns False (and logs it) when SMTP is not configured or fails."""
    config = current_app.config
    if not config["SMTP_HOST"]:
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
        log.exception("Could not send mail to %s (%s)", to, subject)
        return False
    return True
