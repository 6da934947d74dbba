"""No secret in any log (issue 13 part 5), and the reset link by e-mail from the sign-in page (part 6)."""
import logging

from passresot.accounts.models import SetupLink
from passresot.mailbox.api import send_queued
from passresot.web.auth import SecretPathFilter
from tests.helpers import csrf_token


def _werkzeug_line(path):
    """What werkzeug's dev server logs for a request, through the "werkzeug" logger's filters."""
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "03/Dec/2026 20:00:00", f"GET {path} HTTP/1.1", "200", "-"), None)
    assert logging.getLogger("werkzeug").filter(record)
    return record.getMessage()


def test_the_dev_server_access_log_never_carries_a_set_password_link(app):
    line = _werkzeug_line("/password/s3cr3t-t0ken_value")
    assert "s3cr3t" not in line and "/password/<token>" in line
    assert "ABCD" not in _werkzeug_line("/enrol/ABCDEFGH2345") and "/enrol/<token>" in _werkzeug_line("/enrol/X")
    assert "/password/forgot" in _werkzeug_line("/password/forgot")
    assert any(isinstance(f, SecretPathFilter) for f in logging.getLogger("werkzeug").filters)


def _ask(client, email):
    return client.post("/password/forgot", data={"email": email, "csrf_token": csrf_token(client, "/password/forgot")},
                       follow_redirects=True)


def test_a_site_manager_gets_a_reset_link_by_mail_an_agent_and_a_stranger_do_not(client, make, fake_smtp, caplog):
    caplog.set_level(logging.DEBUG)
    staff, agent = make.partner_staff(), make.agent()
    login_page = client.get("/login").get_data(as_text=True)
    assert "/password/forgot" in login_page
    answers = [_ask(client, email).get_data(as_text=True) for email in
               (staff.email, agent.email, "personne@example.fr")]
    assert all("un lien vient de lui être envoyé" in answer for answer in answers)
    assert fake_smtp.sent == []  # the request only queues it
    assert send_queued() == (1, 0)  # `flask send-mail`, from cron
    assert len(fake_smtp.sent) == 1 and fake_smtp.sent[0][1]["To"] == staff.email
    link = fake_smtp.sent[0][1].get_content().split("/password/")[1].split()[0]
    assert client.get(f"/password/{link}").status_code == 200
    assert SetupLink.query.count() == 1
    assert link not in caplog.text


def test_without_smtp_the_reset_page_says_whom_to_ask_and_so_does_the_hint(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    forgot = client.get("/password/forgot").get_data(as_text=True)
    assert 'id="no-mail"' in forgot and "contact@resot66.fr" in forgot and "<form method=\"post\" novalidate>" not in forgot
    page = client.get("/login").get_data(as_text=True)
    assert "/password/forgot" not in page
    assert "Partenaires : demandez-le au réseau RESOT66" in page and "contact@resot66.fr" in page


def test_reset_requests_are_rate_limited(client, make, fake_smtp):
    staff = make.partner_staff()
    statuses = [_ask(client, staff.email).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    send_queued()
    assert len(fake_smtp.sent) == 3


def test_a_mail_with_a_link_sent_by_any_caller_never_logs_the_link(app_ctx, make, caplog):
    from passresot.mail import deliver

    user = make.agent()
    caplog.set_level(logging.INFO, logger="passresot.mail")
    app_ctx  # noqa: B018 (an app context is needed)
    from flask import current_app
    current_app.config["SMTP_HOST"], saved = "", current_app.config["SMTP_HOST"]
    try:
        deliver(user.email, "Accès", "Lien : https://x/password/abcdef-secret")
    finally:
        current_app.config["SMTP_HOST"] = saved
    assert f"lien créé pour le compte {user.id}, non envoyé" in caplog.text and "abcdef-secret" not in caplog.text
