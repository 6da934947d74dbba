"""The audit evidence pack: its sections match the database, the PDF and the CSVs say the same, who may download."""
import csv
import os
import io
import uuid
import zipfile
from datetime import date, datetime, time

import pypdfium2
import pytest

from passresot.eductours.api import plan_programme
from passresot.eductours.attendance import mark_present
from passresot.evidence.indicators import Half, half_indicators
from passresot.evidence.pack import pack_pdf, pack_zip
from passresot.evidence.base import year_period
from passresot.evidence.sections import office_sections
from passresot import pdf
from passresot.extensions import db
from passresot.hours.models import OtherVisit
from passresot.reports.deadlines import french_public_holidays, handling_deadline
from passresot.reports.models import Report, ReportKind
from passresot.training.api import record_training
from passresot.visits.models import Scan, ScanStatus, Visit
from tests.helpers import login


def _visit(agent, partner, when, *, scanned=True, staff=None):
    visit = Visit(user_id=agent.id, partner_id=partner.id, year=when.year, admitted_at=when)
    db.session.add(visit)
    db.session.flush()
    scan = None
    if scanned:
        scan = Scan(id=str(uuid.uuid4()), partner_id=partner.id, scanned_by_id=staff.id, device_id="tablette",
                    pass_number="P-1", scanned_at=when, received_at=when.replace(minute=when.minute + 2),
                    status=ScanStatus.admitted, visit_id=visit.id)
        db.session.add(scan)
    db.session.commit()
    return visit, scan


def _report(agent, partner, received, handled):
    report = Report(id=str(uuid.uuid4()), user_id=agent.id, partner_id=partner.id, kind=ReportKind.site_closed,
                    text="Fermé", written_at=received, received_at=received, handled_at=handled)
    db.session.add(report)
    db.session.commit()
    return report


@pytest.fixture
def world(make):
    office = make.office(name="Office de Céret")
    admin = make.office_admin(office, first_name="Anne", last_name="Directrice")
    castle = make.partner(name="Château de Salses", visit_minutes=120)
    museum = make.partner(name="Musée d'art moderne", visit_minutes=None)
    staff = make.partner_staff(castle)
    alice = make.agent(office, first_name="Alice", last_name="Aubry")
    bruno = make.agent(office, first_name="Bruno", last_name="Bernard", active=False)
    other = make.agent(make.office(name="Office de Prades"), first_name="Zoé", last_name="Ailleurs")
    visit, scan = _visit(alice, castle, datetime(2026, 3, 10, 9, 0), staff=staff)
    unscanned, _none = _visit(alice, museum, datetime(2026, 4, 2, 14, 0), scanned=False)
    _visit(other, castle, datetime(2026, 3, 11, 9, 0), staff=staff)
    db.session.add(OtherVisit(user_id=alice.id, partner_id=museum.id, visited_on=date(2026, 5, 20), minutes=720,
                              note="Éductour de mai", recorded_by_id=admin.id))
    db.session.commit()
    # Thursday 7 May 2026 10:00 Paris; Friday 8 May is a public holiday: due Wednesday 13 May 10:00.
    _report(alice, castle, datetime(2026, 5, 7, 8, 0), datetime(2026, 5, 13, 7, 0))  # within, thanks to 8 May
    _report(alice, castle, datetime(2026, 6, 5, 8, 0), datetime(2026, 6, 11, 8, 0))  # Fri → due Wed 10/06: late
    return locals()


def test_three_working_days_skip_the_weekend_and_public_holidays():
    assert date(2026, 5, 8) in french_public_holidays(2026) and date(2026, 5, 25) in french_public_holidays(2026)
    # Thursday 7 May 10:00 Paris: Friday (8 May) and the weekend do not count.
    assert handling_deadline(datetime(2026, 5, 7, 8, 0), public_holidays=True) == datetime(2026, 5, 13, 8, 0)
    assert handling_deadline(datetime(2026, 5, 7, 8, 0)) == datetime(2026, 5, 12, 8, 0)  # triage: early
    # Received Saturday 23 May: Monday 25 (Whit Monday) is off too, the clock starts on Tuesday.
    assert handling_deadline(datetime(2026, 5, 23, 10, 0), public_holidays=True) == datetime(2026, 5, 28, 22, 0)


def test_sections_match_the_database(world):
    sections = office_sections(world["office"].id, year_period(2026))
    agents, passes, others, reports = (section.table for section in sections[:4])
    alice = next(row for row in agents.rows if row[1] == "Aubry")
    # 2 h (castle) + 1 h estimated (museum) + 12 h recorded = 15 h: reached.
    assert alice[4:10] == (2, 3.0, 12.0, 0.0, 15.0, "atteint")
    bruno = next(row for row in agents.rows if row[1] == "Bernard")
    assert bruno[9:] == ("exclu", "compte fermé")
    assert all(row[1] != "Ailleurs" for row in agents.rows)  # another office's agent
    assert [(row[3], row[7]) for row in passes.rows] == [
        ("Château de Salses", world["scan"].id), ("Musée d'art moderne", "sans scan enregistré par le serveur")]
    assert passes.rows[0][6] == datetime(2026, 3, 10, 10, 2)  # the server's receipt, Paris time
    assert others.rows[0][6] == "Anne Directrice" and others.rows[0][8] == "Éductour de mai"
    assert [row[-1] for row in reports.rows] == ["oui", "non"]
    assert sections[3].totals == {"within": 1, "total": 2}


def test_pdf_and_zip_say_the_same(world, app, tmp_path):
    sections = office_sections(world["office"].id, year_period(2026))
    with app.test_request_context():
        data = pack_pdf("Office de Céret", "année 2026", "Anne Directrice", sections)
        archive = zipfile.ZipFile(io.BytesIO(pack_zip([("Office de Céret", sections)], "Anne Directrice",
                                                      "année 2026")))
    document = pypdfium2.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    for expected in ("Office de Céret", "année 2026", "Anne Directrice", world["scan"].id,
                     "sans scan enregistré par le serveur", "compte fermé", "1 signalement(s) sur 2"):
        assert expected in text.replace("\r", "").replace("\n", " ") or expected in text, expected
    for number, page in enumerate(document):
        page.render(scale=1.5).to_pil().save(tmp_path / f"page{number}.png")  # AUDIT_PNG_DIR keeps them to look at
        if os.environ.get("AUDIT_PNG_DIR"):
            page.render(scale=1.5).to_pil().save(os.path.join(os.environ["AUDIT_PNG_DIR"], f"page{number}.png"))
    assert sorted(archive.namelist()) == ["1_agents_heures.csv", "2_visites_avec_le_pass.csv", "3_autres_visites.csv",
                                          "4_signalements.csv", "5_formation_3_ans.csv", "6_formations.csv",
                                          "7_eductours.csv", "README.txt", "dossier.pdf"]
    raw = archive.read("2_visites_avec_le_pass.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:4] == ["10/03/2026", "Aubry", "Alice", "Château de Salses"] and rows[1][7] == world["scan"].id
    assert rows[2][7] == "sans scan enregistré par le serveur"
    assert "4_signalements.csv" in archive.read("README.txt").decode("utf-8")
    assert archive.read("dossier.pdf").startswith(b"%PDF")


def test_the_training_ledger_and_its_certificates_are_in_the_pack(world, app):
    alice, admin = world["alice"], world["admin"]
    alice.contract_start = date(2024, 1, 1)
    with app.test_request_context():
        document = pdf.new_document("Attestation")
        document.add_page()
        document.cell(text="Attestation de formation")
        certificate = pdf.to_bytes(document)
    entry = record_training(admin, alice, trained_on=date(2026, 3, 2), minutes=7 * 60, title="Accueil en anglais",
                            organisation="CCI Pyrénées-Orientales", accredited=True, certificate=certificate,
                            today=date(2026, 6, 1))
    db.session.commit()
    sections = office_sections(world["office"].id, year_period(2026))
    ledger, trainings = sections[4], sections[5]
    row = next(row for row in ledger.table.rows if row[0] == "Aubry")
    # 7 h of accredited training, 15 h of partner visits (2 h + 1 h estimated + 12 h recorded).
    assert row[4:8] == (7.0, 15.0, 0.0, 22.0) and row[9] == 7.0
    assert [other[0] for other in ledger.table.rows] == ["Aubry"]  # closed accounts and other offices: not there
    name = f"attestations/formation-{entry.id}.pdf"
    assert list(trainings.table.rows) == [(date(2026, 3, 2), "Aubry", "Alice", "Accueil en anglais",
                                           "CCI Pyrénées-Orientales", "oui", 7.0, name)]
    with app.test_request_context():
        archive = zipfile.ZipFile(io.BytesIO(pack_zip([("Office de Céret", sections)], "Anne Directrice",
                                                      "année 2026")))
    assert archive.read(name) == certificate


def test_an_eductour_stop_attended_counts_in_the_agents_hours_and_is_listed(world):
    alice, admin, castle = world["alice"], world["admin"], world["castle"]
    programme = plan_programme(admin, title="Éductour de la côte", day=date(2026, 5, 4), agent_ids=[alice.id],
                               stops=[{"partner_id": castle.id, "starts_at": time(9), "ends_at": time(11, 30)}],
                               today=date(2026, 5, 1))
    mark_present(admin, programme.stops[0], alice.id, today=date(2026, 5, 4))
    db.session.commit()
    sections = office_sections(world["office"].id, year_period(2026))
    row = next(row for row in sections[0].table.rows if row[1] == "Aubry")
    assert row[4:10] == (2, 3.0, 12.0, 2.5, 17.5, "atteint")
    assert list(sections[6].table.rows) == [(date(2026, 5, 4), "Aubry", "Alice", "Éductour de la côte",
                                             "Château de Salses", 2.5, "appel de l'organisateur", "")]


def test_office_admin_gets_their_pack_only(world, client, make):
    login(client, world["admin"].email)
    response = client.get("/office/audit-pack.zip?period=2026")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert "dossier.pdf" in names
    assert client.get("/office/audit-pack.pdf?period=3ans").data.startswith(b"%PDF")
    other_office = make.office(name="Office de Vinça")
    assert client.get(f"/admin/offices/{other_office.id}/audit-pack.zip").status_code in (403, 404)
    assert client.get("/office/audit-pack.zip?period=1850").status_code == 400


def test_network_admin_gets_any_office_and_all(world, client, make):
    admin = make.network_admin()
    login(client, admin.email)
    response = client.get(f"/admin/offices/{world['office'].id}/audit-pack.zip?period=2026")
    assert response.status_code == 200
    everything = zipfile.ZipFile(io.BytesIO(client.get("/admin/audit-pack.zip?period=2026").data)).namelist()
    assert "Office_de_Ceret/dossier.pdf" in everything and "Office_de_Prades/4_signalements.csv" in everything


def test_indicator_review_numbers(world, client, make):
    figures = half_indicators(Half(2026, 1))[world["office"].id]
    # Alice open and at 7 h+ in the half; Bruno closed: 1 agent, 100 %.
    assert (figures.agents, figures.at_target, figures.share_at_target) == (1, 1, 100)
    assert figures.minutes == 15 * 60 and (figures.reports, figures.within, figures.share_within) == (2, 1, 50)
    assert half_indicators(Half(2025, 2))[world["office"].id].minutes == 0
    login(client, make.network_admin().email)
    page = client.get("/admin/indicators?half=2026-1").get_data(as_text=True)
    assert "Revue semestrielle des indicateurs" in page and "Office de Céret" in page
    row = page[page.index(f'data-office="{world["office"].id}"'):]
    assert '<td data-share>100 %</td>' in row and '<td data-hours>15.0</td>' in row and '<td data-within>50 %</td>' in row
