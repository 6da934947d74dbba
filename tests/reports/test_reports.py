"""Dysfunction reports (R8): recorded once per device UUID, triaged, answered, late after 3 working days."""
import logging
import uuid
from datetime import datetime, timedelta

import pytest

from passresot.extensions import db
from passresot.passes.api import issue_pass, return_pass
from passresot.reports.api import is_late, record_report, reports_of, triage
from passresot.reports.deadlines import handling_deadline
from passresot.reports.exceptions import InvalidReport, ReportIdTaken
from passresot.reports.models import Report, ReportStatus


def _raw(partner, **fields):
    return {"id": str(uuid.uuid4()), "partner_id": partner.id, "kind": "refused_entry",
            "text": "On m'a refusé l'entrée malgré le pass.", **fields}


def test_a_report_is_recorded_once_per_uuid(make):
    agent, partner = make.agent(), make.partner()
    raw = _raw(partner)
    first, created = record_report(agent, raw)
    again, created_again = record_report(agent, dict(raw, text="changé en route"))
    db.session.commit()
    assert (created, created_again) == (True, False)
    assert again.id == first.id == raw["id"]
    assert Report.query.count() == 1
    assert Report.query.one().text == "On m'a refusé l'entrée malgré le pass."


def test_another_agents_uuid_is_refused(make):
    partner = make.partner()
    raw = _raw(partner)
    record_report(make.agent(), raw)
    with pytest.raises(ReportIdTaken):
        record_report(make.agent(), raw)


@pytest.mark.parametrize("change,field", [
    ({"id": "pas-un-uuid"}, "id"), ({"partner_id": 999_999}, "partner_id"), ({"partner_id": "3"}, "partner_id"),
    ({"kind": "noise"}, "kind"), ({"text": "   "}, "text"), ({"text": "x" * 4001}, "text"),
    ({"written_at": "hier"}, "written_at"),
])
def test_bad_fields_are_named(make, change, field):
    with pytest.raises(InvalidReport) as refused:
        record_report(make.agent(), _raw(make.partner(), **change))
    assert field in refused.value.fields
    assert Report.query.count() == 0


def test_only_agents_report(make):
    with pytest.raises(InvalidReport):
        record_report(make.office_admin(), _raw(make.partner()))


def test_an_agent_whose_pass_has_ended_can_still_report(make):
    agent, partner = make.agent(), make.partner()
    pass_ = issue_pass(None, agent)
    return_pass(None, pass_)
    report, created = record_report(agent, _raw(partner))
    assert created and report.user_id == agent.id


def test_the_device_time_is_kept_but_never_in_the_future(make):
    agent, partner = make.agent(), make.partner()
    now = datetime(2026, 3, 10, 9, 0)
    written, _ = record_report(agent, _raw(partner, written_at="2026-03-07T16:30:00Z"), now=now)
    ahead, _ = record_report(agent, _raw(partner, written_at="2027-01-01T00:00:00+01:00"), now=now)
    assert written.written_at == datetime(2026, 3, 7, 16, 30)
    assert ahead.written_at == now + timedelta(minutes=5)


def test_the_agent_sees_only_their_reports_newest_first(make):
    agent, other, partner = make.agent(), make.agent(), make.partner()
    older, _ = record_report(agent, _raw(partner), now=datetime(2026, 3, 1))
    newer, _ = record_report(agent, _raw(partner), now=datetime(2026, 3, 2))
    record_report(other, _raw(partner))
    assert [r.id for r in reports_of(agent.id)] == [newer.id, older.id]


# Paris is UTC+1 in winter: 2026-03-06 is a Friday, 2026-03-07 a Saturday.
@pytest.mark.parametrize("received,due", [
    (datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 5, 9, 0)),     # Monday → Thursday, same hour
    (datetime(2026, 3, 6, 14, 0), datetime(2026, 3, 11, 14, 0)),  # Friday → Wednesday
    (datetime(2026, 3, 7, 10, 0), datetime(2026, 3, 11, 23, 0)),  # Saturday → Thursday 00:00 Paris
    (datetime(2026, 3, 8, 23, 30), datetime(2026, 3, 11, 23, 30)),  # Sunday 23:30 UTC is Monday 00:30 Paris
])
def test_three_working_days_skip_weekends(received, due):
    assert handling_deadline(received) == due


def test_a_report_not_handled_in_three_working_days_is_late(make):
    agent, admin, partner = make.agent(), make.network_admin(), make.partner()
    report, _ = record_report(agent, _raw(partner), now=datetime(2026, 3, 6, 14, 0))
    assert not is_late(report, now=datetime(2026, 3, 11, 13, 59))
    assert is_late(report, now=datetime(2026, 3, 11, 14, 1))
    triage(admin, report, ReportStatus.in_progress, "", now=datetime(2026, 3, 12))
    assert report.handled_at == datetime(2026, 3, 12)
    assert is_late(report)  # handled, but after the deadline


def test_triage_answers_and_keeps_the_first_handling_time(make):
    agent, admin, partner = make.agent(), make.network_admin(), make.partner()
    report, _ = record_report(agent, _raw(partner), now=datetime(2026, 3, 2, 9, 0))
    triage(admin, report, ReportStatus.in_progress, "", now=datetime(2026, 3, 3, 9, 0))
    triage(admin, report, ReportStatus.resolved, "Le site a été prévenu. <b>Merci</b>", now=datetime(2026, 3, 4))
    db.session.commit()
    assert report.status is ReportStatus.resolved
    assert report.handled_at == datetime(2026, 3, 3, 9, 0)
    assert report.answer == "Le site a été prévenu. <b>Merci</b>"
    assert report.answered_by_id == admin.id
    assert not is_late(report)


def test_new_reports_reach_the_network_in_one_digest_or_the_log_without_smtp(app, make, caplog, monkeypatch):
    import smtplib

    from passresot.mailbox.api import send_queued
    from passresot.reports.api import queue_report_digest
    from tests.helpers import FakeSMTP

    agent, partner = make.agent(), make.partner(name="Fort de Salses")
    record_report(agent, _raw(partner))
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="passresot.mail"):
        assert queue_report_digest() == 1  # without SMTP: logged whole, nothing lost
    assert "contact@resot66.fr" in caplog.text and "Fort de Salses" in caplog.text
    assert queue_report_digest() == 0  # told once

    FakeSMTP.sent, FakeSMTP.fail = [], False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.fr")
    monkeypatch.setitem(app.config, "SMTP_USER", "")
    for _ in range(3):
        record_report(agent, _raw(partner))
    db.session.commit()
    assert queue_report_digest() == 3
    db.session.commit()
    assert send_queued() == (1, 0)  # three reports, one message
    (host, message), = FakeSMTP.sent
    assert message["To"] == app.config["NETWORK_CONTACT_EMAIL"] and "3 nouveaux signalements" in message["Subject"]
    assert message.get_content().count("Fort de Salses") == 3 and "malgré le pass" in message.get_content()
