"""Attendance certificates: one per agent present, signed by the network key; the PDF's QR code opens the
public page, which says « authentique » with what the certificate states and nothing more, and
« inconnue ou altérée » when the link or the stored row was changed."""
import re
from datetime import time, timedelta

import pypdfium2
import pytest

from passresot.certificates.api import issue_programme_certificates, verified
from passresot.certificates.exceptions import CertificatesNotYet
from passresot.certificates.models import Certificate
from passresot.eductours.api import plan_programme
from passresot.eductours.attendance import mark_present
from passresot.extensions import db
from passresot.timeutil import paris_today
from tests.helpers import csrf_token, login, read_qr_codes


@pytest.fixture
def day_out(make):
    """A programme held yesterday with two stops: Amélie at both, Bruno at one, Chloé absent."""
    office = make.office(name="Office de Collioure")
    admin = make.office_admin(office, first_name="Anne", last_name="Organise")
    castle = make.partner(name="Château royal de Collioure")
    cellar = make.partner(name="Cellier des Templiers")
    agents = [make.agent(office, first_name=first, last_name=last)
              for first, last in (("Amélie", "Roca"), ("Bruno", "Sala"), ("Chloé", "Vidal"))]
    yesterday = paris_today() - timedelta(days=1)
    programme = plan_programme(admin, title="Éductour Côte Vermeille", day=yesterday,
                               agent_ids=[agent.id for agent in agents], today=yesterday - timedelta(days=3),
                               stops=[{"partner_id": castle.id, "starts_at": time(9), "ends_at": time(10, 30)},
                                      {"partner_id": cellar.id, "starts_at": time(11), "ends_at": time(12)}])
    mark_present(admin, programme.stops[0], agents[0].id, today=yesterday)
    mark_present(admin, programme.stops[1], agents[0].id, today=yesterday)
    mark_present(admin, programme.stops[1], agents[1].id, today=yesterday)
    db.session.commit()
    return admin, programme, agents


def test_one_signed_certificate_per_agent_present_stating_their_stops(day_out):
    admin, programme, (amelie, bruno, chloe) = day_out
    certificates = issue_programme_certificates(admin, programme)
    db.session.commit()
    by_holder = {c.holder_name: c for c in certificates}
    assert set(by_holder) == {amelie.full_name, bruno.full_name}  # Chloé was at no stop
    assert by_holder[amelie.full_name].minutes == 150
    assert by_holder[amelie.full_name].lines == ["09:00–10:30 · Château royal de Collioure",
                                                 "11:00–12:00 · Cellier des Templiers"]
    assert verified(by_holder[bruno.full_name].serial, by_holder[bruno.full_name].signature) is not None
    again = issue_programme_certificates(admin, programme)  # issuing again adds nobody twice
    assert sorted(c.id for c in again) == sorted(c.id for c in certificates)


def test_no_certificate_before_the_day(make):
    office = make.office()
    admin = make.office_admin(office)
    agent = make.agent(office)
    programme = plan_programme(admin, title="Plus tard", day=paris_today() + timedelta(days=3),
                               agent_ids=[agent.id], stops=[{"partner_id": make.partner().id,
                                                             "starts_at": time(9), "ends_at": time(10)}])
    with pytest.raises(CertificatesNotYet):
        issue_programme_certificates(admin, programme)


def test_a_changed_signature_or_stored_row_or_unknown_serial_fails(day_out):
    admin, programme, _agents = day_out
    certificate = issue_programme_certificates(admin, programme)[0]
    db.session.commit()
    signature = certificate.signature
    flipped = ("A" if signature[5] != "A" else "B").join([signature[:5], signature[6:]])
    assert verified(certificate.serial, flipped) is None
    assert verified("ZZZZZZZZZZZZ", signature) is None
    certificate.minutes += 60  # someone edits the database afterwards
    db.session.commit()
    assert verified(certificate.serial, signature) is None


def test_the_pdfs_qr_code_opens_the_public_page_which_states_only_the_certificate(app, client, day_out):
    admin, programme, (amelie, _bruno, _chloe) = day_out
    issue_programme_certificates(admin, programme)
    db.session.commit()
    certificate = Certificate.query.filter_by(user_id=amelie.id).one()
    login(client, amelie.email)
    response = client.get(f"/certificates/{certificate.serial}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    page = pypdfium2.PdfDocument(response.data)[0]
    text = " ".join(page.get_textpage().get_text_range().split())
    assert amelie.full_name in text and "Éductour Côte Vermeille" in text and "2 h 30" in text.replace("\u00a0", " ")
    link, = [code.text for code in read_qr_codes(page.render(scale=3).to_pil())]
    public = app.test_client().get(link.replace("http://localhost", ""))
    html = public.get_data(as_text=True)
    assert public.status_code == 200 and "Attestation authentique" in html and amelie.full_name in html
    assert amelie.email not in html and "Cellier des Templiers" in html
    tampered = app.test_client().get(re.sub(r"s=.", "s=_", link.replace("http://localhost", "")))
    assert tampered.status_code == 404 and "inconnue ou altérée" in tampered.get_data(as_text=True)


def test_who_may_download(app, make, day_out):
    admin, programme, (amelie, bruno, _chloe) = day_out
    issue_programme_certificates(admin, programme)
    db.session.commit()
    url = f"/certificates/{Certificate.query.filter_by(user_id=amelie.id).one().serial}.pdf"
    for user, status in ((amelie, 200), (bruno, 404), (admin, 200), (make.network_admin(), 200),
                         (make.office_admin(make.office(name="Autre office")), 404)):
        other = app.test_client()
        assert login(other, user.email).status_code == 302, user.email
        assert other.get(url).status_code == status, user.email


def test_the_organiser_issues_them_from_the_programme_page(app, client, day_out):
    admin, programme, (amelie, _bruno, _chloe) = day_out
    login(client, admin.email)
    page = client.get(f"/eductours/{programme.id}").get_data(as_text=True)
    assert "Délivrer les attestations" in page
    response = client.post(f"/eductours/{programme.id}/certificates",
                           data={"csrf_token": csrf_token(client, f"/eductours/{programme.id}")}, follow_redirects=True)
    assert "2 attestations délivrées" in response.get_data(as_text=True)
    assert Certificate.query.count() == 2
    agent = app.test_client()
    login(agent, amelie.email)
    assert "Mes attestations" in agent.get("/my/eductours").get_data(as_text=True)
