"""The training pages over HTTP: the agent's ledger and form, the OT admin's office ledger, agent
detail and work settings, certificates served only to those allowed."""
import io
from datetime import date, timedelta

from passresot.extensions import db
from passresot.timeutil import paris_today
from passresot.training.api import record_training, set_work_settings
from passresot.training.models import TrainingEntry, WorkSettings
from tests.helpers import csrf_token, login
from tests.training.helpers import FAKE_PDF, pdf_bytes

START = date(2024, 1, 1)


def _post_training(client, url, **changes):
    data = {"csrf_token": csrf_token(client, url), "title": "Accueil des clientèles anglophones",
            "organisation": "CCI Pyrénées-Orientales", "trained_on": (paris_today() - timedelta(days=3)).isoformat(),
            "minutes": "3h30", "accredited": "1"}
    data.update(changes)
    return client.post(url, data=data, content_type="multipart/form-data")


def test_the_agent_records_a_training_with_its_pdf_and_sees_it_on_their_ledger(client, make):
    agent = make.agent(contract_start=START)
    login(client, agent.email)
    response = _post_training(client, "/training", certificate=(io.BytesIO(pdf_bytes()), "attestation.pdf"))
    assert response.status_code == 302
    entry = TrainingEntry.query.one()
    assert (entry.minutes, entry.accredited, entry.recorded_by_id) == (210, True, agent.id)
    page = client.get("/training").get_data(as_text=True)
    assert "Accueil des clientèles anglophones" in page and "3\u00a0h\u00a030" in page
    assert "Il manque" in page
    certificate = client.get(f"/training/{entry.id}/certificate")
    assert certificate.status_code == 200 and certificate.mimetype == "application/pdf"
    assert certificate.data.startswith(b"%PDF-") and "no-store" in certificate.headers["Cache-Control"]
    assert "/training" in client.get("/visits").get_data(as_text=True)  # linked from their hours page


def test_bad_input_shows_french_messages_and_saves_nothing(client, make):
    agent = make.agent(contract_start=START)
    login(client, agent.email)
    future = _post_training(client, "/training", trained_on=(paris_today() + timedelta(days=2)).isoformat(),
                            minutes="-2 h")
    page = future.get_data(as_text=True)
    assert future.status_code == 400
    assert "La formation ne peut pas être dans le futur." in page and "Durée entre 15 min et 70 h" in page
    assert 'value="Accueil des clientèles anglophones"' in page  # what was typed is kept
    not_a_file = _post_training(client, "/training", certificate=(io.BytesIO(b"MZ\x90 program"), "virus.exe"))
    assert not_a_file.status_code == 400 and "ni un PDF ni une image" in not_a_file.get_data(as_text=True)
    fake = _post_training(client, "/training", certificate=(io.BytesIO(FAKE_PDF), "attestation.pdf"))
    assert fake.status_code == 400 and "ouvre pas comme un PDF" in fake.get_data(as_text=True)
    assert TrainingEntry.query.count() == 0


def test_the_office_admin_sees_who_is_behind_first_and_each_agents_evidence(client, make):
    office = make.office()
    admin = make.office_admin(office)
    done = make.agent(office, last_name="Amiel", contract_start=date(2020, 1, 1))
    behind = make.agent(office, last_name="Sala", contract_start=date(2020, 1, 1))
    for day in (date(2025, 1, 6), date(2025, 2, 6), date(2025, 3, 6)):
        record_training(admin, done, trained_on=day, minutes=60 * 60, title=f"Module {day.month}",
                        organisation="CNFPT", accredited=True)
    record_training(admin, behind, trained_on=date(2025, 4, 1), minutes=120, title="Sentiers", organisation="OT",
                    accredited=False, certificate=pdf_bytes())
    db.session.commit()
    login(client, admin.email)
    page = client.get("/office/training").get_data(as_text=True)
    assert page.index(f'data-agent="{behind.id}"') < page.index(f'data-agent="{done.id}"')
    assert "il manque 148\u00a0h" in page and "À jour" in page
    detail = client.get(f"/office/agents/{behind.id}/training").get_data(as_text=True)
    assert "Sentiers" in detail and "Attestation" in detail and "Justificatifs" in detail
    response = _post_training(client, f"/office/agents/{behind.id}/training", minutes="7 h")
    assert response.status_code == 302
    assert TrainingEntry.query.filter_by(user_id=behind.id, minutes=420, recorded_by_id=admin.id).count() == 1


def test_certificates_and_deletion_stay_within_the_office(client, make):
    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office, contract_start=START)
    entry = record_training(agent, agent, trained_on=date(2025, 5, 1), minutes=60, title="x", organisation="y",
                            accredited=False, certificate=pdf_bytes())
    db.session.commit()
    login(client, make.office_admin(make.office()).email)
    assert client.get(f"/training/{entry.id}/certificate").status_code == 404
    token = csrf_token(client, "/office/training")
    assert client.post(f"/training/{entry.id}/delete", data={"csrf_token": token}).status_code == 404
    client.post("/logout", data={"csrf_token": token})
    login(client, admin.email)
    assert client.get(f"/training/{entry.id}/certificate").status_code == 200
    response = client.post(f"/training/{entry.id}/delete", data={"csrf_token": csrf_token(client, "/office/training")})
    assert response.status_code == 302 and response.location.endswith(f"/office/agents/{agent.id}/training")
    assert db.session.get(TrainingEntry, entry.id) is None


def test_work_settings_on_the_agent_form(client, make):
    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office, contract_start=START)
    login(client, admin.email)
    form = client.get(f"/office/agents/{agent.id}").get_data(as_text=True)
    assert "Temps de travail et service" in form and 'name="w-working_percent"' in form
    token = csrf_token(client, f"/office/agents/{agent.id}")
    url = f"/office/agents/{agent.id}/work-settings"
    refused = client.post(url, data={"csrf_token": token, "w-working_percent": "150", "w-service": "front_desk"},
                          follow_redirects=True)
    assert "Un pourcentage entre 1 et 100" in refused.get_data(as_text=True)
    assert db.session.get(WorkSettings, agent.id) is None
    saved = client.post(url, data={"csrf_token": token, "w-working_percent": "80 %", "w-service": "other",
                                   "w-administrative": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    settings = db.session.get(WorkSettings, agent.id)
    assert (settings.working_percent, settings.service.value, settings.administrative) == (80, "other", True)
    assert 'value="80"' in client.get(f"/office/agents/{agent.id}").get_data(as_text=True)


def test_an_administrative_agent_shows_as_excluded_not_behind_in_the_office_view(client, make):
    office = make.office()
    admin, clerk = make.office_admin(office), make.agent(office, contract_start=START)
    set_work_settings(admin, clerk, working_percent=100, service="other", administrative=True)
    db.session.commit()
    login(client, admin.email)
    overview = client.get("/office/overview").get_data(as_text=True)
    assert "data-excluded" in overview and "Non concerné" in overview
    detail = client.get(f"/office/agents/{clerk.id}/visits").get_data(as_text=True)
    assert "non concerné par les 14 h de visites" in detail
    client.post("/logout", data={"csrf_token": csrf_token(client, "/office/overview")})
    login(client, clerk.email)
    page = client.get("/visits").get_data(as_text=True)
    assert "non concerné par les 14 h de visites" in page and "Encore" not in page


def test_an_agent_deletes_only_what_they_recorded(client, make):
    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office, contract_start=START)
    by_admin = record_training(admin, agent, trained_on=date(2025, 5, 1), minutes=60, title="Par l'office",
                               organisation="OT", accredited=False)
    own = record_training(agent, agent, trained_on=date(2025, 5, 2), minutes=60, title="Par moi",
                          organisation="OT", accredited=False)
    db.session.commit()
    login(client, agent.email)
    page = client.get("/training").get_data(as_text=True)
    assert f"/training/{own.id}/delete" in page and f"/training/{by_admin.id}/delete" not in page
    token = csrf_token(client, "/training")
    assert client.post(f"/training/{by_admin.id}/delete", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/training/{own.id}/delete", data={"csrf_token": token}).status_code == 302
    assert [entry.id for entry in TrainingEntry.query.all()] == [by_admin.id]


def test_the_agents_ledger_in_english(client, make):
    agent = make.agent(contract_start=START)
    login(client, agent.email)
    token = csrf_token(client, "/training")
    client.post("/language/en", data={"csrf_token": token, "next": "/training"})
    page = client.get("/training").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Training over 3 years" in page and "still needed to reach the target" in page
    assert "Formation sur 3 ans" not in page and "Il manque" not in page


def test_a_certificate_past_the_upload_limit_is_refused_with_the_limit_said(client, make):
    agent = make.agent(contract_start=START)
    login(client, agent.email)
    huge = _post_training(client, "/training", certificate=(io.BytesIO(b"%PDF-" + b"0" * (11 * 1024 * 1024)), "a.pdf"))
    assert huge.status_code == 302 and huge.location.endswith("/training")
    assert "attestation dépasse 10 Mo" in client.get("/training").get_data(as_text=True)
    assert TrainingEntry.query.count() == 0
