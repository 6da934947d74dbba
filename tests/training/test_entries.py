"""Training entries: who records them, bad input refused with nothing saved, certificates checked
(a real PDF kept, images re-encoded, anything else refused), deletion audited and the file removed."""
import io
import os
from datetime import date, timedelta

import pytest
from flask import current_app
from PIL import Image

from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.hours.api import agent_hours, office_participation
from passresot.training import certificates
from passresot.training.api import delete_training, parse_duration, record_training, set_work_settings
from passresot.training.exceptions import InvalidTrainingEntry, NotYourAgent
from passresot.training.models import CertificateKind, TrainingEntry
from passresot.timeutil import paris_today
from tests.factories import jpeg_bytes
from tests.training.helpers import FAKE_PDF, pdf_bytes

TODAY = date(2026, 6, 30)


def _fields(**changes):
    fields = {"trained_on": date(2026, 5, 12), "minutes": 7 * 60, "title": "Accueil des clientèles anglophones",
              "organisation": "CCI Pyrénées-Orientales", "accredited": True, "today": TODAY}
    fields.update(changes)
    return fields


@pytest.mark.parametrize("text,minutes", [("7 h", 420), ("3h30", 210), ("3 h 30", 210), ("3,5 h", 210),
                                          ("90 min", 90), ("12h", 720), ("", None), ("sept heures", None),
                                          ("-3 h", None)])
def test_durations_read_as_people_write_them(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("changes,field", [
    ({"trained_on": TODAY + timedelta(days=1)}, "trained_on"),
    ({"trained_on": date(2020, 1, 1)}, "trained_on"),  # before the agent's contract
    ({"trained_on": None}, "trained_on"),
    ({"minutes": -60}, "minutes"),
    ({"minutes": 0}, "minutes"),
    ({"minutes": 10}, "minutes"),
    ({"minutes": 71 * 60}, "minutes"),
    ({"minutes": None}, "minutes"),
    ({"title": "  "}, "title"),
    ({"organisation": "x" * 201}, "organisation"),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(make, changes, field):
    agent = make.agent(contract_start=date(2024, 1, 1))
    with pytest.raises(InvalidTrainingEntry) as refused:
        record_training(agent, agent, **_fields(**changes))
    assert field in refused.value.fields
    db.session.rollback()
    assert TrainingEntry.query.count() == 0


def test_the_future_message_is_in_plain_french(make):
    agent = make.agent(contract_start=date(2024, 1, 1))
    with pytest.raises(InvalidTrainingEntry) as refused:
        record_training(agent, agent, **_fields(trained_on=TODAY + timedelta(days=3)))
    assert str(refused.value.fields["trained_on"]) == "La formation ne peut pas être dans le futur."


def test_the_agent_and_their_office_admin_record_nobody_else(make):
    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office, contract_start=date(2024, 1, 1))
    other_admin, colleague = make.office_admin(make.office()), make.agent(office, contract_start=date(2024, 1, 1))
    assert record_training(admin, agent, **_fields()).recorded_by_id == admin.id
    assert record_training(agent, agent, **_fields()).recorded_by_id == agent.id
    for actor in (other_admin, colleague):
        with pytest.raises(NotYourAgent):
            record_training(actor, agent, **_fields())
    with pytest.raises(NotYourAgent):  # only the OT admin sets working time and service
        set_work_settings(agent, agent, working_percent=50, service="other", administrative=False)
    assert AuditEvent.query.filter_by(action="training.recorded").count() == 2


def test_a_real_pdf_is_kept_as_sent_in_the_instance_folder(make):
    agent = make.agent(contract_start=date(2024, 1, 1))
    data = pdf_bytes()
    entry = record_training(agent, agent, **_fields(certificate=data))
    db.session.commit()
    assert entry.certificate_kind is CertificateKind.pdf
    with open(certificates.path_of(entry.certificate_file), "rb") as stored:
        assert stored.read() == data
    assert certificates.path_of(entry.certificate_file).startswith(current_app.instance_path)
    assert entry.certificate_file.endswith(".pdf") and len(entry.certificate_file) == 36  # a random name


def test_an_image_is_re_encoded_without_its_metadata_and_shrunk(make):
    agent = make.agent(contract_start=date(2024, 1, 1))
    image = Image.new("RGB", (3000, 4000), (240, 240, 230))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    sent = io.BytesIO()
    image.save(sent, "PNG", exif=exif.tobytes())
    entry = record_training(agent, agent, **_fields(certificate=sent.getvalue()))
    db.session.commit()
    assert entry.certificate_kind is CertificateKind.jpeg
    stored = Image.open(certificates.path_of(entry.certificate_file))
    assert stored.format == "JPEG" and max(stored.size) == certificates.MAX_SIDE
    assert not stored.getexif() and "exif" not in stored.info


@pytest.mark.parametrize("data,message", [
    (b"MZ\x90\x00 this is a program", "ni un PDF ni une image"),
    (b"<html><script>alert(1)</script></html>", "ni un PDF ni une image"),
    (FAKE_PDF, "ne s'ouvre pas comme un PDF"),
    (jpeg_bytes(fmt="GIF"), "ni un PDF ni une image"),
    (b"x" * (certificates.MAX_BYTES + 1), "dépasse 10 Mo"),
])
def test_other_files_are_refused_with_a_clear_message_and_nothing_is_written(make, data, message):
    agent = make.agent(contract_start=date(2024, 1, 1))
    before = set(os.listdir(certificates.folder())) if os.path.isdir(certificates.folder()) else set()
    with pytest.raises(InvalidTrainingEntry) as refused:
        record_training(agent, agent, **_fields(certificate=data))
    assert message in str(refused.value.fields["certificate"])
    db.session.rollback()
    assert TrainingEntry.query.count() == 0
    after = set(os.listdir(certificates.folder())) if os.path.isdir(certificates.folder()) else set()
    assert after == before


def test_a_rolled_back_entry_leaves_no_file(make):
    agent = make.agent(contract_start=date(2024, 1, 1))
    entry = record_training(agent, agent, **_fields(certificate=jpeg_bytes()))
    path = certificates.path_of(entry.certificate_file)
    assert os.path.exists(path)
    db.session.rollback()
    assert not os.path.exists(path)


def test_deleting_an_entry_is_audited_and_its_file_goes_on_commit(make):
    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office, contract_start=date(2024, 1, 1))
    entry = record_training(agent, agent, **_fields(certificate=pdf_bytes()))
    db.session.commit()
    path, entry_id = certificates.path_of(entry.certificate_file), entry.id
    with pytest.raises(NotYourAgent):
        delete_training(make.office_admin(make.office()), entry)
    delete_training(admin, entry)
    assert os.path.exists(path)  # not before the commit
    db.session.commit()
    assert not os.path.exists(path) and db.session.get(TrainingEntry, entry_id) is None
    event = AuditEvent.query.filter_by(action="training.deleted").one()
    assert event.actor_id == admin.id and event.details["minutes"] == 420


def test_the_database_refuses_absurd_minutes_too(make):
    from sqlalchemy.exc import IntegrityError

    agent = make.agent()
    db.session.add(TrainingEntry(user_id=agent.id, trained_on=TODAY, minutes=-30, title="x", organisation="y",
                                 recorded_by_id=agent.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_purely_administrative_agent_is_out_of_the_14_hour_target_not_behind(make):
    office = make.office()
    admin = make.office_admin(office)
    clerk, desk = make.agent(office, last_name="Admin"), make.agent(office, last_name="Zaccueil")
    set_work_settings(admin, clerk, working_percent=100, service="other", administrative=True)
    db.session.commit()
    year = paris_today().year
    assert "purement administratif" in str(agent_hours(clerk.id, year).excluded_reason)
    assert agent_hours(desk.id, year).excluded_reason is None
    rows = {row["agent"].id: row for row in office_participation(office.id, year)}
    assert rows[clerk.id]["excluded_reason"] and rows[desk.id]["excluded_reason"] is None


def test_the_yearly_sheet_and_export_say_not_concerned_for_an_administrative_agent(make):
    from passresot.hours.office_year import hours_table, office_year

    office = make.office()
    admin, clerk = make.office_admin(office), make.agent(office)
    set_work_settings(admin, clerk, working_percent=100, service="other", administrative=True)
    db.session.commit()
    data = office_year(office.id, paris_today().year)
    assert [row.excluded for row in data.agents] == [True]
    assert hours_table(data).rows[0][-1] == "non concerné (administratif)"


def test_anonymising_an_agent_removes_their_certificates_and_keeps_the_hours(make):
    from passresot.privacy.api import anonymise
    from passresot.privacy.export import personal_data

    agent = make.agent(contract_start=date(2024, 1, 1))
    entry = record_training(agent, agent, **_fields(certificate=pdf_bytes("Attestation de Prénom Nom")))
    db.session.commit()
    exported = personal_data(agent)
    assert exported["training"][0]["minutes"] == 420 and exported["training"][0]["certificate"] is True
    path = certificates.path_of(entry.certificate_file)
    anonymise(agent)
    db.session.commit()
    assert not os.path.exists(path)
    assert entry.certificate_file is None and entry.minutes == 420
