"""The agent hears of the network's answer: a mail queued when SMTP is set, a badge beside « Signaler »
on every page until their report page has shown the answer."""
import uuid

from passresot.extensions import db
from passresot.mailbox.models import OutgoingMail
from passresot.reports.api import record_report
from tests.helpers import csrf_token, login


def _report(make):
    agent = make.agent(first_name="Lucie", email="lucie@ot-ceret.fr")
    site = make.partner(name="Château royal")
    report, _ = record_report(agent, {"id": str(uuid.uuid4()), "partner_id": site.id, "kind": "site_closed",
                                      "text": "Fermé à 15 h."})
    db.session.commit()
    return agent, report


def _answer(client, make, report, text):
    login(client, make.network_admin().email)
    url = f"/admin/reports/{report.id}"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "status": "resolved", "answer": text})
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/reports")})


def test_an_answer_is_mailed_and_badged_until_the_agent_reads_it(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.fr")
    agent, report = _report(make)
    _answer(client, make, report, "Horaires corrigés, merci !")

    mail = OutgoingMail.query.filter_by(to_address="lucie@ot-ceret.fr").one()
    assert "Château royal" in mail.subject
    assert "Horaires corrigés, merci !" in mail.body and "/reports" in mail.body

    login(client, agent.email)
    html = client.get("/visits").get_data(as_text=True)
    assert 'data-unseen-answers="1"' in html and "1 nouvelle réponse" in html
    html = client.get("/reports").get_data(as_text=True)
    assert f'data-new-answer="{report.id}"' in html and "Horaires corrigés" in html  # flagged as new
    assert "Le réseau a répondu à un de vos signalements" in html  # said at the top, the form comes first
    # Rendering is not seeing (an installed app renders the page in the background): still new.
    assert f'data-new-answer="{report.id}"' in client.get("/reports").get_data(as_text=True)
    seen = seen_on_screen(client, [report.id, str(uuid.uuid4())])
    assert seen == {"seen": [report.id], "unseen": 0}
    html = client.get("/reports").get_data(as_text=True)
    assert "data-new-answer" not in html and "data-unseen-answers" not in html
    assert "data-unseen-answers" not in client.get("/visits").get_data(as_text=True)


def seen_on_screen(client, ids):
    response = client.post("/reports/seen", json={"ids": ids},
                           headers={"X-CSRFToken": csrf_token(client, "/visits")})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_only_the_agents_own_answers_are_marked_and_garbage_is_refused(client, make):
    agent, report = _report(make)
    _answer(client, make, report, "Vu.")
    other = make.agent()
    login(client, other.email)
    assert seen_on_screen(client, [report.id]) == {"seen": [], "unseen": 0}
    headers = {"X-CSRFToken": csrf_token(client, "/visits")}
    for body in ({"ids": "x"}, {"ids": [1]}, ["x"], {"ids": ["x" * 37]}):
        assert client.post("/reports/seen", json=body, headers=headers).status_code == 400
    client.post("/logout", data={"csrf_token": csrf_token(client, "/visits")})
    login(client, agent.email)
    assert 'data-unseen-answers="1"' in client.get("/visits").get_data(as_text=True)


def test_a_new_answer_badges_again_and_without_smtp_nothing_is_queued(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    agent, report = _report(make)
    _answer(client, make, report, "Premier retour.")
    login(client, agent.email)
    seen_on_screen(client, [report.id])
    client.post("/logout", data={"csrf_token": csrf_token(client, "/visits")})
    _answer(client, make, report, "Le site a changé ses horaires.")
    assert OutgoingMail.query.count() == 0
    login(client, agent.email)
    assert 'data-unseen-answers="1"' in client.get("/visits").get_data(as_text=True)


def test_a_status_change_without_answer_is_no_news(client, make):
    agent, report = _report(make)
    login(client, make.network_admin().email)
    url = f"/admin/reports/{report.id}"
    client.post(url, data={"csrf_token": csrf_token(client, url), "status": "in_progress", "answer": ""})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/reports")})
    login(client, agent.email)
    assert "data-unseen-answers" not in client.get("/visits").get_data(as_text=True)
